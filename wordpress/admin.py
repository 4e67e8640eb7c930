from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wordpress.models import OldAddress


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    """The old WordPress addresses and where they lead now: made by the import, read
    here (deleting one lets its address answer 404)."""

    list_display = ["path", "leads_to", "new_address"]
    list_filter = ["leads_to", "record__kind"]
    search_fields = ["path"]
    list_select_related = ["record__content_type"]
    fields = ["path", "leads_to", "new_address"]
    readonly_fields = fields

    @admin.display(description=_("new address"))
    def new_address(self, address: OldAddress) -> str:
        return address.new_url() or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
