"""Concurrent sign-ups on PostgreSQL: one subscription per address, one mail."""

import unittest
from concurrent.futures import ThreadPoolExecutor

from django.core import mail
from django.db import connection
from django.test import Client, TransactionTestCase, override_settings

from newsletter.models import Subscriber


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL row locks")
# Stated here, because the browser tests' session-wide settings (which run first) turn
# the flood limit off.
@override_settings(COMMENTS_FLOOD_SECONDS=15)
class ConcurrentSignUpTests(TransactionTestCase):
    serialized_rollback = False

    def sign_up(self, email: str, ip: str) -> int:
        try:
            data = {"email": email, "rhythm": "each"}
            return Client().post("/newsletter/", data, REMOTE_ADDR=ip).status_code
        finally:
            connection.close()

    def test_one_address_signed_up_by_many_at_once_is_stored_and_mailed_once(self):
        jobs = [
            ("Same@example.org" if n % 2 else "same@EXAMPLE.org", f"198.51.100.{n + 1}")
            for n in range(12)
        ]
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            statuses = list(pool.map(lambda job: self.sign_up(*job), jobs))
        self.assertEqual(statuses, [303] * len(jobs))
        self.assertEqual(Subscriber.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)
