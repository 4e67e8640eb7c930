import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

# Run in a process of its own: importing config.wsgi freezes the collector's view of
# everything that process made, as gunicorn's master does before forking its workers.
AFTER_IMPORT = """
import gc
import config.wsgi
from django.urls import resolvers, reverse
from django.utils import translation

built = []
populate = resolvers.URLResolver._populate
resolvers.URLResolver._populate = lambda self: built.append(self) or populate(self)
for code in ("fr", "en"):
    with translation.override(code):
        reverse("admin:index")
        reverse("blog:home")
        reverse("accounts:contact", kwargs={"slug": "someone"})
        reverse("pages:page", kwargs={"slug": "about"})
print(len(built), gc.get_freeze_count() > 1000, gc.isenabled())
"""


class WsgiTests(SimpleTestCase):
    def test_workers_fork_with_the_url_indexes_built_and_the_masters_objects_frozen(self):
        # Each worker built the indexes on its first request, and its first full
        # collection scanned every object of the master: 100 ms of CPU each, the slow 1%
        # of bench/scale.py (docs/scale.md).
        result = subprocess.run(
            [sys.executable, "-c", AFTER_IMPORT],
            cwd=Path(settings.BASE_DIR),
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        # Nothing left to index in either language; the collector still on for the rest.
        self.assertEqual(result.stdout.split(), ["0", "True", "True"])
