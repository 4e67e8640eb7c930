"""Concurrent posts on PostgreSQL: each stored once, a replayed form stored once."""

import unittest
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.test import Client, TransactionTestCase, override_settings

from comments.models import Comment
from tests.base import make_article, make_user
from tests.comments.helpers import comment_data


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL row locks")
# Stated here, because the browser tests' session-wide settings (which run first) turn
# the flood limit off.
@override_settings(COMMENTS_FLOOD_SECONDS=15)
class ConcurrentPostTests(TransactionTestCase):
    serialized_rollback = False

    def setUp(self):
        # Each test here flushes the database; post_migrate brings back only the groups.
        author = make_user(is_staff=True, display_name="Busy Author")
        self.article = make_article(slug="busy", author=author)

    def post(self, data: dict, ip: str) -> int:
        try:
            response = Client().post("/articles/busy/comment/", data, REMOTE_ADDR=ip)
            return response.status_code
        finally:
            connection.close()

    def test_fifty_concurrent_posts_are_all_stored_once(self):
        jobs = [
            (comment_data(self.article, body=f"Comment {n}", email=f"r{n}@example.org"),
             f"198.51.100.{n + 1}")
            for n in range(50)
        ]  # fmt: skip
        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(lambda job: self.post(*job), jobs))
        self.assertEqual(statuses, [303] * 50)
        self.assertEqual(Comment.objects.count(), 50)
        self.assertEqual(
            sorted(Comment.objects.values_list("body", flat=True)),
            sorted(f"Comment {n}" for n in range(50)),
        )

    def test_one_form_replayed_by_many_threads_is_stored_once(self):
        data = comment_data(self.article, body="Only once")
        ips = [f"203.0.113.{n + 1}" for n in range(10)] + ["192.0.2.1"] * 5
        with ThreadPoolExecutor(max_workers=len(ips)) as pool:
            statuses = list(pool.map(lambda ip: self.post(data, ip), ips))
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual(statuses.count(303), 1)
        self.assertEqual(statuses.count(409), len(ips) - 1, statuses)

    def test_concurrent_posts_from_one_address_pass_the_flood_limit_once(self):
        jobs = [comment_data(self.article, body=f"Flood {n}") for n in range(10)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(lambda data: self.post(data, "198.51.100.200"), jobs))
        self.assertEqual(sorted(statuses), [303] + [429] * 9, statuses)
        self.assertEqual(Comment.objects.count(), 1)
