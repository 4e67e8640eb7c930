from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from PIL import UnidentifiedImageError

from sitewide import images

register = template.Library()


@register.simple_tag
def page_url(request: HttpRequest, number: int) -> str:
    """A link to another page of this list, keeping the search and the language."""
    query = request.GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@register.simple_tag
def language_url(request: HttpRequest, language: str = "") -> str:
    """This page's address in one language (the site's own when none is given).

    Other query parameters (the page number, the search) are kept.
    """
    return translate_url(request.get_full_path(), language or settings.LANGUAGE_CODE)


@register.simple_tag
def cover_image(image) -> dict | None:
    """A cover's URL, size and srcset; None when its file is missing or unreadable."""
    try:
        width, height = image.width, image.height
    except (OSError, UnidentifiedImageError):
        return None
    return {"url": image.url, "width": width, "height": height, "srcset": images.srcset(image)}
