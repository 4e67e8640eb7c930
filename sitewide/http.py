"""What Carnet reads from a request: the client's address and the site's own origin."""

import ipaddress

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


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


def client_network(request: HttpRequest) -> str | None:
    """The client address as the limits count it (comment flood, login lockouts).

    An IPv6 client is its /64: one subscriber or host holds a whole /64, and
    rotating addresses inside it must not reset a limit.
    """
    return address_network(client_ip(request))


def address_network(address: str | None) -> str | None:
    """An IPv4 address as is, an IPv6 one as its /64 network address ("2001:db8:1:2::")."""
    if address is None:
        return None
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def is_site_path(url: str) -> bool:
    """Whether url is a path of this site, safe in a Location or a link: one leading
    slash, and no other host or scheme however it is written (``//host``, ``/\\host``,
    ``///host``, ``/\t/host``, which browsers all read as another site)."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def absolute_url(request: HttpRequest, path: str) -> str:
    """A path of this site (``/articles/x/``, ``/media/a.jpg``) as a full address.

    Only the scheme and host come from the request: a path already carries any
    script prefix, and the query of the current page is never added. An address that
    is already whole (an upload in a bucket, MEDIA_STORAGE=s3) is kept as it is.
    """
    if path.startswith(("https://", "http://")):
        return path
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


# (browser, marker) in the order to test them: Edge and Opera also say "Chrome", and
# Chrome also says "Safari".
_BROWSERS = [
    ("Edge", "Edg/"),
    ("Opera", "OPR/"),
    ("Firefox", "Firefox/"),
    ("Chrome", "Chrome/"),
    ("Chromium", "Chromium/"),
    ("Safari", "Safari/"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iOS", "iPhone"),
    ("iPadOS", "iPad"),
    ("Windows", "Windows"),
    ("macOS", "Mac OS X"),
    ("ChromeOS", "CrOS"),
    ("Linux", "Linux"),
]


def browser_and_system(user_agent: str) -> tuple[str, str]:
    """("Firefox", "Linux") from a User-Agent header; "" for what it does not say.

    A name for a person to recognise their own browser by, never a fingerprint.
    """
    browser = next((name for name, marker in _BROWSERS if marker in user_agent), "")
    system = next((name for name, marker in _SYSTEMS if marker in user_agent), "")
    return browser, system
