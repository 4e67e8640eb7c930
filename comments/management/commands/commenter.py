import json
import sys

from django.core.management.base import BaseCommand, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from comments.models import Comment

EXPORTED_FIELDS = [
    "id",
    "article_id",
    "parent_id",
    "name",
    "email",
    "website",
    "body",
    "status",
    "reason",
    "submitted_at",
    "moderated_at",
    "ip_address",
    "user_agent",
]


class Command(BaseCommand):
    help = (
        "A commenter's data, by email: `export EMAIL` prints everything stored about them "
        "as JSON; `erase EMAIL` anonymises their comments (or deletes them with --delete)."
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
        comments = Comment.objects.from_email(email).select_related("article")
        if action == "export":
            data = [
                {
                    **{field: getattr(comment, field) for field in EXPORTED_FIELDS},
                    "article": comment.article.title,
                    "url": comment.get_absolute_url(),
                }
                for comment in comments
            ]
            self.stdout.write(
                json.dumps(
                    {"email": email, "comments": data},
                    cls=DjangoJSONEncoder,
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        with transaction.atomic():
            if delete:
                count, _ = comments.delete()
                self.stdout.write(f"Deleted {count} comments (with their replies).")
                return
            count = 0
            for comment in comments.select_for_update():
                comment.anonymise()
                count += 1
        self.stdout.write(f"Anonymised {count} comments.")
