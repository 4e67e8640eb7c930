import runpy
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

CONFIG = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"


class GunicornConfigTests(SimpleTestCase):
    def test_the_access_log_leaves_query_strings_out(self):
        # A moderator's admin search (?q=reader@example.org) must not reach the logs.
        log_format = runpy.run_path(str(CONFIG))["access_log_format"]
        self.assertIn("%(U)s", log_format)
        for with_query in ("%(r)s", "%(q)s", "%({raw_uri})e"):
            self.assertNotIn(with_query, log_format)
