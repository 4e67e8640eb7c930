"""Posting a reader's comment: check it, store it in one transaction, tell whoever
must know, and let the reader's browser find it again while it waits.

Called explicitly by the comment view; nothing runs behind a signal.
"""

import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments import notifications, spam
from comments.forms import CommentForm
from comments.models import Comment, Confirmation, Subscription
from sitewide import languages
from sitewide.http import client_ip, signed_in_user
from sitewide.models import SiteSettings

logger = logging.getLogger(__name__)

PENDING_COOKIE = "carnet_pending"
PENDING_LIMIT = 50
PENDING_SECONDS = 30 * 24 * 3600
# "Remember me": the reader's name, email and website, signed, in their browser only.
REMEMBER_COOKIE = "carnet_commenter"
REMEMBER_SECONDS = 365 * 24 * 3600


class Closed(spam.Refused):
    message = gettext_lazy("Comments are closed on this article.")


class Invalid(spam.Refused):
    """The form has errors; they are on the form, next to the fields."""


def post(request: HttpRequest, form: CommentForm) -> Comment:
    """Store the form's comment, or raise a spam.Refused saying why it is not stored.

    The comment comes back with ``answer_url``, the page to send the reader to (once it
    is stored, the answer is built without the database and cannot fail), and
    ``confirmation_sent``, whether its address was just mailed a confirmation link.
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
        language=languages.get(translation.get_language()).code,
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
    comment.confirmation_sent = False
    if comment.status == Comment.Status.SPAM:
        # Nobody is told, not even the address typed: spam must not make Carnet send mail.
        return comment
    if comment.status == Comment.Status.PENDING:
        notifications.notify_moderators(request, comment)
    else:
        notifications.notify_authors(request, [comment.pk])
    notify = form.cleaned_data["notify"]
    # The address's owner, whoever typed it, is asked to confirm it for this comment
    # (a staff comment, published at once, only when it asks for reply notices).
    if comment.status == Comment.Status.PENDING or notify:
        Confirmation.objects.create(comment=comment)
        if notify:
            Subscription.objects.create(comment=comment)
        comment.confirmation_sent = notifications.ask_confirmation(request, comment, notify=notify)
    return comment


def _answer_url(comment: Comment) -> str:
    """Where the reader is sent once their comment is stored."""
    # A comment filed as spam is not shown, even to its sender: back to the list.
    if comment.status == Comment.Status.SPAM:
        return f"{comment.article.get_absolute_url()}#comments"
    return comment.get_page_url()


def _set_signed(response: HttpResponse, name: str, value: object, max_age: int) -> None:
    """A cookie holding value, signed: signing.dumps gives URL-safe base64 and colons,
    RFC 6265 cookie-octets that any HTTP client sends back as they came (JSON's quotes
    and commas are not, and Python's cookie jar returns them mangled)."""
    response.set_cookie(
        name,
        signing.dumps(value, salt=name),
        max_age=max_age,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _read_signed(request: HttpRequest, name: str, max_age: int) -> object:
    """What _set_signed kept in the cookie; None when absent, altered or expired."""
    try:
        return signing.loads(request.COOKIES.get(name, ""), salt=name, max_age=max_age)
    except signing.BadSignature:
        return None


def remember_pending(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    """Let this browser see its own comment while it waits for a moderator.

    The list is a signed cookie: nothing to write after the comment is stored, and a
    reader carrying it is answered privately, never from a shared cache.
    """
    if comment.status != Comment.Status.PENDING:
        return
    pending = (pending_ids(request) + [comment.pk])[-PENDING_LIMIT:]
    _set_signed(response, PENDING_COOKIE, pending, PENDING_SECONDS)


def pending_ids(request: HttpRequest) -> list[int]:
    """The ids of the held comments this browser sent."""
    value = _read_signed(request, PENDING_COOKIE, PENDING_SECONDS)
    if not isinstance(value, list):
        return []
    return [pk for pk in value if isinstance(pk, int)][-PENDING_LIMIT:]


def remember_commenter(request: HttpRequest, response: HttpResponse, form: CommentForm) -> None:
    """Keep or forget the reader's details in their browser, as the "remember me" box says.

    The cookie is signed and HttpOnly; a reader carrying it is answered privately
    (CARNET_READER_COOKIES), so that their details never reach a shared cache.
    """
    if not form.cleaned_data.get("remember"):
        if REMEMBER_COOKIE in request.COOKIES:
            forget_commenter(response)
        return
    _set_signed(response, REMEMBER_COOKIE, form.remembered, REMEMBER_SECONDS)


def remembered_commenter(request: HttpRequest) -> dict[str, str]:
    """The name, email and website this browser asked Carnet to remember, if any."""
    details = _read_signed(request, REMEMBER_COOKIE, REMEMBER_SECONDS)
    if not isinstance(details, dict) or not details:
        return {}
    return {key: str(details.get(key, "")) for key in ("name", "email", "website")}


def forget_commenter(response: HttpResponse) -> None:
    response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")


def confirm_address(request: HttpRequest, comment: Comment) -> bool:
    """Record that the comment's address is confirmed (the link's single use), start its
    reply notifications, and approve it if the site trusts confirmed regulars.

    Returns whether this call confirmed it (False: the link was used before).
    """
    site = SiteSettings.load()
    with transaction.atomic():
        now = timezone.now()
        # One conditional UPDATE: of two clicks at once, only one changes the row.
        confirmed = Confirmation.objects.filter(comment=comment, confirmed_at__isnull=True).update(
            confirmed_at=now
        )
        if not confirmed:
            return False
        Subscription.objects.filter(comment=comment, confirmed_at__isnull=True).update(
            confirmed_at=now
        )
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if site.comments_trust_confirmed and _is_trusted(comment, site):
            comment.approve(by=None)
            with languages.in_site_language():
                comment.reason = _("Approved at once: address confirmed, approved before")
            comment.save(update_fields=["reason"])
            notifications.notify_authors(request, [comment.pk])
    logger.info("Comment %s: address confirmed", comment.pk)
    return True


def _is_trusted(comment: Comment, site: SiteSettings) -> bool:
    """A waiting comment that no check holds, from an address with an approved comment."""
    if comment.status != Comment.Status.PENDING:
        return False
    # The checks again, with today's word lists: a held comment stays held.
    if spam.automatic_decision(comment, site) != (Comment.Status.PENDING, ""):
        return False
    return (
        Comment.objects.from_email(comment.email)
        .filter(status=Comment.Status.APPROVED)
        .exclude(pk=comment.pk)
        .exists()
    )


def edit(request: HttpRequest, comment: Comment, body: str) -> None:
    """Store its author's correction, through the word and link checks again. An edited
    approved comment goes back to the moderators (a published text must not change
    behind their back), unless the site trusts confirmed regulars and this one is: the
    manage link its author used proves the address, as a confirmation does."""
    site = SiteSettings.load()
    with transaction.atomic():
        was_approved = comment.status == Comment.Status.APPROVED
        comment.body, comment.edited_at = body, timezone.now()
        comment.status, comment.reason = spam.automatic_decision(comment, site)
        if was_approved and (comment.status, comment.reason) == (Comment.Status.PENDING, ""):
            if site.comments_trust_confirmed and _is_trusted(comment, site):
                comment.status = Comment.Status.APPROVED
            else:
                with languages.in_site_language():
                    comment.reason = _("Edited by its author after its approval")
        comment.save()
        if was_approved and comment.status == Comment.Status.PENDING:
            notifications.notify_moderators(request, comment)
    logger.info("Comment %s edited by its author, now %s", comment.pk, comment.status)


def withdraw(comment: Comment) -> None:
    """Remove a comment at its author's request (Comment.remove: a trace stays in its
    place if others answered it)."""
    comment.remove(by=Comment.Removed.AUTHOR)
    logger.info("Comment %s withdrawn by its author", comment.pk)
