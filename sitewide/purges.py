"""Telling the shared cache in front (Varnish with xkey, docs/deploy.md) what changed.

With PURGE_URL set, every change the page cache is told of (sitewide.pagecache)
queues the tags it touched, one row per tag in the change's own transaction, and a
task that runs a second later sends every tag queued by then in one PURGE request:
the shared cache forgets the pages that named one of them in their `xkey` header.
A tag touched by a hundred changes in that second is sent once. Changes that roll
back queue nothing; a purge that fails stays queued for the next batch.
"""

import datetime
import logging
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

from sitewide.models import PendingPurge

logger = logging.getLogger(__name__)

# Tags in one request: Varnish reads request headers of 8 KB by default.
BATCH = 200
# How long a batch gathers the changes that follow the first.
DELAY = datetime.timedelta(seconds=1)


def queue(tags: Iterable[str]) -> None:
    """Queue these tags for the shared cache; call inside the change's transaction."""
    if not settings.CARNET_PURGE_URL:
        return
    PendingPurge.objects.bulk_create(
        [PendingPurge(tag=tag) for tag in sorted(set(tags))], ignore_conflicts=True
    )
    if default_task_backend.supports_defer:
        # Stored in the same transaction: the worker sees it once the rows are committed.
        send.using(run_after=timezone.now() + DELAY).enqueue()
    else:
        # Run at once (TASK_BACKEND=immediate): after the commit, or it would purge
        # before the change is visible, and the shared cache would keep the old page.
        transaction.on_commit(send.enqueue, robust=True)


@task
def send() -> None:
    """Send the shared cache every tag queued so far, in batches; a batch that fails
    stays queued (the task's error is recorded, and the next change sends it again)."""
    while True:
        with transaction.atomic():
            pending = list(PendingPurge.objects.select_for_update().order_by("pk")[:BATCH])
            if not pending:
                return
            tags = [row.tag for row in pending]
            request = urllib.request.Request(
                settings.CARNET_PURGE_URL, method="PURGE", headers={"xkey-purge": " ".join(tags)}
            )
            with urllib.request.urlopen(request, timeout=5):
                pass
            PendingPurge.objects.filter(pk__in=[row.pk for row in pending]).delete()
        logger.info("Purged %d tags from the shared cache", len(tags))
