from django.db import migrations, models


class Migration(migrations.Migration):
    """SiteSettings, moved here from the blog app: the table exists already."""

    initial = True

    dependencies = [
        ("blog", "0003_move_site_settings_to_sitewide"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SiteSettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("site_name", models.CharField(default="Carnet", max_length=100, verbose_name="site name")),
                        ("tagline", models.CharField(blank=True, max_length=200, verbose_name="tagline")),
                        ("facebook_url", models.URLField(blank=True, verbose_name="Facebook page")),
                        ("telegram_url", models.URLField(blank=True, verbose_name="Telegram channel")),
                        ("x_url", models.URLField(blank=True, verbose_name="X / Twitter account")),
                        ("default_meta_image", models.ImageField(blank=True, upload_to="site/", verbose_name="default link-preview image")),
                        ("comments_close_after_days", models.PositiveIntegerField(blank=True, help_text="Articles older than this take no more comments. Empty: never close.", null=True, verbose_name="close comments after (days)")),
                        ("comment_hold_words", models.TextField(blank=True, help_text="One word or phrase per line. A comment whose name, email, website or text contains one waits for a moderator with the reason noted.", verbose_name="words that hold a comment")),
                        ("comment_refuse_words", models.TextField(blank=True, help_text="One word or phrase per line. A comment containing one is filed as spam at once.", verbose_name="words that refuse a comment")),
                    ],
                    options={
                        "verbose_name": "site settings",
                        "verbose_name_plural": "site settings",
                    },
                ),
            ],
        ),
    ]
