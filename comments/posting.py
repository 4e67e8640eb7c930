"""Posting a reader's comment: check it, store it in one transaction, tell whoever
must know, and let the reader's browser find it again while it waits.

Called explicitly by the comment view; nothing runs behind a signal.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments import notifications, spam
from comments.forms import CommentForm
from comments.models import Comment
from sitewide import languages
from sitewide.http import client_ip, signed_in_user
from sitewide.models import SiteSettings

logger = logging.getLogger(__name__)

PENDING_COOKIE = "carnet_pending"
PENDING_LIMIT = 50
PENDING_SECONDS = 30 * 24 * 3600


class Closed(spam.Refused):
    message = gettext_lazy("Comments are closed on this article.")


class Invalid(spam.Refused):
    """The form has errors; they are on the form, next to the fields."""


def post(request: HttpRequest, form: CommentForm) -> Comment:
    """Store the form's comment, or raise a spam.Refused saying why it is not stored.

    The comment comes back with ``answer_url``, the page to send the reader to: once it
    is stored, the answer is built without the database and cannot fail.
    """
    article, site = form.article, SiteSettings.load()
    if not article.accepts_comments(site):
        raise Closed
    if not form.is_valid():
        raise Invalid
    with transaction.atomic():
        comment = _store(request, form, site)
        # Read before the commit, so that answering the reader needs no database after it.
        comment.answer_url = _answer_url(comment)
    # Not the reason: a word list may hold an address, and so would the reason.
    logger.info("Comment %s on article %s stored as %s", comment.pk, article.pk, comment.status)
    return comment


def _store(request: HttpRequest, form: CommentForm, site: SiteSettings) -> Comment:
    user = signed_in_user(request)
    is_staff = user.is_authenticated and user.is_active and user.is_staff
    comment = form.get_comment_object(
        submitted_at=timezone.now(),
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    spam.check_repeats(comment, flood_limited=not is_staff)
    if is_staff:
        comment.status = Comment.Status.APPROVED
        comment.moderated_by, comment.moderated_at = user, comment.submitted_at
        with languages.in_site_language():
            comment.reason = _("Approved at once: a staff member's comment")
    else:
        comment.status, comment.reason = spam.automatic_decision(comment, site)
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        raise spam.Replayed from None
    if comment.status == Comment.Status.PENDING:
        notifications.notify_moderators(request, comment)
    elif comment.status == Comment.Status.APPROVED:
        notifications.notify_authors(request, [comment.pk])
    return comment


def _answer_url(comment: Comment) -> str:
    """Where the reader is sent once their comment is stored."""
    # A comment filed as spam is not shown, even to its sender: back to the list.
    if comment.status == Comment.Status.SPAM:
        return f"{comment.article.get_absolute_url()}#comments"
    return comment.get_page_url()


def remember_pending(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    """Let this browser see its own comment while it waits for a moderator.

    The list is a signed cookie: nothing to write after the comment is stored, and a
    reader carrying it is answered privately, never from a shared cache.
    """
    if comment.status != Comment.Status.PENDING:
        return
    pending = (pending_ids(request) + [comment.pk])[-PENDING_LIMIT:]
    response.set_signed_cookie(
        PENDING_COOKIE,
        ",".join(map(str, pending)),
        salt=PENDING_COOKIE,
        max_age=PENDING_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def pending_ids(request: HttpRequest) -> list[int]:
    """The ids of the held comments this browser sent."""
    value = request.get_signed_cookie(
        PENDING_COOKIE, default="", salt=PENDING_COOKIE, max_age=PENDING_SECONDS
    )
    return [int(pk) for pk in value.split(",") if pk.isascii() and pk.isdigit()][-PENDING_LIMIT:]
