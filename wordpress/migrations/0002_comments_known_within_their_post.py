from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.db.models import Count

BATCH = 1000


def file_comments_under_their_posts(apps, schema_editor) -> None:
    """Each comment recorded before is filed under the key of the post it was imported
    with: its Carnet comment's article is the target of that post's record.

    A record whose comment has been deleted here since cannot say its post: it stays with
    a blank post, and the importer still counts its id as taken in the posts imported
    before (so that a comment a moderator deleted does not come back), naming it in the
    summary.
    """
    ImportRecord = apps.get_model("wordpress", "ImportRecord")
    Comment = apps.get_model("comments", "Comment")
    db = schema_editor.connection.alias
    records = ImportRecord.objects.using(db).filter(kind="comment", post="").order_by("pk")
    last = 0
    while batch := list(records.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        articles = dict(
            Comment.objects.using(db)
            .filter(pk__in=[r.object_id for r in batch if r.object_id is not None])
            .values_list("pk", "article_id")
        )
        posts = {
            (site, article): key
            for site, article, key in ImportRecord.objects.using(db)
            .filter(kind="post", object_id__in=set(articles.values()))
            .values_list("site", "object_id", "key")
        }
        changed = []
        for record in batch:
            post = posts.get((record.site, articles.get(record.object_id)))
            if post:
                record.post = post
                changed.append(record)
        ImportRecord.objects.using(db).bulk_update(changed, ["post"])


def refuse_when_ids_repeat(apps, schema_editor) -> None:
    """Back to one record per (site, kind, key): only while no comment id is used twice."""
    ImportRecord = apps.get_model("wordpress", "ImportRecord")
    repeated = (
        ImportRecord.objects.using(schema_editor.connection.alias)
        .values("site", "kind", "key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    if repeated:
        raise IrreversibleError(
            f"WordPress ids recorded under more than one post ({repeated}): the records "
            "before this migration cannot hold them."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wordpress", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="importrecord",
            name="wordpress_one_record_per_item",
        ),
        migrations.AddField(
            model_name="importrecord",
            name="post",
            field=models.CharField(blank=True, max_length=300, verbose_name="WordPress post"),
        ),
        migrations.AddConstraint(
            model_name="importrecord",
            constraint=models.UniqueConstraint(
                fields=("site", "kind", "post", "key"), name="wordpress_one_record_per_item_v2"
            ),
        ),
        # After the schema changes: PostgreSQL refuses to alter a table with updates
        # pending in the same transaction.
        migrations.RunPython(file_comments_under_their_posts, refuse_when_ids_repeat),
    ]
