import re
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, QuerySet, Value, When
from django.forms import Script
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from blog.models import Article
from comments import notifications
from comments.forms import BODY_MAX_LENGTH
from comments.models import Comment, Decision, site_reply_token
from sitewide.models import SiteSettings

# A decision's name, as the buttons post it, and the status it gives.
DECISIONS = {
    "approve": Comment.Status.APPROVED,
    "reject": Comment.Status.REJECTED,
    "spam": Comment.Status.SPAM,
}
# Where the session keeps the moderator's last decision, for its Undo button.
LAST_DECISION = "carnet.comments.last_decision"
# How much of a comment the list shows: enough to decide on most without opening it.
LIST_TEXT_LENGTH = 600


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


def history_text(approved: int, rejected: int, spam: int) -> str:
    """ "2 approved, 1 spam": what became of a commenter's earlier comments, each count
    in its own plural, the statuses they never had left out."""
    parts = [
        ngettext("%(count)s approved", "%(count)s approved", approved) % {"count": approved}
        if approved
        else "",
        ngettext("%(count)s rejected", "%(count)s rejected", rejected) % {"count": rejected}
        if rejected
        else "",
        ngettext("%(count)s spam", "%(count)s spam", spam) % {"count": spam} if spam else "",
    ]
    return gettext(", ").join(part for part in parts if part)


def undo_message(restored: int, left: int) -> str:
    text = ngettext(
        "Undone: %(count)s comment is back as it was.",
        "Undone: %(count)s comments are back as they were.",
        restored,
    ) % {"count": restored}
    if left:
        text += " " + ngettext(
            "%(count)s comment changed since, by someone else or by its author, is left as it is.",
            "%(count)s comments changed since, by someone else or by their authors, are left "
            "as they are.",
            left,
        ) % {"count": left}
    return text


def safe_next(request: HttpRequest, url: str, default: str) -> str:
    """url, if it leads to this site; else default (never to another site)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


class DecisionForm(forms.Form):
    """What one Approve / Reject / Spam button posts."""

    decision = forms.ChoiceField(choices=[(name, name) for name in DECISIONS])
    moderator_note = forms.CharField(required=False, max_length=2000)
    next = forms.CharField(required=False, max_length=2000)


class UndoForm(forms.Form):
    """What the Undo button of a decision's message posts."""

    decision = forms.CharField(max_length=64)
    next = forms.CharField(required=False, max_length=2000)


class ReplyForm(forms.Form):
    """A reply in the site's name, from the moderation screen."""

    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX_LENGTH,
        error_messages={"required": _("Write the reply first.")},
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_MAX_LENGTH}),
    )
    # The form's own name: sent twice (a double click), it stores one reply.
    key = forms.CharField(widget=forms.HiddenInput, min_length=16, max_length=64)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


class PublishedArticleFilter(admin.SimpleListFilter):
    """By article: the published ones that have comments, newest first (drafts and
    scheduled stories take none)."""

    title = _("article")
    # The parameter Django's own filter used, so that links made before keep working.
    parameter_name = "article__id__exact"
    LIMIT = 30

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[int, str]]:
        articles = (
            Article.objects.published()
            .filter(comments__isnull=False)
            .distinct()
            .order_by("-published_at", "-pk")
        )
        shown = list(articles.values_list("pk", "title")[: self.LIMIT])
        chosen = self.chosen()
        if chosen and int(chosen) not in {pk for pk, _title in shown}:
            # An article chosen from elsewhere (a link) is listed, so that it shows as chosen.
            shown += list(Article.objects.filter(pk=chosen).values_list("pk", "title"))
        return [(str(pk), title) for pk, title in shown]

    def chosen(self) -> str | None:
        """The article's id from the address, if it is one; None for anything else."""
        value = self.value() or ""
        return value if value.isascii() and value.isdigit() and len(value) <= 18 else None

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        chosen = self.chosen()
        return queryset.filter(article_id=chosen) if chosen else queryset.none()


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
        "decision_buttons",
        "submitted_at",
        "status_and_reason",
    ]
    # The commenter's cell links to the change page itself: it holds another link.
    list_display_links = None
    list_filter = [CommenterFilter, "status", PublishedArticleFilter]
    list_select_related = ["article", "answers", "parent"]
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

    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        # A moderator's deletion keeps the conversation, as an author's does.
        obj.remove(by=Comment.Removed.MODERATOR)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            for comment in queryset.order_by("pk"):
                comment.remove(by=Comment.Removed.MODERATOR)

    def get_ordering(self, request: HttpRequest) -> list:
        pending_first = Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1))
        return [pending_first.asc(), "-submitted_at", "-pk"]

    def get_urls(self) -> list:
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        undo = self.admin_site.admin_view(require_POST(self.undo_view))
        reply = self.admin_site.admin_view(self.reply_view)
        return [
            path("undo/", undo, name="comments_comment_undo"),
            path("<path:object_id>/decide/", decide, name="comments_comment_decide"),
            path("<path:object_id>/reply/", reply, name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # A work queue: the room of the apps' sidebar goes to the comments.
        context = {"title": _("Moderate comments"), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, {**context, **(extra_context or {})})

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
        """Who, their address (moderators only see it), and what became of their earlier
        comments."""
        name = format_html(
            '<a class="comment-row__name" href="{}">{}</a>', comment.get_admin_url(), comment.name
        )
        if comment.from_site:
            return format_html(
                '{}<span class="comment-row__staff">{}</span>', name, _("Staff reply")
            )
        email = (
            format_html('<span class="comment-row__email">{}</span>', comment.email)
            if comment.email
            else ""
        )
        return format_html(
            '{}{}<span class="comment-row__history">{}</span>', name, email, self.history(comment)
        )

    @admin.display(description=_("comment"))
    def comment(self, comment: Comment) -> str:
        """The text, long enough to decide on, its article and whom it answers."""
        text = Truncator(" ".join(comment.body.split())).chars(LIST_TEXT_LENGTH)
        answered = comment.answers if comment.parent_id else None
        context = (
            _("on “%(article)s”, in reply to %(name)s")
            % {"article": comment.article, "name": answered.name}
            if answered
            else _("on “%(article)s”") % {"article": comment.article}
        )
        return format_html(
            '<span class="comment-row__text">{}</span><span class="comment-row__article">{}'
            "</span>",
            text,
            context,
        )

    @admin.display(description=_("status"), ordering="status")
    def status_and_reason(self, comment: Comment) -> str:
        """The status, the reason an automatic check gave, and the moderator's note."""
        reason = (
            format_html('<span class="comment-row__reason">{}</span>', comment.reason)
            if comment.reason
            else ""
        )
        note = (
            format_html(
                '<span class="comment-row__note">{}</span>',
                _("Moderator’s note: %(note)s") % {"note": comment.moderator_note},
            )
            if comment.moderator_note
            else ""
        )
        return format_html(
            '<span class="comment-row__status comment-row__status--{}">{}</span>{}{}',
            comment.status,
            comment.get_status_display(),
            reason,
            note,
        )

    @admin.display(description=_("this commenter before"))
    def history(self, comment: Comment) -> str:
        counts = (comment.history_approved, comment.history_rejected, comment.history_spam)
        if not any(counts):
            return _("no earlier comment")
        query = urlencode({"commenter": comment.commenter_key, "before": comment.pk})
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?{}" aria-label="{}">{}</a>',
            url,
            query,
            _("This commenter before: %(history)s") % {"history": history_text(*counts)},
            history_text(*counts),
        )

    @admin.display(description=_("decision"))
    def decision_buttons(self, comment: Comment) -> str:
        """Approve / Reject / Spam for a pending row, which post the page's decide-form,
        and Reply for a comment the site may answer."""
        whose = _("the comment by %(name)s") % {"name": comment.name}
        buttons = ""
        if comment.status == Comment.Status.PENDING:
            url = reverse("admin:comments_comment_decide", args=[comment.pk])
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
            buttons = format_html(
                '<div class="decide" id="decide-{}">{}</div>', comment.pk, buttons
            )
        if not comment.can_be_answered_by_the_site():
            return buttons
        return format_html(
            '{}<a class="reply-link" href="{}" aria-label="{}">{}</a>',
            buttons,
            reverse("admin:comments_comment_reply", args=[comment.pk]),
            _("Reply to the comment by %(name)s") % {"name": comment.name},
            _("Reply"),
        )

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
            changelist = reverse("admin:comments_comment_changelist")
            self.decide(request, Comment.objects.filter(pk=obj.pk), decision, next_url=changelist)

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
        next_url = safe_next(
            request, form.cleaned_data["next"], reverse("admin:comments_comment_changelist")
        )
        self.decide(
            request,
            Comment.objects.filter(pk=comment.pk),
            form.cleaned_data["decision"],
            note,
            next_url=next_url,
        )
        return HttpResponseRedirect(next_url)

    def decide(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        decision: str,
        note: str | None = None,
        *,
        next_url: str = "",
    ) -> None:
        """Take one decision on these comments, tell the authors, and say how many changed,
        with the button that takes it back (the session keeps it, the last one only)."""
        taken = queryset.decide(DECISIONS[decision], by=request.user, note=note)
        if decision == "approve":
            notifications.notify_authors(request, taken.ids)
        message = decision_message(decision, len(taken.ids))
        if not taken.ids:
            self.message_user(request, message, messages.WARNING)
            return
        name = secrets.token_urlsafe(16)
        request.session[LAST_DECISION] = {"name": name, **taken.as_json()}
        # Undone, the keyboard goes back to the comment put back, not to the next one.
        next_url = re.sub(r"#next-\d+$", "", next_url or request.get_full_path())
        self.message_user(
            request, format_html("{} {}", message, self._undo_button(request, name, next_url))
        )

    def _undo_button(self, request: HttpRequest, name: str, next_url: str) -> str:
        """The form a decision's message carries: the message may be shown on any page."""
        return format_html(
            '<form class="undo-form" method="post" action="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="decision" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<button type="submit" aria-keyshortcuts="u">{}</button></form>',
            reverse("admin:comments_comment_undo"),
            get_token(request),
            name,
            next_url,
            _("Undo"),
        )

    def undo_view(self, request: HttpRequest) -> HttpResponse:
        """Take back the moderator's last decision: the comments it changed are put back
        as they were, unless someone changed them since."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = UndoForm(request.POST)
        if not form.is_valid():
            raise BadRequest("Which decision?")
        changelist = reverse("admin:comments_comment_changelist")
        next_url = safe_next(request, form.cleaned_data["next"], changelist)
        last = request.session.get(LAST_DECISION) or {}
        if last.get("name") != form.cleaned_data["decision"]:
            self.message_user(
                request,
                _("This decision can no longer be undone: only your last one can, once."),
                messages.WARNING,
            )
            return HttpResponseRedirect(next_url)
        del request.session[LAST_DECISION]
        restored, left = Comment.objects.undo(Decision.from_json(last))
        self.message_user(
            request,
            undo_message(len(restored), len(left)),
            messages.SUCCESS if restored else messages.WARNING,
        )
        if restored and "#" not in next_url:
            # The keyboard goes back to the comment put back (static/js/moderation.js).
            next_url += f"#next-{restored[0]}"
        return HttpResponseRedirect(next_url)

    def reply_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Reply in the site's name: the reply is published at once, in the thread of the
        comment it answers, which is approved with it if it was waiting."""
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404("No such comment.")
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        changelist = reverse("admin:comments_comment_changelist")
        status = 200
        if request.method == "POST":
            form = ReplyForm(request.POST)
            if form.is_valid():
                reply = self._publish_reply(request, comment, form)
                if reply is not None:
                    return HttpResponseRedirect(
                        safe_next(request, form.cleaned_data["next"], changelist)
                    )
                # Refused: the comment changed in the meantime; the text stays on the form.
                status = 409
            else:
                status = 400
        else:
            referer = request.headers.get("referer", "")
            form = ReplyForm(
                initial={
                    "key": secrets.token_urlsafe(24),
                    "next": safe_next(request, referer, changelist),
                }
            )
        comment.refresh_from_db()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reply in the site’s name"),
            # As on the queue it came from: the room goes to the comment and the reply.
            "is_nav_sidebar_enabled": False,
            "opts": self.opts,
            "original": comment,
            "form": form,
            "site_name": SiteSettings.load().site_name,
            "answerable": comment.can_be_answered_by_the_site(),
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/comments/comment/reply.html", context, status=status
        )

    def _publish_reply(self, request: HttpRequest, comment: Comment, form: ReplyForm):
        """The reply, stored and announced; None (with the form's error) when the comment
        may no longer be answered."""
        key = form.cleaned_data["key"]
        try:
            with transaction.atomic():
                comment = Comment.objects.select_for_update().get(pk=comment.pk)
                if not comment.can_be_answered_by_the_site():
                    form.add_error(None, self._unanswerable(comment))
                    return None
                approved = []
                if comment.status == Comment.Status.PENDING:
                    pending = Comment.objects.filter(pk=comment.pk)
                    approved = pending.decide(Comment.Status.APPROVED, by=request.user).ids
                    comment.refresh_from_db()
                reply = comment.reply_from_site(form.cleaned_data["body"], request.user, key)
                notifications.notify_authors(request, [*approved, reply.pk])
        except IntegrityError:
            # The same form sent twice: its reply is stored already.
            reply = Comment.objects.filter(token=site_reply_token(key)).first()
            if reply is None:
                raise
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Your reply to %(name)s is published in the site’s name.")
                % {"name": comment.name},
                reply.get_absolute_url(),
                _("See it on the site"),
            ),
            messages.SUCCESS,
        )
        return reply

    def _unanswerable(self, comment: Comment) -> str:
        """Why a reply sent was not published (its text stays on the page)."""
        if not comment.article.is_published():
            return _(
                "Its article is not published: the site cannot answer this comment until it is."
            )
        return _(
            "This comment was %(status)s in the meantime: the site cannot answer it any "
            "more. Your text is kept below."
        ) % {"status": comment.get_status_display().lower()}

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, "approve")

    @admin.action(description=_("Reject the selected comments"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, "reject")

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, "spam")
