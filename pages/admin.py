from django.contrib import admin
from django.http import HttpRequest

from editing.editor import SLUGS_JS, warn_about_removed_content
from editing.models import Autosave
from pages.forms import PageAdminForm
from pages.models import Page
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
        Autosave.objects.for_form(request.user, request.path).delete()
