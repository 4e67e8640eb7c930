from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from editing.editor import SLUGS_JS, warn_about_removed_content
from editing.models import Autosave
from pages.forms import PageAdminForm
from pages.models import Page
from pages.views import render_preview
from sitewide.revisions import RevisionAdmin


@admin.register(Page)
class PageAdmin(RevisionAdmin):
    form = PageAdminForm
    list_display = ["title", "title_en", "slug", "language", "published", "updated_at"]
    list_filter = ["published", "language"]
    search_fields = ["title", "body", "title_en", "body_en"]
    prepopulated_fields = {"slug": ["title"]}

    class Media:
        js = SLUGS_JS

    revision_compare_fields = [
        "title",
        "slug",
        "body",
        "language",
        "published",
        "title_en",
        "body_en",
    ]
    # The address and whether it is public stay as they are: a restore brings back text.
    revision_restore_fields = ["title", "body", "language", "title_en", "body_en"]
    # A deleted page's text, offered to a new form after a conflict, is not public yet.
    conflict_new_draft_initial = {"published": False}

    def save_model(self, request: HttpRequest, obj: Page, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        warn_about_removed_content(request, form)
        Autosave.objects.for_request(request).delete()

    # The change form's "Preview unsaved changes" button posts its fields here.
    def get_urls(self) -> list:
        preview_view = self.admin_site.admin_view(require_POST(self.preview_view))
        return [
            path("preview/", preview_view, name="pages_page_preview"),
            path("<path:object_id>/preview/", preview_view, name="pages_page_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        """The form's content in the public page's template, never saved."""
        page = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and page is None:
            raise Http404("No such page.")
        allowed = (
            self.has_change_permission(request, page) if page else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        form = self.get_form(request, page, change=page is not None)(
            request.POST, request.FILES, instance=page
        )
        return render_preview(request, form)
