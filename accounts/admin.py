from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User

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
        (_("Author profile"), {"fields": PROFILE_FIELDS}),
    ]

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
