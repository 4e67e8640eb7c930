import datetime
import logging
import math

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from blog.models import Article
from blog.views import article_context
from comments import links, notifications, posting, spam
from comments.forms import CommentForm, EditForm, ManageRequestForm
from comments.models import (
    EDIT_WINDOW,
    Comment,
    Confirmation,
    Subscription,
    erase_commenter,
    export_json,
)
from newsletter.models import Subscriber
from sitewide import flood, languages
from sitewide.csrf import origin_protected
from sitewide.http import client_ip

# "Manage my comments" requests share the comment form's flood limit, in a scope of their own.
MANAGE_FLOOD_SCOPE = "manage"
# The opened manage link, kept by the browser that opened it (see _open_manage).
MANAGE_COOKIE = "carnet_manage"

logger = logging.getLogger(__name__)

# Each refusal's status; an invalid form is a 400.
REFUSAL_STATUS = {
    posting.Closed: 403,
    spam.Replayed: 409,
    spam.Duplicate: 409,
    spam.TooSoon: 429,
}


@sensitive_post_parameters("email")
@never_cache
@require_POST
@origin_protected
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().select_related("author", "category", "cover"), slug=slug
    )
    form = CommentForm(request.POST, article=article)
    try:
        comment = posting.post(request, form)
    except spam.Refused as refusal:
        return _refused(request, form, refusal)
    # Stored: from here on the reader is told so, whatever fails. Nothing below touches
    # the database; the pending list is a signed cookie.
    response = HttpResponseRedirect(comment.answer_url, status=303)
    posting.remember_pending(request, response, comment)
    posting.remember_commenter(request, response, form)
    try:
        if comment.status == Comment.Status.APPROVED:
            notice = _("Your comment is published.")
        else:
            notice = _("Thank you! Your comment awaits moderation; only you can see it for now.")
        if comment.confirmation_sent:
            notice += " " + _("Check your mail: we sent you a link to confirm your address.")
        messages.success(request, notice)
    except Exception:  # a message is a courtesy; the stored comment's answer is not
        logger.exception("Comment %s stored; its message could not be kept", comment.pk)
    return response


@never_cache
@require_safe
def forget_me(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Forget me" link: drop the remembered details, back to the article's form."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    response = HttpResponseRedirect(f"{article.get_absolute_url()}#comment-form", status=303)
    posting.forget_commenter(response)
    if posting.REMEMBER_COOKIE in request.COOKIES:
        messages.success(request, _("This browser no longer remembers your details."))
    return response


@require_safe
def comment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A comment's lasting address: to the page of comments that holds it now."""
    comment = get_object_or_404(
        Comment.objects.select_related("article", "parent"), pk=pk, article__slug=slug
    )
    if not (comment.article.is_published() and comment.is_public()):
        raise Http404("No such comment.")
    return HttpResponseRedirect(comment.get_page_url())


def _refused(request: HttpRequest, form: CommentForm, refusal: spam.Refused) -> HttpResponse:
    """The article page again, with the form as typed and the reason beside it: the one
    answer to every refusal, with its status and a line in the log."""
    article = form.article
    if isinstance(refusal, posting.Invalid):
        # Field names and error codes only: never what the reader typed.
        reason = ", ".join(
            sorted(
                f"{field}:{error.code or 'invalid'}"
                for field, errors in form.errors.as_data().items()
                for error in errors
            )
        )
    else:
        reason = type(refusal).__name__.lower()
    logger.info("Comment refused on article %s: %s", article.pk, reason)
    if refusal.message:
        form.add_error(None, refusal.message)
    context = article_context(request, article)
    context["comment_form"] = form
    response = render(
        request, "blog/article.html", context, status=REFUSAL_STATUS.get(type(refusal), 400)
    )
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _link_refused(
    request: HttpRequest, error: links.BadLink | None, used: bool = False
) -> HttpResponse:
    """A clear page for a link that does not open, with its 4xx status."""
    if error is None:
        reason, status = "missing", 403
    elif used:
        reason, status = "used", 410
    elif isinstance(error, links.ExpiredLink):
        reason, status = "expired", error.status
    elif isinstance(error, links.UnknownLink):
        reason, status = "unknown", error.status
    else:
        reason, status = "tampered", error.status
    logger.info("Emailed link refused: %s", reason)
    return render(request, "comments/link_error.html", {"reason": reason}, status=status)


def _private(response: HttpResponse) -> HttpResponse:
    """A page opened by a personal link: for its reader only, and out of search engines."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def _link_opener(request: HttpRequest, purpose: links.Purpose) -> HttpResponse:
    """The page an emailed link opens: a form that posts the secret after its "#"."""
    context = {"purpose": purpose.name, "action": reverse(purpose.url_name)}
    return _private(render(request, "comments/link_open.html", context))


@sensitive_post_parameters("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_open(request: HttpRequest) -> HttpResponse:
    """The emailed confirmation link: the page posts its secret, then shows the comment
    with the button; only the button's post (with "confirm") confirms."""
    if request.method != "POST":
        return _link_opener(request, links.CONFIRM)
    return _confirm(request, request.POST.get("token", ""), confirming="confirm" in request.POST)


@sensitive_variables("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation link mailed before links kept their secret after "#"."""
    return _confirm(request, token, confirming=request.method == "POST")


@sensitive_variables("token")
def _confirm(request: HttpRequest, token: str, *, confirming: bool) -> HttpResponse:
    """Confirm a comment's address: a page with a button, the button does it.

    Opening the link changes nothing, so that a mail scanner that opens every link
    cannot confirm an address (and approve a comment) on the owner's behalf.
    """
    try:
        comment = links.read(links.CONFIRM, token)
    except links.BadLink as error:
        return _private(_link_refused(request, error))
    confirmation = Confirmation.objects.filter(comment=comment).first()
    if confirmation is None or confirmation.confirmed_at is not None:
        return _private(_link_refused(request, links.BadLink(), used=True))
    if confirming:
        if not posting.confirm_address(request, comment):
            return _private(_link_refused(request, links.BadLink(), used=True))
        comment.refresh_from_db()
    context = {
        "comment": comment,
        "done": confirming,
        "token": token,
        "subscribed": Subscription.objects.filter(comment=comment).exists(),
    }
    response = _private(render(request, "comments/confirm.html", context))
    if confirming:
        # The button proved the mailbox's owner is here: "Manage my comments" opens.
        _open_manage(response, links.make_manage(comment.email))
    return response


@sensitive_variables("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the reply notices of one comment: the one-click POST of RFC 8058 (a mail
    client's, with no cookie and no origin) or the button of the page a GET shows;
    the page that says it is done offers to start them again."""
    try:
        comment = links.read(links.UNSUBSCRIBE, token)
    except links.BadLink as error:
        return _private(_link_refused(request, error))
    subscribed = Subscription.objects.filter(comment=comment)
    resubscribed = False
    if request.method == "POST" and "resubscribe" in request.POST:
        # The undo of the page's button: the link came to this mailbox, as a confirmation.
        now = timezone.now()
        Subscription.objects.get_or_create(comment=comment, defaults={"confirmed_at": now})
        logger.info("Comment %s: reply notices started again", comment.pk)
        done, resubscribed = False, True
    elif request.method == "POST":
        subscribed.delete()
        logger.info("Comment %s: reply notices stopped", comment.pk)
        done = True
    else:
        done = not subscribed.exists()
    context = {"comment": comment, "done": done, "resubscribed": resubscribed}
    return _private(render(request, "comments/unsubscribe.html", context))


@sensitive_post_parameters("email")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def manage_request(request: HttpRequest) -> HttpResponse:
    """Ask for the link to manage one's comments. The answer never says whether the
    address has comments here: only its owner learns it, by email."""
    if request.method != "POST":
        return render(request, "comments/manage_request.html", {"form": ManageRequestForm()})
    form = ManageRequestForm(request.POST)
    if not form.is_valid():
        context = {"form": form}
        return _private(render(request, "comments/manage_request.html", context, status=400))
    with transaction.atomic():
        now, seconds = timezone.now(), settings.COMMENTS_FLOOD_SECONDS
        wait = flood.wait(
            flood.lock(MANAGE_FLOOD_SCOPE, client_ip(request), now, seconds), now, seconds
        )
        if not wait:
            recently_sent = notifications.send_manage_link(request, form.cleaned_data["email"])
    if wait:
        wait = math.ceil(wait)
        form.add_error(
            None,
            ngettext(
                "You are asking too fast. Please wait %(seconds)s second.",
                "You are asking too fast. Please wait %(seconds)s seconds.",
                wait,
            )
            % {"seconds": wait},
        )
        response = render(request, "comments/manage_request.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return _private(response)
    if recently_sent:
        # The same answer for every address: the limit holds whether or not it commented.
        wait = math.ceil(recently_sent)
        context = {
            "minutes": math.ceil(wait / 60),
            "next_at": timezone.now() + datetime.timedelta(seconds=wait),
            "every_minutes": notifications.MANAGE_MAIL_SECONDS // 60,
        }
        response = render(request, "comments/manage_sent.html", context, status=429)
        response["Retry-After"] = str(wait)
        return _private(response)
    return _private(render(request, "comments/manage_sent.html"))


def _open_manage(response: HttpResponse, token: str) -> None:
    """Let this browser open its owner's manage pages: the link's token, in a cookie
    rather than in any address (addresses end up in logs)."""
    response.set_cookie(
        MANAGE_COOKIE,
        token,
        max_age=int(links.MANAGE.max_age.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@sensitive_post_parameters("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def manage_open(request: HttpRequest) -> HttpResponse:
    """The emailed manage link: its page posts the secret, which opens the owner's page."""
    if request.method != "POST":
        return _link_opener(request, links.MANAGE)
    return _manage_opened(request, request.POST.get("token", ""))


@sensitive_variables("token")
@require_safe
def manage_legacy(request: HttpRequest, token: str) -> HttpResponse:
    """A manage link mailed before links kept their secret after "#"."""
    return _manage_opened(request, token)


@sensitive_variables("token")
def _manage_opened(request: HttpRequest, token: str) -> HttpResponse:
    try:
        links.read_manage(token)
    except links.BadLink as error:
        return _private(_link_refused(request, error))
    response = HttpResponseRedirect(reverse("comments:manage"), status=303)
    _open_manage(response, token)
    return _private(response)


def _owner_or_refusal(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """The commenter_key this browser's manage link opened, or the page saying why not."""
    token = request.COOKIES.get(MANAGE_COOKIE)
    if not token:
        return "", _private(_link_refused(request, None))
    try:
        return links.read_manage(token), None
    except links.BadLink as error:
        return "", _private(_link_refused(request, error))


@require_safe
def manage(request: HttpRequest) -> HttpResponse:
    """The owner's comments, newest first, with what they may do with each."""
    key, refusal = _owner_or_refusal(request)
    if refusal:
        return refusal
    comments = list(
        Comment.objects.of_commenter(key)
        .select_related("article")
        .order_by("-submitted_at", "-pk")
    )
    now = timezone.now()
    for comment in comments:
        comment.editable = comment.is_editable(now)
    return _private(render(request, "comments/manage.html", {"comments": comments}))


def _owned(key: str, pk: int) -> Comment:
    """One of the link owner's comments, or 404."""
    return get_object_or_404(Comment.objects.of_commenter(key).select_related("article"), pk=pk)


def _back_to_manage() -> HttpResponse:
    return HttpResponseRedirect(reverse("comments:manage"), status=303)


@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    key, refusal = _owner_or_refusal(request)
    if refusal:
        return refusal
    comment = _owned(key, pk)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if not comment.is_editable():
        reason = _not_editable_reason(comment)
        if request.method != "POST":
            messages.error(request, reason)
            return _back_to_manage()
        # Sent after the window closed: the correction stays in the box, to copy.
        form.is_valid()
        form.add_error(None, reason)
        context = {"comment": comment, "form": form}
        return _private(render(request, "comments/manage_edit.html", context, status=403))
    if request.method == "POST" and form.is_valid():
        posting.edit(request, comment, form.cleaned_data["body"])
        if comment.status == Comment.Status.APPROVED:
            messages.success(request, _("Your comment is corrected."))
        else:
            messages.success(request, _("Your comment is corrected; it awaits moderation again."))
        return _back_to_manage()
    status = 400 if form.is_bound else 200
    context = {"comment": comment, "form": form}
    return _private(render(request, "comments/manage_edit.html", context, status=status))


def _not_editable_reason(comment: Comment) -> str:
    """Why its author can no longer correct a comment."""
    if comment.status != Comment.Status.APPROVED or comment.moderated_at is None:
        return _("This comment can no longer be edited: the moderators did not publish it.")
    minutes = int(EDIT_WINDOW.total_seconds() // 60)
    return _(
        "This comment can no longer be edited: a published comment can be corrected for "
        "%(minutes)s minutes after its publication, and this one was published on %(date)s."
    ) % {
        "minutes": minutes,
        "date": languages.full_time(comment.moderated_at),
    }


@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def manage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the owner's comments: asked on GET, done on POST."""
    key, refusal = _owner_or_refusal(request)
    if refusal:
        return refusal
    comment = _owned(key, pk)
    if request.method != "POST":
        return _private(render(request, "comments/manage_delete.html", {"comment": comment}))
    posting.withdraw(comment)
    messages.success(request, _("Your comment is deleted."))
    return _back_to_manage()


@require_safe
def manage_download(request: HttpRequest) -> HttpResponse:
    """Everything stored about the link's owner, as a JSON file (as `commenter export`)."""
    key, refusal = _owner_or_refusal(request)
    if refusal:
        return refusal
    comment = Comment.objects.of_commenter(key).first()
    if comment is None:
        return _back_to_manage()
    response = HttpResponse(export_json(comment.email), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
    return _private(response)


@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def manage_erase(request: HttpRequest) -> HttpResponse:
    """Erase the owner's data, as `commenter erase` does (comments anonymised, newsletter
    subscription deleted): asked on GET, done on POST."""
    key, refusal = _owner_or_refusal(request)
    if refusal:
        return refusal
    comment = Comment.objects.of_commenter(key).first()
    if comment is None:
        return _back_to_manage()
    if request.method != "POST":
        context = {
            "count": Comment.objects.of_commenter(key).count(),
            "subscribed": Subscriber.objects.for_address(comment.email).exists(),
        }
        return _private(render(request, "comments/manage_erase.html", context))
    count, subscriptions = erase_commenter(comment.email)
    logger.info(
        "A commenter erased their data from %s comments and %s newsletter subscriptions",
        count,
        subscriptions,
    )
    response = _private(render(request, "comments/manage_erased.html"))
    # Nothing of theirs stays in this browser either: the link, and "remember me".
    response.delete_cookie(MANAGE_COOKIE, samesite="Lax")
    posting.forget_commenter(response)
    return response
