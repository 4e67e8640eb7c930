from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("blog", "0011_article_cover_from_the_library")]

    operations = [
        migrations.RemoveField("article", "cover_file"),
        migrations.RemoveField("article", "cover_alt"),
        migrations.RemoveField("article", "cover_caption"),
    ]
