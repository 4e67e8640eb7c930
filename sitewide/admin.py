from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sitewide import mail
from sitewide.models import FailedMail, SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        site = SiteSettings.load()
        return HttpResponseRedirect(reverse("admin:sitewide_sitesettings_change", args=[site.pk]))


@admin.register(FailedMail)
class FailedMailAdmin(admin.ModelAdmin):
    """The messages the worker gave up on, to send again once the mail server is back.

    Only superusers (or whoever is given its permissions) see it: a message's context can
    hold a reader's words.
    """

    list_display = ["name", "failed_at", "attempts", "error"]
    list_filter = ["name"]
    readonly_fields = ["name", "to", "context", "reply_to", "attempts", "error", "failed_at"]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Send again"), permissions=["delete"])
    def send_again(self, request: HttpRequest, queryset) -> None:
        failed = list(queryset)
        mail.send_again(failed)
        self.message_user(
            request,
            ngettext(
                "%(count)d email queued to be sent again.",
                "%(count)d emails queued to be sent again.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )
