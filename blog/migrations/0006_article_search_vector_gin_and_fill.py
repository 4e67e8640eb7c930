"""On PostgreSQL only: fill every article's search vector, then index it with GIN.

SQLite has neither tsvector nor GIN; there the search keeps its word match and this
migration does nothing. The index stays out of Article.Meta on purpose: SQLite rebuilds a
table with its Meta indexes whenever a later migration alters a column, and would fail on
a GIN one.
"""

from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

from sitewide import languages

INDEX = "article_search_idx"


def fill_and_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("blog", "Article")
    config = models.Case(
        *[
            models.When(language=language.code, then=models.Value(language.search_config))
            for language in languages.LANGUAGES
        ],
        default=models.Value("simple"),
    )
    Article.objects.using(schema_editor.connection.alias).update(
        search_vector=SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("body_html", weight="C", config=config)
    )
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON blog_article USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0005_article_search_vector_and_list_indexes"),
    ]

    operations = [migrations.RunPython(fill_and_index, drop_index)]
