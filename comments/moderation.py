"""Storing a reader's comment: the flood limit, the automatic checks, and notifications.

Everything here is called explicitly by the comment view and the admin; nothing
runs behind a signal. The commenter's email is never logged.
"""

import datetime
import logging
import math
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from blog.models import Article
from comments.models import Comment, PostingLimit
from sitewide.http import client_ip
from sitewide.models import SiteSettings

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
SESSION_KEY = "comments_pending"
SESSION_LIMIT = 50


class Refused(Exception):
    """A comment that is not stored; the view answers with the status given."""

    status = 400

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class Replayed(Refused):
    status = 409


class TooSoon(Refused):
    status = 429


class Duplicate(Refused):
    status = 400


def lock_flood_limit(ip: str | None, now: datetime.datetime) -> PostingLimit | None:
    """Lock this address's flood-limit row; call inside a transaction.

    The row is created if missing (an insert that ignores a conflict), then locked,
    so that concurrent posts from one address, in any worker, queue on it.
    """
    seconds = settings.COMMENTS_FLOOD_SECONDS
    if not seconds or ip is None:
        return None
    key = salted_hmac("comments.flood", ip, algorithm="sha256").hexdigest()
    never = now - datetime.timedelta(days=1, seconds=seconds)
    PostingLimit.objects.bulk_create(
        [PostingLimit(ip_hash=key, last_posted_at=never)], ignore_conflicts=True
    )
    return PostingLimit.objects.select_for_update().get(pk=key)


def check_flood_limit(limit: PostingLimit | None, now: datetime.datetime) -> None:
    """One comment per address per COMMENTS_FLOOD_SECONDS: refuse sooner, else note the time."""
    if limit is None:
        return
    wait = settings.COMMENTS_FLOOD_SECONDS - (now - limit.last_posted_at).total_seconds()
    if wait > 0:
        raise TooSoon(
            _("You are commenting too fast. Please wait %(seconds)s seconds.")
            % {"seconds": math.ceil(wait)},
            retry_after=math.ceil(wait),
        )
    limit.last_posted_at = now
    limit.save(update_fields=["last_posted_at"])


def _find_word(words: list[str], fields: dict[str, str]) -> tuple[str, str] | None:
    for word in words:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        for field, value in fields.items():
            if pattern.search(value):
                return word, field
    return None


def automatic_decision(data: dict, site: SiteSettings) -> tuple[str, str]:
    """The status and reason the local checks give a reader's comment.

    The reason is stored, so it is written in the site's language, not the reader's.
    """
    with translation.override(settings.LANGUAGE_CODE):
        status, reason = _automatic_decision(data, site)
    return status, Truncator(reason).chars(Comment._meta.get_field("reason").max_length)


def _automatic_decision(data: dict, site: SiteSettings) -> tuple[str, str]:
    fields = {
        "name": data["name"],
        "email": data["email"],
        "website": data.get("website") or "",
        "body": data["body"],
    }
    found = _find_word(site.word_list(site.comment_refuse_words), fields)
    if found:
        return Comment.Status.SPAM, _("Refused: the word “%(word)s” in the %(field)s") % {
            "word": found[0],
            "field": found[1],
        }
    found = _find_word(site.word_list(site.comment_hold_words), fields)
    if found:
        return Comment.Status.PENDING, _("Held: the word “%(word)s” in the %(field)s") % {
            "word": found[0],
            "field": found[1],
        }
    links = len(_LINK.findall(data["body"]))
    if links > settings.COMMENTS_MAX_LINKS:
        return Comment.Status.PENDING, _("Held: %(links)s links (more than %(limit)s)") % {
            "links": links,
            "limit": settings.COMMENTS_MAX_LINKS,
        }
    return Comment.Status.PENDING, ""


def store_comment(request: HttpRequest, article: Article, form, site: SiteSettings) -> Comment:
    """Check and store a valid form's comment; call inside transaction.atomic().

    Raises Refused (or a subclass) when the comment must not be stored.
    """
    data, now, token = form.cleaned_data, timezone.now(), form.cleaned_data["token"]
    user = request.user
    is_staff = user.is_authenticated and user.is_active and user.is_staff
    ip = client_ip(request)
    limit = None if is_staff else lock_flood_limit(ip, now)
    # After the lock: a double click from one address sees the first click's comment.
    if Comment.objects.filter(token=token).exists():
        raise Replayed(_("This comment has already been sent."))
    check_flood_limit(limit, now)
    recent_tokens = set(
        Comment.objects.from_email(data["email"])
        .filter(body=data["body"], submitted_at__gte=now - DUPLICATE_WINDOW)
        .values_list("token", flat=True)
    )
    if token in recent_tokens:
        # The same form, committed by a concurrent request since the check above.
        raise Replayed(_("This comment has already been sent."))
    if recent_tokens:
        raise Duplicate(_("You have already sent this comment."))
    comment = Comment(
        article=article,
        parent=form.parent_comment,
        name=data["name"],
        email=data["email"],
        website=data.get("website") or "",
        body=data["body"],
        submitted_at=now,
        ip_address=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        token=token,
    )
    if is_staff:
        comment.status, comment.moderated_by, comment.moderated_at = (
            Comment.Status.APPROVED,
            user,
            now,
        )
        with translation.override(settings.LANGUAGE_CODE):
            comment.reason = _("Approved at once: a staff member's comment")
    else:
        comment.status, comment.reason = automatic_decision(data, site)
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        raise Replayed(_("This comment has already been sent.")) from None
    # Not the reason: a word list may hold an address, and so would the reason.
    logger.info("Comment %s on article %s stored as %s", comment.pk, article.pk, comment.status)
    if comment.status == Comment.Status.PENDING:
        notify_moderators(request, comment)
    elif comment.status == Comment.Status.APPROVED:
        notify_author(request, [comment.pk])
    return comment


def remember_pending(request: HttpRequest, comment: Comment) -> None:
    """Let this browser see its own comment while it waits for a moderator."""
    if comment.status != Comment.Status.PENDING:
        return
    pending = [pk for pk in request.session.get(SESSION_KEY, []) if isinstance(pk, int)]
    request.session[SESSION_KEY] = (pending + [comment.pk])[-SESSION_LIMIT:]


def pending_ids(request: HttpRequest) -> list[int]:
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return []
    return [pk for pk in session.get(SESSION_KEY, []) if isinstance(pk, int)]


def notify_moderators(request: HttpRequest, comment: Comment) -> None:
    """After the commit, email the moderators a link to the held comment."""
    from comments.tasks import notify_moderators as task

    admin_url = request.build_absolute_uri(comment.get_admin_url())
    comment_id = comment.pk
    transaction.on_commit(lambda: task.enqueue(comment_id, admin_url))


def notify_author(request: HttpRequest, comment_ids: list[int]) -> None:
    """After the commit, tell each approved comment's article author."""
    from comments.tasks import notify_author as task

    # The site's origin only: get_absolute_url() already carries any script prefix.
    base = request.build_absolute_uri("/")
    for comment_id in comment_ids:
        transaction.on_commit(lambda pk=comment_id: task.enqueue(pk, base))
