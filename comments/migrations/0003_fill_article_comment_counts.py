from django.db import migrations
from django.db.models import Q


def fill(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    Comment = apps.get_model("comments", "Comment")
    # The same rule as CommentQuerySet.approved(): approved, and so is the thread it answers.
    approved = Comment.objects.filter(status="approved").filter(
        Q(parent__isnull=True) | Q(parent__status="approved")
    )
    for article in Article.objects.only("pk").iterator():
        article.comment_count = approved.filter(article=article).count()
        article.save(update_fields=["comment_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderator_permissions"),
        ("blog", "0004_comment_count_and_language_table"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
