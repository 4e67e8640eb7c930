from django.db import migrations


def key_new_forms(apps, schema_editor):
    """An autosave of a new form kept before each new form had its own key becomes one
    new form's: listed on the add page, offered once opened, never offered to another."""
    Autosave = apps.get_model("editing", "Autosave")
    for autosave in Autosave.objects.filter(path__endswith="/add/"):
        autosave.path = f"{autosave.path}?draft=kept-{autosave.pk}"
        autosave.save(update_fields=["path"])


class Migration(migrations.Migration):
    dependencies = [("editing", "0002_editing_sessions")]

    operations = [migrations.RunPython(key_new_forms, migrations.RunPython.noop)]
