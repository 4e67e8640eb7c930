"""sitewide.purges: what changed goes to the shared cache in batches, once per tag."""

import urllib.error
from unittest import mock

from django.db import transaction
from django.test import TestCase, TransactionTestCase, override_settings

from sitewide import pagecache, purges
from sitewide.models import PendingPurge

PURGE_URL = "http://127.0.0.1:8178/"
QUEUE = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def queued() -> list[str]:
    return list(PendingPurge.objects.values_list("tag", flat=True))


@override_settings(CARNET_PURGE_URL=PURGE_URL, TASKS=QUEUE)
class QueueTests(TestCase):
    def test_a_tag_touched_by_many_changes_is_queued_once(self):
        for _ in range(3):
            pagecache.changed("article:1", "list:article")
        pagecache.changed("article:2")
        self.assertEqual(queued(), ["article:1", "article:2", "list:article"])

    @override_settings(CARNET_PURGE_URL="")
    def test_without_a_shared_cache_nothing_is_queued(self):
        pagecache.changed("article:1")
        self.assertEqual(queued(), [])

    def test_one_request_sends_the_batch_and_empties_the_queue(self):
        pagecache.changed("article:1", "list:article")
        with mock.patch.object(purges.urllib.request, "urlopen") as urlopen:
            purges.send.call()
        (request,), _options = urlopen.call_args
        self.assertEqual((request.method, request.full_url), ("PURGE", PURGE_URL))
        self.assertEqual(request.get_header("Xkey-purge"), "article:1 list:article")
        self.assertEqual(queued(), [])

    def test_a_purge_that_fails_stays_queued(self):
        pagecache.changed("article:1")
        refused = urllib.error.URLError("refused")
        with (
            mock.patch.object(purges.urllib.request, "urlopen", side_effect=refused),
            self.assertRaises(urllib.error.URLError),
        ):
            purges.send.call()
        self.assertEqual(queued(), ["article:1"])


@override_settings(CARNET_PURGE_URL=PURGE_URL, TASKS=QUEUE)
class RollbackTests(TransactionTestCase):
    def test_a_change_rolled_back_queues_nothing(self):
        with transaction.atomic():
            pagecache.changed("article:1")
            transaction.set_rollback(True)
        self.assertEqual(queued(), [])
