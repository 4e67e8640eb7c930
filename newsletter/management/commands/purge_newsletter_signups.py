from django.core.management.base import BaseCommand

from newsletter.models import Subscriber


class Command(BaseCommand):
    help = (
        "Delete, address and all, the newsletter sign-ups never confirmed within "
        "NEWSLETTER_CONFIRM_HOURS (48 hours unless set) and the subscriptions ended more "
        "than NEWSLETTER_ENDED_RETENTION_DAYS ago (30 unless set). Run it daily."
    )

    def handle(self, *args, **options) -> None:
        label = Subscriber._meta.label
        expired = Subscriber.objects.expired().delete()[1].get(label, 0)
        ended = Subscriber.objects.ended_long_ago().delete()[1].get(label, 0)
        self.stdout.write(f"Deleted {expired} expired newsletter sign-ups.")
        self.stdout.write(f"Deleted {ended} newsletter subscriptions ended long ago.")
