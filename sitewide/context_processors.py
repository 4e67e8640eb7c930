from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sitewide.models import SiteSettings


def site(request: HttpRequest) -> dict:
    """The site's owner-edited settings, for the header, footer and meta tags."""
    return {"site": SimpleLazyObject(SiteSettings.load)}
