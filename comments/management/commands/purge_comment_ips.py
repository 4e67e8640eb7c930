import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from comments.models import Comment
from sitewide.models import PostingLimit


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than "
        "COMMENTS_IP_RETENTION_DAYS (30 days unless set). Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.COMMENTS_IP_RETENTION_DAYS,
            help="Keep this many days instead of the setting.",
        )

    def handle(self, *args, days: int, **options) -> None:
        cutoff = timezone.now() - datetime.timedelta(days=max(days, 0))
        count = (
            Comment.objects.filter(submitted_at__lt=cutoff)
            .exclude(ip_address__isnull=True, user_agent="")
            .update(ip_address=None, user_agent="")
        )
        # The flood limits (comments and contact form) only need the last day.
        PostingLimit.objects.filter(
            last_posted_at__lt=timezone.now() - datetime.timedelta(days=1)
        ).delete()
        self.stdout.write(f"Cleared the IP address and user agent of {count} comments.")
