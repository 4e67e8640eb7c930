"""The flood limits' one table, and the migration that moved the comments' limit into it."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

from sitewide import flood

BEFORE = [("comments", "0003_fill_article_comment_counts"), ("sitewide", "0002_failed_mail")]
AFTER = [("comments", "0004_move_posting_limit_to_sitewide")]


class PostingLimitMigrationTests(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        executor = MigrationExecutor(connection)
        self.migrate(executor.loader.graph.leaf_nodes())

    def test_an_address_that_has_just_commented_stays_limited_across_the_upgrade(self):
        key = flood.key("comments", "203.0.113.7")
        now = timezone.now()
        old_apps = self.migrate(BEFORE)
        old_apps.get_model("comments", "PostingLimit").objects.create(
            ip_hash=key, last_posted_at=now
        )

        new_apps = self.migrate(AFTER)

        row = new_apps.get_model("sitewide", "PostingLimit").objects.get()
        self.assertEqual((row.key, row.scope, row.last_posted_at), (key, "comments", now))

    def test_it_can_be_reversed(self):
        now = timezone.now()
        new_apps = self.migrate(AFTER)
        limits = new_apps.get_model("sitewide", "PostingLimit").objects
        limits.create(key="c" * 64, scope="comments", last_posted_at=now)
        limits.create(key="d" * 64, scope="contact", last_posted_at=now)

        old_apps = self.migrate(BEFORE)

        rows = old_apps.get_model("comments", "PostingLimit").objects.values_list("ip_hash")
        self.assertEqual(list(rows), [("c" * 64,)])
