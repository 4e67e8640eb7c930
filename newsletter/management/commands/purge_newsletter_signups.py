from django.core.management.base import BaseCommand

from newsletter.models import Subscriber


class Command(BaseCommand):
    help = (
        "Delete newsletter sign-ups never confirmed within NEWSLETTER_CONFIRM_HOURS "
        "(48 hours unless set), address and all. Run it daily."
    )

    def handle(self, *args, **options) -> None:
        _, deleted = Subscriber.objects.expired().delete()
        count = deleted.get(Subscriber._meta.label, 0)
        self.stdout.write(f"Deleted {count} expired newsletter sign-ups.")
