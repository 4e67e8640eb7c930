from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from pages.models import footer_links


def footer_pages(request: HttpRequest) -> dict:
    """The pages linked from the footer, read (from the cache) only if a page shows them."""
    return {"footer_pages": SimpleLazyObject(footer_links)}
