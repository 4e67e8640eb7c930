# The flood limit moved down to sitewide.PostingLimit so that the contact form (in
# accounts, which cannot import comments) shares it. Rows are copied with their keys:
# sitewide/flood.py keys the "comments" scope with the salt comments used, so an
# address that has just posted stays limited across the upgrade.

from django.db import migrations


def copy_to_sitewide(apps, schema_editor):
    Old = apps.get_model("comments", "PostingLimit")
    New = apps.get_model("sitewide", "PostingLimit")
    New.objects.bulk_create(
        [
            New(key=row.ip_hash, scope="comments", last_posted_at=row.last_posted_at)
            for row in Old.objects.iterator()
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    Old = apps.get_model("comments", "PostingLimit")
    New = apps.get_model("sitewide", "PostingLimit")
    Old.objects.bulk_create(
        [
            Old(ip_hash=row.key, last_posted_at=row.last_posted_at)
            for row in New.objects.filter(scope="comments").iterator()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_fill_article_comment_counts"),
        ("sitewide", "0003_posting_limit"),
    ]

    operations = [
        migrations.RunPython(copy_to_sitewide, copy_back),
        migrations.DeleteModel(name="PostingLimit"),
    ]
