"""Scheduled articles remember that they have yet to go live, so that the schedule's task
or the sweep takes them live (kept pages dropped, author told) when their time comes.
The articles scheduled now are marked; those already live are not. The publication
time's help names the new Schedule button."""

from django.db import migrations, models
from django.utils import timezone


def mark_scheduled(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    Article.objects.filter(status="published", published_at__gt=timezone.now()).update(
        going_live=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0017_category_english_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="going_live",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_scheduled, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Leave empty to date the article when it is published. A time in the future schedules it: choose it, then press Schedule.",
                null=True,
                verbose_name="publication time",
            ),
        ),
    ]
