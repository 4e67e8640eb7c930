from django.core.management.base import BaseCommand
from django.db import transaction

from blog.models import Article
from comments.models import recount_articles


class Command(BaseCommand):
    help = (
        "Set every article's comment count to its approved comments again, and say how "
        "many were wrong. The count is kept exact as comments change; this repairs it "
        "after a change made outside Carnet (raw SQL, a restored backup)."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            before = dict(Article.objects.values_list("pk", "comment_count"))
            recount_articles(set(before))
            after = dict(Article.objects.values_list("pk", "comment_count"))
        changed = sum(1 for pk, count in after.items() if before.get(pk) != count)
        self.stdout.write(f"Recounted {len(after)} articles: {changed} changed.")
