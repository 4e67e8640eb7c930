import importlib

from django.db import migrations, models

import blog.models

# 0026 built the edition indexes in SQL, on PostgreSQL only, since SQLite rebuilds a table
# with its Meta indexes whenever a migration alters a column and drops the others. Now
# they are Meta indexes, on every database: SQLite sorted every published article of a
# category for an article's related candidates (37 ms at 10,000). The ones 0026 made give
# way to them (their names were too long for Meta's 30 characters).
edition_order_indexes = importlib.import_module("blog.migrations.0026_edition_order_indexes")


class Migration(migrations.Migration):
    dependencies = [("blog", "0026_edition_order_indexes")]

    operations = [
        migrations.RunPython(edition_order_indexes.drop, edition_order_indexes.create),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                blog.models.EditionKey("fr"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="article_fr_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("category"),
                blog.models.EditionKey("fr"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="article_fr_category_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("author"),
                blog.models.EditionKey("fr"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="article_fr_author_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                blog.models.EditionKey("en"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="article_en_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("category"),
                blog.models.EditionKey("en"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="article_en_category_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("author"),
                blog.models.EditionKey("en"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="article_en_author_idx",
            ),
        ),
    ]
