from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitewideConfig(AppConfig):
    name = "sitewide"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from sitewide.middleware import database_connected

        # An outage is logged once (sitewide/middleware.py): a new connection ends it.
        connection_created.connect(database_connected, dispatch_uid="sitewide.database_connected")
