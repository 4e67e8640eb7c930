import datetime
import logging
import math

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from newsletter.forms import ManageForm, SignUpForm
from newsletter.models import CONFIRM, MANAGE, UNSUBSCRIBE, BadLink, Purpose, Subscriber
from sitewide import flood, mail
from sitewide.csrf import origin_protected
from sitewide.http import absolute_url, client_ip

# Sign-ups share the comment form's flood limit per client address, in a scope of their own.
FLOOD_SCOPE = "newsletter"
# At most one sign-up mail to one address per this many seconds, whoever asks: signing
# someone else up again and again does not fill their mailbox.
MAIL_SECONDS = 600

logger = logging.getLogger(__name__)


@sensitive_post_parameters("email")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """The sign-up page, and where every sign-up form posts. The answer is the same
    whether or not the address is subscribed: only its owner learns it, by mail."""
    if request.method != "POST":
        return render(request, "newsletter/sign_up.html", {"form": SignUpForm()})
    form = SignUpForm(request.POST)
    if not form.is_valid():
        context = {"form": form}
        return _private(render(request, "newsletter/sign_up.html", context, status=400))
    with transaction.atomic():
        now, seconds = timezone.now(), settings.COMMENTS_FLOOD_SECONDS
        wait = flood.wait(flood.lock(FLOOD_SCOPE, client_ip(request), now, seconds), now, seconds)
        if not wait:
            subscriber = Subscriber.objects.sign_up(
                form.cleaned_data["email"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
                rhythm=form.cleaned_data["rhythm"],
                categories=list(form.cleaned_data["categories"]),
                now=now,
            )
            _mail_sign_up(request, subscriber, now)
    if wait:
        wait = math.ceil(wait)
        form.add_error(
            None,
            ngettext(
                "You are signing up too fast. Please wait %(seconds)s second.",
                "You are signing up too fast. Please wait %(seconds)s seconds.",
                wait,
            )
            % {"seconds": wait},
        )
        response = render(request, "newsletter/sign_up.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return _private(response)
    return HttpResponseRedirect(reverse("newsletter:sent"), status=303)


def _mail_sign_up(request: HttpRequest, subscriber: Subscriber, now: datetime.datetime) -> None:
    """The one mail a sign-up sends: the confirmation link to a pending address, the
    manage link to a confirmed one; none when the address had one a moment ago."""
    limit = flood.lock_recipient(FLOOD_SCOPE, subscriber.email, now, MAIL_SECONDS)
    if flood.wait(limit, now, MAIL_SECONDS):
        logger.info("Newsletter subscriber %s: sign-up mail held, one sent lately", subscriber.pk)
        return
    if subscriber.confirmed_at is None:
        name = "newsletter-confirm"
        context = {
            "confirm_url": absolute_url(request, subscriber.confirm_url()),
            "hours": settings.NEWSLETTER_CONFIRM_HOURS,
        }
    else:
        name = "newsletter-subscribed"
        context = {"manage_url": absolute_url(request, subscriber.manage_url())}
    mail.send(name, [subscriber.email], context, language=subscriber.language)


@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    """After a sign-up: the same page for every address, kept by caches."""
    context = {"hours": settings.NEWSLETTER_CONFIRM_HOURS, "minutes": MAIL_SECONDS // 60}
    return render(request, "newsletter/sent.html", context)


def _private(response: HttpResponse) -> HttpResponse:
    """A page opened by a personal link: for its reader only, and out of search engines."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@sensitive_variables("token")
def _open(request: HttpRequest, purpose: Purpose, token: str) -> Subscriber | HttpResponse:
    """The subscriber a link names, or the clear page (4xx) saying why it does not open."""
    try:
        return Subscriber.from_link(purpose, token)
    except BadLink as error:
        reason = type(error).__name__
        logger.info("Newsletter %s link refused: %s", purpose.name, reason)
        context = {"reason": reason}
        return _private(
            render(request, "newsletter/link_error.html", context, status=error.status)
        )


@sensitive_variables("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The double opt-in link: a page with a button, the button confirms. Opening the
    link changes nothing, so that a mail scanner that opens every link cannot subscribe
    an address on its owner's behalf."""
    subscriber = _open(request, CONFIRM, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    if subscriber.unsubscribed_at is not None:
        return _private(
            render(request, "newsletter/link_error.html", {"reason": "Left"}, status=410)
        )
    if request.method == "POST" and subscriber.confirm():
        logger.info("Newsletter subscriber %s confirmed", subscriber.pk)
    context = {"subscriber": subscriber, "token": token}
    return _private(render(request, "newsletter/confirm.html", context))


@sensitive_variables("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """Change rhythm and categories, or unsubscribe, from the link in every mail."""
    subscriber = _open(request, MANAGE, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    status = 200
    if request.method == "POST" and subscriber.unsubscribed_at is None:
        form = ManageForm(request.POST, instance=subscriber)
        if form.is_valid():
            form.save()
            logger.info("Newsletter subscriber %s changed their choices", subscriber.pk)
            return _private(HttpResponseRedirect(f"{request.path}?saved=1", status=303))
        status = 400
    else:
        form = ManageForm(instance=subscriber)
    context = {
        "subscriber": subscriber,
        "form": form,
        "saved": "saved" in request.GET,
        "token": token,
        "unsubscribe_url": subscriber.unsubscribe_url(),
    }
    return _private(render(request, "newsletter/manage.html", context, status=status))


@sensitive_variables("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """Delete the subscription, address and record of what was sent, from the manage
    link: asked on GET, done on POST. (A commenter's erasure deletes it too.)"""
    subscriber = _open(request, MANAGE, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    if request.method != "POST":
        return _private(render(request, "newsletter/erase.html", {"subscriber": subscriber}))
    number = subscriber.pk
    subscriber.delete()
    logger.info("Newsletter subscriber %s erased their data", number)
    return _private(render(request, "newsletter/erase.html", {"erased": True}))


@sensitive_variables("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Unsubscribe: a page with a button on GET; any POST does it, the button's or the
    one-click POST of RFC 8058 (a mail client's, with no cookie, no origin and the body
    ``List-Unsubscribe=One-Click``). Doing it twice is doing it once. The page that says
    it is done offers to undo it (a POST with ``resubscribe``)."""
    subscriber = _open(request, UNSUBSCRIBE, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    resubscribed = False
    if request.method == "POST" and "resubscribe" in request.POST:
        resubscribed = subscriber.resubscribe()
        if resubscribed:
            logger.info("Newsletter subscriber %s subscribed again", subscriber.pk)
    elif request.method == "POST" and subscriber.unsubscribe():
        logger.info("Newsletter subscriber %s unsubscribed", subscriber.pk)
    context = {
        "subscriber": subscriber,
        "resubscribed": resubscribed,
        "manage_url": subscriber.manage_url(),
    }
    return _private(render(request, "newsletter/unsubscribe.html", context))
