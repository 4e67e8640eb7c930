import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

from accounts import twostep
from accounts.models import SignIn, User
from sitewide import languages, mail

logger = logging.getLogger(__name__)

PROFILE_FIELDS = [
    "display_name",
    "slug",
    "role",
    "bio",
    "avatar",
    "website",
    "facebook_url",
    "telegram_url",
    "x_url",
    "linkedin_url",
    "accepts_contact",
]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "email", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (gettext_lazy("Author profile"), {"fields": PROFILE_FIELDS}),
        (gettext_lazy("Two-step sign-in"), {"fields": ["two_step"]}),
    ]
    readonly_fields = ["two_step"]
    change_form_template = "admin/accounts/user/change_form.html"

    def _manages_accounts(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.add_user")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self._manages_accounts(request):
            return queryset
        return queryset.filter(pk=request.user.pk)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if obj is not None and not self._manages_accounts(request):
            # An editor edits their own public profile and nothing that grants power.
            return [(None, {"fields": ["email", *PROFILE_FIELDS]})]
        return super().get_fieldsets(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages_accounts(request) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._manages_accounts(request) and super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("Second step"))
    def two_step(self, obj: User) -> str:
        if obj.pk is None:
            return "—"
        kinds = [row.label for row in twostep.devices_of(obj)]
        codes = twostep.backup_codes_left(obj)
        if codes:
            kinds.append(
                ngettext("%(count)s backup code", "%(count)s backup codes", codes)
                % {"count": codes}
            )
        return ", ".join(kinds) or _("None: the password alone signs in.")

    # An administrator resets another account's two-step sign-in (a lost phone).

    def can_reset_two_step(self, request: HttpRequest, obj: User) -> bool:
        """Account managers may, for others; a superuser's only by a superuser."""
        return (
            self._manages_accounts(request)
            and obj.pk != request.user.pk
            and (request.user.is_superuser or not obj.is_superuser)
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/two-step/reset/",
                self.admin_site.admin_view(self.reset_two_step_view),
                name="accounts_user_reset_two_step",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_reset_two_step": obj is not None and self.can_reset_two_step(request, obj),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def reset_two_step_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm, then remove every device of the account, end its sessions, log it and
        tell its owner."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such account."))
        if not self.can_reset_two_step(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:accounts_user_change", args=[obj.pk])
        if request.method == "POST":
            count = twostep.reset_devices(obj)
            with languages.in_site_language():
                message = _(
                    "Two-step sign-in reset: %(count)s devices removed, sessions ended."
                ) % {"count": count}
            self.log_change(request, obj, message)
            logger.warning(
                "Two-step sign-in of %s reset by %s (%s devices)",
                obj.get_username(),
                request.user.get_username(),
                count,
            )
            if obj.email:
                mail.send("two-step-reset", [obj.email], {"by": request.user.public_name})
            self.message_user(
                request,
                _("The two-step sign-in of %(name)s was reset; they were told by email.")
                % {"name": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reset the two-step sign-in of %(name)s?") % {"name": obj},
            "opts": self.opts,
            "original": obj,
            "devices": twostep.devices_of(obj),
            "codes_left": twostep.backup_codes_left(obj),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/accounts/user/reset_two_step.html", context)


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    """Whole sign-ins, for administrators to read; purge_sign_ins removes old ones."""

    list_display = ["signed_in_at", "user", "method", "ip_address", "new_browser"]
    list_filter = ["method", "new_browser", "signed_in_at"]
    search_fields = ["user__username", "ip_address"]
    date_hierarchy = "signed_in_at"
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# Operators see passkeys beside django-otp's authenticator apps and backup codes.
admin.site.register(WebAuthnCredential, WebAuthnCredentialAdmin)
