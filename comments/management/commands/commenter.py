import sys

from django.core.management.base import BaseCommand, CommandParser

from comments.models import erase_commenter, export_json


class Command(BaseCommand):
    help = (
        "A reader's data, by email: `export EMAIL` prints everything stored about them "
        "(comments, newsletter) as JSON; `erase EMAIL` anonymises their comments (or deletes "
        "them with --delete) and deletes their newsletter subscription."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument(
            "--delete",
            action="store_true",
            help="With erase: delete the comments instead of keeping their text.",
        )

    def handle(self, *args, action: str, email: str, delete: bool, **options) -> None:
        if "@" not in email:
            self.stderr.write("Give the commenter's email address.")
            sys.exit(2)
        if action == "export":
            self.stdout.write(export_json(email))
            return
        count, subscriptions = erase_commenter(email, delete=delete)
        if delete:
            self.stdout.write(f"Deleted {count} comments (with their replies).")
        else:
            self.stdout.write(f"Anonymised {count} comments.")
        self.stdout.write(f"Deleted {subscriptions} newsletter subscriptions.")
