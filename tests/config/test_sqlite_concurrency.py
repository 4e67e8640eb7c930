"""SQLite under several writer processes, as with several gunicorn workers."""

import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
# Each process keeps its cache in memory, not in the checkout's var/cache.
SETUP = """
import django
from django.conf import settings
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
django.setup()
"""
MIGRATE = (
    SETUP + "from django.core.management import call_command; call_command('migrate', verbosity=0)"
)
WRITER = """
from django.db import transaction
from blog.models import Category
for n in range({count}):
    with transaction.atomic():
        # Read then write in one transaction: the pattern that deadlocks on
        # SQLite's default deferred transactions.
        Category.objects.filter(slug__startswith="w{worker}-").count()
        slug = "w{worker}-" + str(n)
        Category.objects.create(name=slug, slug=slug)
"""


class SQLiteWritersTests(SimpleTestCase):
    def test_it_keeps_every_write_from_concurrent_processes(self):
        workers, count = 4, 40
        with tempfile.TemporaryDirectory() as directory:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{directory}/concurrent.sqlite3",
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DEBUG": "1",
            }
            subprocess.run([sys.executable, "-c", MIGRATE], cwd=ROOT, env=env, check=True)
            processes = [
                subprocess.Popen(
                    [sys.executable, "-c", SETUP + WRITER.format(count=count, worker=worker)],
                    cwd=ROOT,
                    env=env,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for worker in range(workers)
            ]
            errors = [p.communicate(timeout=120)[1] for p in processes]
            self.assertEqual([p.returncode for p in processes], [0] * workers, errors)
            total = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    SETUP + "from blog.models import Category; print(Category.objects.count())",
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            self.assertEqual(total, str(workers * count))
            with closing(sqlite3.connect(f"{directory}/concurrent.sqlite3")) as db:
                self.assertEqual(db.execute("PRAGMA journal_mode").fetchone(), ("wal",))
