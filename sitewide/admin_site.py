from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.views.i18n import JavaScriptCatalog


class CarnetAdminSite(admin.AdminSite):
    """Django's admin site, whose JavaScript catalogue also holds the rich-text editor's
    translations: its dialogs ("Edit Link", "Open in new window") then speak French."""

    def has_permission(self, request: HttpRequest) -> bool:
        """Django's rule, and django-otp's OTPAdminSite's for the accounts that need a
        second step: a session that has not given it is not let in. The accounts'
        TwoStepMiddleware says which sessions owe one; without it, none is let in."""
        owed = getattr(request, "second_step_owed", None)
        return super().has_permission(request) and owed is not None and not owed()

    def i18n_javascript(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        packages = ["django.contrib.admin", "django_prose_editor"]
        return JavaScriptCatalog.as_view(packages=packages)(request)
