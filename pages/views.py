from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from pages.models import Page
from sitewide.markup import clean_article_html


@require_safe
def page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page, slug=slug)
    # An unpublished page is shown to whoever may edit pages, as its preview.
    is_preview = not page.published
    if is_preview and not request.user.has_perm("pages.change_page"):
        raise Http404("No such page.")
    response = render(request, "pages/page.html", {"page": page, "is_preview": is_preview})
    return _as_preview(response) if is_preview else response


def render_preview(request: HttpRequest, form: ModelForm) -> HttpResponse:
    """The page form's unsaved content in the public page's template; nothing is saved.

    A form with errors answers 400 with them listed, since the page cannot be shown.
    """
    if not form.is_valid():
        context = {"form": form}
        response = render(request, "admin/editing/preview_errors.html", context, status=400)
        return _as_preview(response)
    page: Page = form.instance
    page.body_html = clean_article_html(page.body, language=page.language)
    page.body_html_en = clean_article_html(page.body_en, language="en") if page.body_en else ""
    context = {"page": page, "is_preview": True, "is_unsaved_preview": True}
    return _as_preview(render(request, "pages/page.html", context))


def _as_preview(response: HttpResponse) -> HttpResponse:
    """Kept by no cache, indexed by no search engine."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
