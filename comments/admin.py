from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Case, QuerySet, Value, When
from django.forms import Script
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comments import notifications
from comments.models import Comment

# A decision's name, as the buttons post it, and the queryset method that takes it.
DECISIONS = {"approve": "approve", "reject": "reject", "spam": "mark_spam"}


def decision_message(decision: str, count: int) -> str:
    if decision == "approve":
        text = ngettext("%(count)s comment approved.", "%(count)s comments approved.", count)
    elif decision == "reject":
        text = ngettext("%(count)s comment rejected.", "%(count)s comments rejected.", count)
    else:
        text = ngettext(
            "%(count)s comment marked as spam.", "%(count)s comments marked as spam.", count
        )
    return text % {"count": count}


class DecisionForm(forms.Form):
    """What one Approve / Reject / Spam button posts."""

    decision = forms.ChoiceField(choices=[(name, name) for name in DECISIONS])
    moderator_note = forms.CharField(required=False, max_length=2000)
    next = forms.CharField(required=False, max_length=2000)


class CommenterFilter(admin.ListFilter):
    """The comments one commenter sent before a given comment: the history column's link.

    The commenter is named by their key (comments.models.commenter_key_for), never by
    the email, so that no address lands in a URL, a log or a browser's history.
    """

    title = _("commenter")
    parameters = ["commenter", "before"]

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]
        before = self.used_parameters.get("before", "")
        self.before = (
            Comment.objects.filter(pk=before).first()
            if before.isascii() and before.isdigit() and len(before) <= 18
            else None
        )

    def has_output(self) -> bool:
        return "commenter" in self.used_parameters

    def choices(self, changelist):
        yield {
            "selected": False,
            "query_string": changelist.get_query_string(remove=self.parameters),
            "display": _("All commenters"),
        }
        yield {
            "selected": True,
            "query_string": changelist.get_query_string(),
            "display": _("This commenter’s earlier comments")
            if self.before
            else _("This commenter’s comments"),
        }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        key = self.used_parameters.get("commenter")
        if not key:
            return queryset
        queryset = queryset.filter(commenter_key=key)
        return queryset.earlier_than(self.before) if self.before else queryset

    def expected_parameters(self) -> list[str]:
        return self.parameters


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Moderation: pending comments first, a decision in one click or one key."""

    list_display = [
        "commenter",
        "comment",
        "submitted_at",
        "status",
        "reason_and_note",
        "history",
        "decision_buttons",
    ]
    list_display_links = ["commenter"]
    list_filter = [CommenterFilter, "status", "article"]
    list_select_related = ["article"]
    search_fields = ["body", "name", "email"]
    actions = ["approve", "reject", "mark_spam"]
    date_hierarchy = "submitted_at"
    fields = [
        "article_link",
        "parent",
        "name",
        "email",
        "website",
        "body",
        "status",
        "reason",
        "moderator_note",
        "history",
        "submitted_at",
        "moderated_at",
        "moderated_by_name",
        "ip_address",
        "user_agent",
    ]
    readonly_fields = [
        "article_link",
        "parent",
        "email",
        "reason",
        "history",
        "submitted_at",
        "moderated_at",
        "moderated_by_name",
        "ip_address",
        "user_agent",
    ]

    class Media:
        css = {"all": ["css/moderation.css"]}
        js = [Script("js/moderation.js", defer=True)]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_commenter_history()

    def get_ordering(self, request: HttpRequest) -> list:
        pending_first = Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1))
        return [pending_first.asc(), "-submitted_at", "-pk"]

    def get_urls(self) -> list:
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("<path:object_id>/decide/", decide, name="comments_comment_decide"),
            *super().get_urls(),
        ]

    def get_list_display(self, request: HttpRequest) -> list[str]:
        # Buttons only for those who may press them: never a 403 behind a button.
        if self.has_change_permission(request):
            return self.list_display
        return [name for name in self.list_display if name != "decision_buttons"]

    def view_on_site(self, comment: Comment) -> str | None:
        """A held comment is shown to moderators on its article page, with the buttons.

        No link while the article is unpublished: a moderator could not open it.
        """
        if not comment.article.is_published():
            return None
        if comment.is_public():
            return comment.get_absolute_url()
        page, anchor = comment.get_page_url().split("#")
        joiner = "&" if "?" in page else "?"
        return f"{page}{joiner}moderate={comment.pk}#{anchor}"

    @admin.display(description=_("commenter"), ordering="name")
    def commenter(self, comment: Comment) -> str:
        if not comment.email:
            return comment.name
        return format_html(
            '{}<span class="comment-row__email">{}</span>', comment.name, comment.email
        )

    @admin.display(description=_("comment"))
    def comment(self, comment: Comment) -> str:
        return format_html(
            '{}<span class="comment-row__article">{}</span>',
            comment.excerpt,
            _("on “%(article)s”") % {"article": comment.article},
        )

    @admin.display(description=_("reason"))
    def reason_and_note(self, comment: Comment) -> str:
        if not comment.moderator_note:
            return comment.reason or "–"
        return format_html(
            '{}<span class="comment-row__note">{}</span>',
            comment.reason,
            _("Moderator’s note: %(note)s") % {"note": comment.moderator_note},
        )

    @admin.display(description=_("this commenter before"))
    def history(self, comment: Comment) -> str:
        counts = (comment.history_approved, comment.history_rejected, comment.history_spam)
        if not any(counts):
            return _("no earlier comment")
        text = _("%(approved)s approved, %(rejected)s rejected, %(spam)s spam") % dict(
            zip(["approved", "rejected", "spam"], counts, strict=True)
        )
        query = urlencode({"commenter": comment.commenter_key, "before": comment.pk})
        url = reverse("admin:comments_comment_changelist")
        return format_html('<a href="{}?{}">{}</a>', url, query, text)

    @admin.display(description=_("decision"))
    def decision_buttons(self, comment: Comment) -> str:
        """Approve / Reject / Spam for a pending row; they post the page's decide-form."""
        if comment.status != Comment.Status.PENDING:
            return ""
        url = reverse("admin:comments_comment_decide", args=[comment.pk])
        whose = _("the comment by %(name)s") % {"name": comment.name}
        buttons = format_html_join(
            "",
            '<button type="submit" form="decide-form" formaction="{}" name="decision"'
            ' value="{}" aria-keyshortcuts="{}">{}<span class="visually-hidden"> {}</span>'
            "</button>",
            [
                (url, "approve", "a", _("Approve"), whose),
                (url, "reject", "r", _("Reject"), whose),
                (url, "spam", "s", _("Spam"), whose),
            ],
        )
        return format_html('<div class="decide" id="decide-{}">{}</div>', comment.pk, buttons)

    @admin.display(description=_("article"))
    def article_link(self, comment: Comment) -> str:
        """The public page: a moderator may open it, not the article's admin page."""
        article = comment.article
        if not article.is_published():
            return str(article)
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), article)

    @admin.display(description=_("moderated by"))
    def moderated_by_name(self, comment: Comment) -> str:
        # As text: the users' admin is for administrators only.
        user = comment.moderated_by
        return user.get_username() if user else "–"

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        if "status" in form.changed_data:
            obj.moderated_by = request.user
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data and obj.status == Comment.Status.APPROVED:
            notifications.notify_authors(request, [obj.pk])
        # The change page's Approve / Reject / Spam buttons: the form (and its note) is
        # saved first, then the decision is taken as everywhere else.
        decision = request.POST.get("_decision")
        if decision in DECISIONS:
            self.decide(request, Comment.objects.filter(pk=obj.pk), decision)

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """One comment's decision from a button: then back to the page it was taken on."""
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404("No such comment.")
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if not form.is_valid():
            raise BadRequest("Unknown decision.")
        note = form.cleaned_data["moderator_note"].strip() or None
        self.decide(
            request, Comment.objects.filter(pk=comment.pk), form.cleaned_data["decision"], note
        )
        next_url = form.cleaned_data["next"]
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(next_url)

    def decide(
        self, request: HttpRequest, queryset: QuerySet, decision: str, note: str | None = None
    ) -> None:
        """Take one decision on these comments, tell the authors, and say how many changed."""
        ids = getattr(queryset, DECISIONS[decision])(by=request.user, note=note)
        if decision == "approve":
            notifications.notify_authors(request, ids)
        self.message_user(request, decision_message(decision, len(ids)))

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, "approve")

    @admin.action(description=_("Reject the selected comments"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, "reject")

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, "spam")
