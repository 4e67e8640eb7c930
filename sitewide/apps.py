from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CarnetAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with Carnet's admin site (settings.INSTALLED_APPS names it)."""

    default = False
    default_site = "sitewide.admin_site.CarnetAdminSite"


class SitewideConfig(AppConfig):
    name = "sitewide"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.conf import settings
        from django.db.backends.signals import connection_created
        from PIL import Image

        # Pillow's own guard, for any image it opens: an error past twice the budget.
        # Uploads are held to the budget itself (sitewide/uploads.py).
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS

        from sitewide.middleware import database_connected

        # An outage is logged once (sitewide/middleware.py): a new connection ends it.
        connection_created.connect(database_connected, dispatch_uid="sitewide.database_connected")
