"""The newsletter in the admin: the subscribers, for the staff who run it; each
issue's state; and on an article's form what its mail would be, whom it would reach,
and a test send to oneself.

An address is a reader's personal data: the subscribers' list is the one screen that
shows it, to administrators and the Editor-in-chief only (accounts/roles.py). Editors
see how many confirmed subscribers an article reaches, never who. The article admin
is blog's, extended here: blog may not import this app.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import workflow
from blog.admin import ArticleAdmin
from blog.models import Article
from newsletter import sending
from newsletter.models import Issue, Subscriber, SubscriberQuerySet


class StateFilter(admin.SimpleListFilter):
    """Confirmed, waiting for confirmation, or ended: each rule the models' own."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("confirmed", _("Confirmed")),
            ("pending", _("Waiting for confirmation")),
            ("ended", _("Unsubscribed")),
        ]

    def queryset(self, request: HttpRequest, queryset: SubscriberQuerySet) -> QuerySet:
        if self.value() == "confirmed":
            return queryset.confirmed()
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "ended":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "state", "language", "rhythm", "category_names", "created_at"]
    list_filter = [StateFilter, "language", "rhythm", "categories"]
    # The counts beside each filter: how many are confirmed, in each edition, rhythm…
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["email"]
    list_per_page = 100
    actions = ["unsubscribe"]
    fields = [
        "email",
        "language",
        "rhythm",
        "categories",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    # Readers choose and confirm for themselves: staff may only end a subscription.
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Nobody is subscribed without confirming their address themselves.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("state"))
    def state(self, subscriber: Subscriber) -> str:
        if subscriber.unsubscribed_at is not None:
            return _("Unsubscribed")
        if subscriber.confirmed_at is None:
            return _("Waiting for confirmation")
        return _("Confirmed")

    @admin.display(description=_("categories"))
    def category_names(self, subscriber: Subscriber) -> str:
        names = [category.name for category in subscriber.categories.all()]
        return ", ".join(names) or _("All")

    @admin.action(description=_("Unsubscribe the selected subscribers"), permissions=["change"])
    def unsubscribe(self, request: HttpRequest, queryset: SubscriberQuerySet) -> None:
        count = queryset.active().update(unsubscribed_at=timezone.now())
        message = ngettext(
            "%(count)s subscriber unsubscribed.", "%(count)s subscribers unsubscribed.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    """Read only: issues are made by publishing and sent by the worker."""

    list_display = ["__str__", "rhythm", "language", "progress", "created_at", "finished_at"]
    list_filter = ["state", "rhythm", "language"]
    list_select_related = ["article"]
    fields = [
        "article",
        "rhythm",
        "language",
        "period_start",
        "period_end",
        "progress",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("state"))
    def progress(self, issue: Issue) -> str:
        return issue.progress()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """Digests, and the issues of the articles this user may see (blog.workflow): an
        article unpublished since is another author's draft again, title included."""
        articles = workflow.visible(request.user, Article.objects.all())
        issues = super().get_queryset(request)
        return issues.filter(article=None) | issues.filter(article__in=articles)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class NewsletterArticleAdmin(ArticleAdmin):
    """blog's article admin, with the newsletter's part of the form."""

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list:
        return [*super().get_readonly_fields(request, obj), "newsletter"]

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Newsletter"), {"fields": ["newsletter"]})]

    @admin.display(description=_("newsletter"))
    def newsletter(self, article: Article) -> str:
        """Its issue's state once queued; before, whom it would reach, with the preview
        and the test send."""
        issue = Issue.objects.filter(article=article).first()
        if issue is not None:
            return issue.progress()
        if article.is_published():
            # Live without an issue: published before the newsletter, or imported.
            words = _("Published without a mail: it is not sent afterwards.")
        elif not article.sends_by_mail():
            words = _("Not sent by mail (its switch is off).")
        else:
            words = _("It would reach %(count)s confirmed subscriber(s) when published.") % {
                "count": reach(article)
            }
        return format_html(
            '{} <a href="{}">{}</a> · <a href="{}">{}</a>',
            words,
            reverse("admin:blog_article_newsletter_preview", args=[article.pk]),
            _("Preview the mail"),
            reverse("admin:blog_article_newsletter_test", args=[article.pk]),
            _("Send me a test"),
        )

    def get_urls(self) -> list:
        return [
            path(
                "<path:object_id>/newsletter/preview/",
                self.admin_site.admin_view(self.newsletter_preview_view),
                name="blog_article_newsletter_preview",
            ),
            path(
                "<path:object_id>/newsletter/test/",
                self.admin_site.admin_view(self.newsletter_test_view),
                name="blog_article_newsletter_test",
            ),
            *super().get_urls(),
        ]

    def _changeable(self, request: HttpRequest, object_id: str) -> Article:
        """The article, if the admin's queryset rule lets this user change it."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def newsletter_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The mail's HTML as a subscriber would read it, its links to the subscriber's
        own pages left out."""
        article = self._changeable(request, object_id)
        mail = sending.preview(article)
        html, _kind = mail.alternatives[0]
        return HttpResponse(html)

    def newsletter_test_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Send the mail to the editor's own address: asked on GET, queued on POST."""
        article = self._changeable(request, object_id)
        change_url = reverse("admin:blog_article_change", args=[article.pk])
        if not request.user.email:
            self.message_user(
                request, _("Your account has no email address to send a test to."), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Send a test of “%(title)s” to yourself?") % {"title": article},
                "subtitle": None,
                "opts": self.opts,
                "original": article,
                "change_url": change_url,
                "preview_url": reverse("admin:blog_article_newsletter_preview", args=[article.pk]),
            }
            return TemplateResponse(request, "admin/newsletter/test_send.html", context)
        sending.send_test(article, request.user.email)
        self.message_user(
            request, _("A test of the mail is on its way to your address."), messages.SUCCESS
        )
        return HttpResponseRedirect(change_url)


def reach(article: Article) -> int:
    """How many confirmed subscribers the article's mail would reach now."""
    return Subscriber.objects.for_article(article).filter(rhythm=Subscriber.Rhythm.EACH).count()


admin.site.unregister(Article)
admin.site.register(Article, NewsletterArticleAdmin)
