"""Sanitise every stored body again: the sanitiser now refuses schemes bleach let through.

body_html is rendered on save, so bodies saved before the scheme check could still
hold "javascript:1337" and its kin until their next edit.
"""

from django.db import migrations

from sitewide.markup import clean_article_html


def resanitise(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    changed = []
    for article in Article.objects.only("pk", "body", "body_html").iterator(chunk_size=500):
        body_html = clean_article_html(article.body)
        if body_html != article.body_html:
            article.body_html = body_html
            changed.append(article)
    Article.objects.bulk_update(changed, ["body_html"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("blog", "0007_sitemap_and_tag_indexes")]

    operations = [migrations.RunPython(resanitise, migrations.RunPython.noop, elidable=True)]
