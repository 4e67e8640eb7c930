from django.db import migrations


def move_content_type(apps, schema_editor):
    # Keeps the permissions (and any group holding them) that point at the model.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="blog", model="sitesettings").update(
        app_label="sitewide"
    )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="sitewide", model="sitesettings").update(
        app_label="blog"
    )


class Migration(migrations.Migration):
    """SiteSettings moves to the sitewide app: its table is renamed, its rows kept."""

    dependencies = [
        ("blog", "0002_comment_settings"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("sitesettings", "sitewide_sitesettings"),
            ],
            state_operations=[migrations.DeleteModel("SiteSettings")],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
