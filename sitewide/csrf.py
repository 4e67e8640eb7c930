"""Cross-site request forgery protection for forms any reader may post from a cached page.

A page kept by a shared cache cannot carry a per-reader CSRF token. Browsers say
where a request comes from instead: `Sec-Fetch-Site` (Fetch Metadata), else
`Origin`. A cross-site post is refused; a request with neither header was not
sent by a browser on another site's behalf, and goes on. This is the approach
of Go's CrossOriginProtection. A reader who is signed in (who carries a session)
still gets Django's token check.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

SAFE_FETCH_SITES = {"same-origin", "none"}


def needs_token(request: HttpRequest) -> bool:
    """Whether this reader's posts carry Django's CSRF token: those with a session."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_same_origin(request: HttpRequest) -> bool:
    """Whether the browser says this request comes from this site (or from no site)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in SAFE_FETCH_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.scheme}://{request.get_host()}"


def origin_protected(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Protect a form that anonymous readers post from cached pages.

    With a session cookie, Django's token check applies as everywhere else;
    without one, the browser's own word about the request's origin.
    """

    @csrf_exempt
    @wraps(view)
    def protected(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if needs_token(request):
            refusal = _token_check.process_view(request, view, args, kwargs)
            if refusal is not None:
                return refusal
        elif request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"} and not is_same_origin(
            request
        ):
            return _token_check._reject(request, "Cross-site request refused by its origin.")
        return view(request, *args, **kwargs)

    return protected


_token_check = CsrfViewMiddleware(lambda request: None)
