"""Sanitise every stored body again: an image must now come from the site's own media.

Bodies saved before could show an image from another site, which the public pages'
policy blocks (a broken image), or an <img src=x>; both go now, as on every save.
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
    dependencies = [("blog", "0012_remove_article_cover_file")]

    operations = [migrations.RunPython(resanitise, migrations.RunPython.noop, elidable=True)]
