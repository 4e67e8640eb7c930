"""What Carnet reads from a request: the client's address and the site's own origin."""

import ipaddress

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address the outermost trusted proxy saw in X-Forwarded-For."""
    address = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        # Each trusted proxy appends the address it received from: counting from the
        # right skips anything the client itself wrote into the header.
        if len(hops) >= proxies:
            address = _valid_ip(hops[-proxies]) or address
    return address


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def absolute_url(request: HttpRequest, path: str) -> str:
    """A path of this site (``/articles/x/``, ``/media/a.jpg``) as a full address.

    Only the scheme and host come from the request: a path already carries any
    script prefix, and the query of the current page is never added.
    """
    return f"{request.scheme}://{request.get_host()}{path}"


def signed_in_user(request: HttpRequest):
    """The signed-in user, or an anonymous one without touching the session.

    A request without a session cookie has no user to look up; reading the
    session anyway would mark the response as varying on cookies, and no shared
    cache could keep it.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return AnonymousUser()
    return request.user
