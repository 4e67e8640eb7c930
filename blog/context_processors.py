from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from blog.models import Category


def navigation(request: HttpRequest) -> dict:
    """The categories of the header's menu, read only by a page that shows the menu."""
    return {"menu_categories": SimpleLazyObject(Category.menu)}
