"""The publication time is empty until the article is first published.

The form used to fill it with the time it was opened, which nothing told from a time an
editor chose: a draft or a submission dated in the past holds that value, and is undated
here so that it is dated when it is published. A future time on one was chosen (the form
never offered one): it stays, and schedules the article once published.
"""

from django.db import migrations, models
from django.utils import timezone


def undate_unpublished(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    Article.objects.filter(
        status__in=["draft", "review"], published_at__lte=timezone.now()
    ).update(published_at=None)


def date_by_creation(apps, schema_editor):
    """Backwards, the column needs a value again: an undated article, its creation time."""
    Article = apps.get_model("blog", "Article")
    Article.objects.filter(published_at=None).update(published_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0015_search_without_accents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Leave empty to date the article when it is published. A time in the future schedules it.",
                null=True,
                verbose_name="publication time",
            ),
        ),
        migrations.RunPython(undate_unpublished, date_by_creation),
    ]
