from django.contrib import admin

from pages.forms import PageAdminForm
from pages.models import Page
from sitewide.revisions import RevisionAdmin


@admin.register(Page)
class PageAdmin(RevisionAdmin):
    form = PageAdminForm
    list_display = ["title", "slug", "language", "published", "updated_at"]
    list_filter = ["published", "language"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    revision_compare_fields = ["title", "slug", "body", "language", "published"]
    # The address and whether it is public stay as they are: a restore brings back text.
    revision_restore_fields = ["title", "body", "language"]
