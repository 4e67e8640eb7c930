"""Search without accents or case, on both engines.

PostgreSQL: the unaccent extension, and for each language a text search configuration
that removes accents before stemming (french_unaccent, english_unaccent); every stored
search vector is computed again with it. The GIN index of 0006 indexes the vectors
whatever their configuration, and keeps serving the search.

Elsewhere (SQLite): every article's accent-folded search_text is filled.
"""

from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

# Frozen here: the languages of this migration's time, and their stemmers.
STEMMERS = {"fr": "french", "en": "english"}


def _vectors(suffix: str):
    config = models.Case(
        *[
            models.When(language=code, then=models.Value(stemmer + suffix))
            for code, stemmer in STEMMERS.items()
        ],
        default=models.Value("simple"),
    )
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("body_html", weight="C", config=config)
    )


def forwards(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    articles = Article.objects.using(schema_editor.connection.alias)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for stemmer in STEMMERS.values():
            schema_editor.execute(
                f"CREATE TEXT SEARCH CONFIGURATION {stemmer}_unaccent (COPY = {stemmer})"
            )
            schema_editor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {stemmer}_unaccent "
                f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer}_stem"
            )
        articles.update(search_vector=_vectors("_unaccent"))
        return
    from blog.search import search_text

    for article in articles.only("title", "standfirst", "body_html").iterator():
        article.search_text = search_text(article.title, article.standfirst, article.body_html)
        article.save(update_fields=["search_text"])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("blog", "Article")
    Article.objects.using(schema_editor.connection.alias).update(search_vector=_vectors(""))
    for stemmer in STEMMERS.values():
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {stemmer}_unaccent")


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0014_article_search_text_and_translation"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
