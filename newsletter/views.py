import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods

from newsletter.forms import PreferencesForm
from newsletter.models import CONFIRM, MANAGE, UNSUBSCRIBE, BadLink, Purpose, Subscriber
from sitewide.csrf import origin_protected

logger = logging.getLogger(__name__)


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
    if request.method == "POST" and subscriber.unsubscribed_at is None:
        form = PreferencesForm(request.POST, instance=subscriber)
        if form.is_valid():
            form.save()
            logger.info("Newsletter subscriber %s changed their choices", subscriber.pk)
            return _private(HttpResponseRedirect(f"{request.path}?saved=1", status=303))
    else:
        form = PreferencesForm(instance=subscriber)
    context = {
        "subscriber": subscriber,
        "form": form,
        "saved": "saved" in request.GET,
        "unsubscribe_url": subscriber.unsubscribe_url(),
    }
    return _private(render(request, "newsletter/manage.html", context))


@sensitive_variables("token")
@origin_protected
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Unsubscribe: a page with a button on GET; any POST does it, the button's or the
    one-click POST of RFC 8058 (a mail client's, with no cookie, no origin and the body
    ``List-Unsubscribe=One-Click``). Doing it twice is doing it once."""
    subscriber = _open(request, UNSUBSCRIBE, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    if request.method == "POST" and subscriber.unsubscribe():
        logger.info("Newsletter subscriber %s unsubscribed", subscriber.pk)
    context = {"subscriber": subscriber, "manage_url": subscriber.manage_url()}
    return _private(render(request, "newsletter/unsubscribe.html", context))
