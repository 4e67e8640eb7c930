"""Covers move into the image library: each article's cover file becomes an
editing.Image (its alt text and caption with it, renditions made now), and the
article points at it. The old columns go in 0011: PostgreSQL cannot alter a table
whose rows this transaction just updated."""

import django.db.models.deletion
from django.db import migrations, models
from PIL import Image as Picture
from PIL import UnidentifiedImageError

from sitewide import images


def move_covers_to_the_library(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    Image = apps.get_model("editing", "Image")
    db = schema_editor.connection.alias
    for article in Article.objects.using(db).exclude(cover_file="").iterator():
        storage, name = article.cover_file.storage, article.cover_file.name
        try:
            with storage.open(name) as file, Picture.open(file) as picture:
                width, height = picture.size
        except (OSError, UnidentifiedImageError):
            # A cover whose file is gone or broken showed nothing: it is left behind.
            continue
        image = Image(
            alt=article.cover_alt.strip() or article.title,
            caption=article.cover_caption,
            width=width,
            height=height,
            renditions=images.make_renditions(storage, name),
        )
        image.file.name = name
        image.save(using=db)
        Article.objects.using(db).filter(pk=article.pk).update(cover=image)


def move_covers_back(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    db = schema_editor.connection.alias
    for article in Article.objects.using(db).filter(cover__isnull=False).select_related("cover"):
        Article.objects.using(db).filter(pk=article.pk).update(
            cover_file=article.cover.file.name,
            cover_alt=article.cover.alt,
            cover_caption=article.cover.caption,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0010_publish_permission_and_status_help"),
        ("editing", "0001_image_library_and_autosave"),
    ]

    operations = [
        migrations.RenameField("article", "cover", "cover_file"),
        migrations.AddField(
            model_name="article",
            name="cover",
            field=models.ForeignKey(
                blank=True,
                help_text="An image of the library: its alt text and caption go with it. Use + to upload a new one.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="editing.image",
                verbose_name="cover image",
            ),
        ),
        migrations.RunPython(move_covers_to_the_library, move_covers_back),
    ]
