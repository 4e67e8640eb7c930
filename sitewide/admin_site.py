from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.views.i18n import JavaScriptCatalog


class CarnetAdminSite(admin.AdminSite):
    """Django's admin site, whose JavaScript catalogue also holds the rich-text editor's
    translations: its dialogs ("Edit Link", "Open in new window") then speak French."""

    def i18n_javascript(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        packages = ["django.contrib.admin", "django_prose_editor"]
        return JavaScriptCatalog.as_view(packages=packages)(request)
