"""`manage.py check --deploy`: the newsletter's links start with SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def site_url(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Mail sent outside a request takes its links' scheme and host from SITE_URL: in
    production, an https:// address of a host this site serves."""
    url = urlsplit(settings.SITE_URL)
    hosts = settings.ALLOWED_HOSTS
    served = "*" in hosts or any(
        url.hostname == host or (host.startswith(".") and url.hostname.endswith(host))
        for host in hosts
    )
    if url.scheme == "https" and served:
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL!r}: the newsletter's links (articles, "
            "unsubscribe) would lead there.",
            hint="Set SITE_URL to the site's https:// address, e.g. https://blog.example.org.",
            id="newsletter.W001",
        )
    ]
