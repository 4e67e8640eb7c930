"""Search text that folds ligatures and keeps paragraphs apart (SQLite).

"cœur" is now kept as "coeur", and the words on either side of a paragraph's end as two
words: every article's search_text is written again. PostgreSQL's unaccent already folds
ligatures, and its parser already reads tags as word boundaries: nothing to do there.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    from blog.search import search_text

    Article = apps.get_model("blog", "Article")
    articles = Article.objects.using(schema_editor.connection.alias)
    for article in articles.only("title", "standfirst", "body_html").iterator():
        article.search_text = search_text(article.title, article.standfirst, article.body_html)
        article.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("blog", "0019_help_texts_that_say_what_they_mean")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
