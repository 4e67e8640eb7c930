import math

from django import template
from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from comments import counts, posting
from comments.forms import CommentForm, issue_token
from comments.models import Comment
from sitewide import csrf, fragments, languages, pagecache
from sitewide.http import signed_in_user
from sitewide.templatetags.carnet import french_spacing

register = template.Library()


@register.filter
def comment_count_label(count: int | None) -> str:
    """ "No comments", "1 comment", "12 comments", in the reader's language."""
    return counts.label(count)


@register.simple_tag(takes_context=True)
def comment_count(context: template.Context, article) -> SafeString:
    """{% comment_count article %}: its count's label, where the page shows it; in a kept
    fragment, filled in by the page (comments/counts.py)."""
    return counts.shown(context.get("request"), article)


def _threads(comments: list[Comment], page: int, accepts_comments: bool) -> list[Comment]:
    """The comments in the order the page lists them: each thread's first comment, then
    its replies. Marked for comments/threads.html, which renders them in one loop:
    .starts_thread (a thread's first comment, with its replies as .thread_replies),
    .opens_replies and .closes_replies (a thread's first and last reply).

    What the template shows of each is worked out here, once, rather than by tags and
    conditions per comment (each costs the template engine a node, and the list was a
    fifth of the article page): its time (.submitted_iso, .submitted_text), its words
    (.says_html, .reply_label, .answered_label, .shown_body_html), its classes
    (.modifiers) and where its reply link leads (.reply_query, empty for none).
    """
    # Worded as the story's own time is ("6 décembre 2026 à 10 h 36").
    full_time = languages.full_time_formatter()
    # Translated once for the page rather than by {% blocktranslate %} per comment, and
    # filled in as blocktranslate does: the translation as it is, the name escaped.
    says = gettext('<b class="comment__name">%(name)s</b> says:')
    reply_to = gettext("Reply to %(name)s")
    in_reply_to = gettext("In reply to %(name)s")
    in_reply_to_removed = conditional_escape(gettext("In reply to a deleted comment"))
    # ?comments=2&reply_to=5: the link keeps the page of comments it is on.
    reply_query = f"?comments={page}&reply_to=" if page > 1 else "?reply_to="
    tz = timezone.get_current_timezone()
    for comment in comments:
        name = conditional_escape(comment.name)
        comment.says_html = mark_safe(says % {"name": name})
        comment.reply_label = mark_safe(reply_to % {"name": name})
        answered = comment.answered
        if answered is None:
            comment.answered_label = ""
        elif answered.removed:
            comment.answered_label = in_reply_to_removed
        else:
            answered_name = conditional_escape(answered.name)
            comment.answered_label = mark_safe(in_reply_to % {"name": answered_name})
        comment.is_pending = comment.status == Comment.Status.PENDING
        pending, staff = " comment--pending", " comment--staff"
        comment.modifiers = pending * comment.is_pending + staff * comment.from_site
        is_answerable = accepts_comments and comment.status == Comment.Status.APPROVED
        comment.reply_query = f"{reply_query}{comment.pk}" if is_answerable else ""
        # Sanitised on save (body_html), with French spacing on a French page.
        comment.shown_body_html = mark_safe(french_spacing(comment.body_html))
        local = comment.submitted_at.astimezone(tz)
        comment.submitted_iso = local.isoformat(timespec="seconds")
        comment.submitted_text = full_time(local)
    top = {c.pk: c for c in comments if c.parent_id is None}
    for comment in top.values():
        comment.thread_replies = []
    threads = []
    for comment in comments:
        if comment.parent_id in top:
            top[comment.parent_id].thread_replies.append(comment)
        else:
            comment.thread_replies = getattr(comment, "thread_replies", [])
            threads.append(comment)
    listed = []
    for thread in threads:
        thread.starts_thread = True
        listed.append(thread)
        for reply in thread.thread_replies:
            reply.starts_thread = False
            reply.opens_replies = reply is thread.thread_replies[0]
            reply.closes_replies = reply is thread.thread_replies[-1]
            listed.append(reply)
    return listed


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context: template.Context, article) -> dict:
    """The comment list, its count and the form, for one article page."""
    request = context["request"]
    site = context["site"]
    page = _as_id(request.GET.get("comments", "1")) or 1
    is_preview = context.get("is_preview")
    accepts_comments = not is_preview and article.accepts_comments(site)
    sent_form = context.get("comment_form")
    remembered = posting.remembered_commenter(request)
    initial = {}
    if sent_form is None:
        user = signed_in_user(request)
        if remembered:
            initial = {**remembered, "remember": True}
        elif user.is_authenticated and user.is_staff:
            initial = {"name": user.public_name, "email": user.email}
        reply_to = request.GET.get("reply_to", "")
    else:
        reply_to = sent_form.data.get("parent", "")
    reply_id = _as_id(reply_to)
    # The blank form is the same for every reader of the article within the hour of its
    # token; one filled in, a reply's, or one with a CSRF field is a reader's own.
    is_blank = (
        sent_form is None and not initial and reply_id is None and not csrf.needs_token(request)
    )
    listing = _Listing(request, article, page, accepts_comments)
    # Kept for every reader unless it shows one reader's own (sitewide/fragments.py).
    if reply_id is None and not is_preview and not listing.is_personal():
        thread_list = fragments.kept(
            request, "comments", [article.pk, page, accepts_comments], listing.render
        )
    else:
        thread_list = listing.render()
    token = issue_token(article) if accepts_comments else ""
    form_context = {
        "request": request,
        "article": article,
        "token": token,
        # Any public comment on the page may be answered; a reply joins its thread.
        "replying_to": listing.public_by_id(reply_id) if reply_id is not None else None,
        "remembered": bool(remembered),
    }
    # A refused comment comes back with its words, even where comments just closed.
    show_form = accepts_comments or context.get("comment_form") is not None

    def render_form() -> str:
        if is_blank:
            form_context["blank_fields"] = _blank_fields()
        else:
            form_context["form"] = sent_form or CommentForm(article=article, initial=initial)
        return render_to_string("comments/form.html", form_context)

    if is_blank and accepts_comments:
        # Its action and links name the article by slug: a new slug, a new copy.
        form_html = fragments.kept(request, "comment-form", [article.slug, token], render_form)
    else:
        form_html = render_form() if show_form else ""
    return {
        "thread_list": thread_list,
        "comment_count": article.comment_count,
        "form_html": form_html,
        "show_form": show_form,
    }


# The blank form's fields for each language: made of code and translations alone (no
# article, no reader), nothing can change them while the process runs. Their seven
# widgets, rendered through Django's form templates, cost a tenth of an article page.
_blank_fields_html: dict[str | None, SafeString] = {}


def _blank_fields() -> SafeString:
    language = translation.get_language()
    if language not in _blank_fields_html:
        # The form's article is read only when the form is sent: none is needed here.
        form = CommentForm(article=None)
        _blank_fields_html[language] = mark_safe(
            render_to_string("comments/form_fields.html", {"form": form})
        )
    return _blank_fields_html[language]


class _Listing:
    """One page of an article's comment threads, read when first needed: a kept copy of
    it (sitewide/fragments.py) needs no query."""

    def __init__(self, request, article, page: int, accepts_comments: bool) -> None:
        self.request, self.article, self.page = request, article, page
        self.accepts_comments = accepts_comments
        self._public: tuple[list[Comment], bool] | None = None

    def is_personal(self) -> bool:
        """The page shows this reader's own held comments, or a held one to a moderator."""
        return bool(posting.pending_ids(self.request) or self.request.GET.get("moderate"))

    def public(self) -> tuple[list[Comment], bool]:
        """The page's approved comments, and whether a later page exists."""
        if self._public is None:
            self._public = Comment.thread_page(
                self.article.pk, self.page, settings.COMMENTS_PER_PAGE
            )
            if self.page > 1 and not self._public[0]:
                raise Http404("No such page of comments.")
        return self._public

    def page_count(self) -> int:
        """How many pages the threads fill (thread_page counted them)."""
        public = self.public()[0]
        threads = public[0].thread_count if public else 0
        return max(self.page, math.ceil(threads / settings.COMMENTS_PER_PAGE))

    def public_by_id(self, pk: int) -> Comment | None:
        """The page's public comment pk, if it can be answered (a trace cannot)."""
        return next((c for c in self.public()[0] if c.pk == pk and not c.removed), None)

    def render(self) -> str:
        # Its approved comments: the article's list (comments.models.recount_articles).
        pagecache.shows(self.request, pagecache.list_of(self.article))
        public, has_later = self.public()
        shown = {comment.pk for comment in public}
        # The reader's own held comments: replies under their thread, new threads at the end.
        own = [
            comment
            for comment in _own_pending(self.request, self.article)
            if comment.parent_id in shown or (comment.parent_id is None and not has_later)
        ]
        own += _moderated(self.request, self.article, shown | {comment.pk for comment in own})
        comments = sorted(public + own, key=lambda c: (c.submitted_at, c.pk))
        return render_to_string(
            "comments/threads.html",
            {
                "request": self.request,
                "article": self.article,
                "comments": _threads(comments, self.page, self.accepts_comments),
                "comments_page": self.page,
                "comments_pages": self.page_count(),
                "has_later_comments": has_later,
                "accepts_comments": self.accepts_comments,
            },
        )


def _own_pending(request, article) -> list[Comment]:
    own_ids = posting.pending_ids(request)
    if not own_ids:
        return []
    return list(article.comments.in_moderation().select_related("answers").filter(pk__in=own_ids))


def _moderated(request, article, shown: set[int]) -> list[Comment]:
    """The held comment a moderator opened with "View on site" (?moderate=<id>), marked
    for them with the decision buttons. Their page is private: they are signed in."""
    pk = _as_id(request.GET.get("moderate", ""))
    if pk is None or pk in shown:
        return []
    if not signed_in_user(request).has_perm("comments.change_comment"):
        return []
    held = article.comments.exclude(status=Comment.Status.APPROVED).select_related("answers")
    held = list(held.filter(pk=pk))
    for comment in held:
        comment.shown_to_moderator = True
    return held


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.in_moderation().count()


def _as_id(value: str) -> int | None:
    """A comment id from a query string or form value; None for anything else."""
    value = str(value)
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return int(value)
