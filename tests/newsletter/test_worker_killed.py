"""A worker killed in the middle of a 1,000-subscriber send, then started again:
every subscriber gets the issue exactly once.

Real processes throughout: `db_worker` in a process of its own, sending over SMTP to
aiosmtpd in this one, with a SQLite database file they share; SIGKILL, as the
system's out-of-memory killer or a pulled plug would stop it.

Batches of 50 keep the send's shape at 10,000 with the default 500: twenty batches,
killed in about the sixth, once a quarter is out. The proof does not grow with the count (a
copy is written down per message, whatever the batch); `make bench-newsletter
BENCH_ARGS="--subscribers 10000 --kill-at 0.25"` runs the same kill at full size on
PostgreSQL (docs/benchmarks.md).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from tests.newsletter import smtp_sink

ROOT = Path(settings.BASE_DIR)
SUBSCRIBERS = 1_000
BATCH_SIZE = 50
# Each process keeps its cache in memory, not in the checkout's var/cache.
SETUP = """
import django
from django.conf import settings
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
django.setup()
from django.core.management import call_command
"""
PREPARE = """
call_command("migrate", verbosity=0)
from django.utils import timezone
from blog.models import Article
from newsletter import sending
from newsletter.models import Subscriber
from tests.base import make_draft
now = timezone.now()
Subscriber.objects.bulk_create(
    Subscriber(email=f"reader{n}@example.org", confirmed_at=now) for n in range(%d)
)
article = make_draft(title="Exactly once")
article.status = Article.Status.PUBLISHED
article.save()
sending.queue_article(article)
"""
WORKER = (
    SETUP + 'call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1")'
)
SWEEP = SETUP + 'call_command("send_newsletters")'


class WorkerKilledTests(SimpleTestCase):
    def test_a_worker_killed_mid_send_then_restarted_sends_everyone_the_issue_once(self):
        port = smtp_sink.free_port()
        controller, sink = smtp_sink.start(port)
        self.addCleanup(controller.stop)
        directory = self.enterContext(tempfile.TemporaryDirectory())
        database = f"{directory}/newsletter.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "TASK_BACKEND": "database",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "false",
            "NEWSLETTER_BATCH_SIZE": str(BATCH_SIZE),
            "NEWSLETTER_RATE_PER_MINUTE": "0",
            "NEWSLETTER_STALL_SECONDS": "0",
        }
        # Into a file: a worker's log in a pipe nobody reads would stop it once full.
        log = self.enterContext(open(f"{directory}/log.txt", "w+"))  # noqa: SIM115
        run = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": log}
        prepared = subprocess.run(
            [sys.executable, "-c", SETUP + PREPARE % SUBSCRIBERS], **run, timeout=300
        )
        self.assertEqual(prepared.returncode, 0, self.tail(log))

        worker = subprocess.Popen([sys.executable, "-c", WORKER], **run)
        self.addCleanup(worker.kill)
        self.wait_for(lambda: len(sink.messages) >= SUBSCRIBERS // 4, worker, log)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = len(sink.messages)
        self.assertLess(killed_at, SUBSCRIBERS)  # in the middle, truly

        # What the Procfile's `newsletter` line does each minute, then a new worker.
        swept = subprocess.run([sys.executable, "-c", SWEEP], **run, timeout=120)
        self.assertEqual(swept.returncode, 0, self.tail(log))
        worker = subprocess.Popen([sys.executable, "-c", WORKER], **run)
        self.addCleanup(worker.kill)
        self.wait_for(lambda: self.state(database) == "sent", worker, log)
        worker.terminate()
        worker.wait(timeout=30)

        recipients = [message["To"] for message in sink.messages]
        self.assertEqual(len(recipients), SUBSCRIBERS)
        self.assertEqual(len(set(recipients)), SUBSCRIBERS)  # nobody twice, nobody left out
        with closing(sqlite3.connect(database)) as db:
            [(deliveries,)] = db.execute("SELECT count(*) FROM newsletter_delivery")
            [(sent, total)] = db.execute("SELECT sent, total FROM newsletter_issue")
        self.assertEqual((deliveries, sent, total), (SUBSCRIBERS,) * 3)

    def state(self, database: str) -> str:
        with closing(sqlite3.connect(database, timeout=20)) as db:
            return db.execute("SELECT state FROM newsletter_issue").fetchone()[0]

    def tail(self, log) -> str:
        log.seek(0)
        return log.read()[-3000:]

    def wait_for(self, condition, worker: subprocess.Popen, log, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if worker.poll() is not None:
                self.fail(f"the worker stopped: {self.tail(log)}")
            if time.monotonic() > deadline:
                self.fail("the send did not get there in time")
            time.sleep(0.05)
