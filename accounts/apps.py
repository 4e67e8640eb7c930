from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from accounts.checks import two_step_required
        from accounts.roles import ensure_roles

        register(two_step_required, Tags.security, deploy=True)

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="accounts.ensure_roles")
