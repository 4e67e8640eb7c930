import datetime

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SignIn


class Command(BaseCommand):
    help = (
        "Remove sign-in records (Carnet's and django-axes' access logs) older than "
        "SIGN_IN_RETENTION_DAYS (90 days unless set), and authenticator apps whose set-up "
        "was never finished. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SIGN_IN_RETENTION_DAYS,
            help="Keep this many days instead of the setting.",
        )

    def handle(self, *args, days: int, **options) -> None:
        days = max(days, 0)
        sign_ins, _ = SignIn.objects.older_than(days).delete()
        # axes deletes what is older than (not as old as) this many days, as we do.
        logs = AxesProxyHandler.reset_logs(age_days=days)
        failures = AxesProxyHandler.reset_failure_logs(age_days=days)
        # A key shown for set-up but never confirmed with a code signs nobody in.
        unfinished, _ = TOTPDevice.objects.filter(
            confirmed=False, created_at__lt=timezone.now() - datetime.timedelta(days=1)
        ).delete()
        self.stdout.write(
            f"Removed {sign_ins} sign-ins and {logs + failures} access logs older than "
            f"{days} days, and {unfinished} unfinished authenticator set-ups."
        )
