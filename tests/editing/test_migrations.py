"""editing 0003 gives each new form's autosave kept before keys its own key."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("editing", "0002_editing_sessions")]
AFTER = [("editing", "0003_autosave_new_forms_keyed")]


class NewFormsKeyedTests(TransactionTestCase):
    def migrate(self, editing_at):
        executor = MigrationExecutor(connection)
        leaves = executor.loader.graph.leaf_nodes()
        targets = [node for node in leaves if node[0] != "editing"] + editing_at
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def test_an_old_new_article_draft_is_listed_not_offered_to_every_new_form(self):
        apps = self.migrate(BEFORE)
        self.addCleanup(self.migrate, AFTER)
        User = apps.get_model("accounts", "User")
        Autosave = apps.get_model("editing", "Autosave")
        editor = User.objects.create(username="editor", is_staff=True)
        new = Autosave.objects.create(user=editor, path="/admin/blog/article/add/", data={})
        kept = Autosave.objects.create(user=editor, path="/admin/blog/article/7/change/", data={})
        apps = self.migrate(AFTER)
        paths = dict(apps.get_model("editing", "Autosave").objects.values_list("pk", "path"))
        self.assertEqual(
            paths,
            {
                new.pk: f"/admin/blog/article/add/?draft=kept-{new.pk}",
                kept.pk: "/admin/blog/article/7/change/",
            },
        )
