"""The secrets of emailed links stay out of every log: gunicorn's access log (Carnet's
format and gunicorn's own default), Django's request logging, and every other logger."""

import datetime
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core import mail
from django.test import TestCase
from gunicorn.config import AccessLogFormat, Config
from gunicorn.glogging import Logger, SafeAtoms

from sitewide.models import SiteSettings
from tests.base import make_article
from tests.comments.helpers import emailed_links, post_comment

CARNET_FORMAT = runpy.run_path(str(Path(settings.BASE_DIR) / "config/gunicorn.conf.py"))[
    "access_log_format"
]


def access_log_lines(response) -> list[str]:
    """The lines gunicorn would write for the request that got this response."""
    environ = dict(response.request)
    query = environ.get("QUERY_STRING", "")
    environ.update(
        REMOTE_ADDR="203.0.113.7",
        SERVER_PROTOCOL="HTTP/1.1",
        RAW_URI=environ["PATH_INFO"] + (f"?{query}" if query else ""),
        HTTP_REFERER=response.request.get("HTTP_REFERER", "-"),
    )
    resp = SimpleNamespace(
        status=str(response.status_code), sent=len(response.content), headers=response.items()
    )
    gunicorn_log = Logger(Config())
    atoms = SafeAtoms(gunicorn_log.atoms(resp, [], environ, datetime.timedelta(0)))
    return [fmt % atoms for fmt in (CARNET_FORMAT, AccessLogFormat.default)]


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


class TokensOutOfLogsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="logged")

    def test_no_log_line_holds_a_confirmation_or_manage_secret(self):
        with self.captureOnCommitCallbacks(execute=True):
            post_comment(self.client, self.article, email="logged@example.org", notify="on")
            self.client.post("/comments/manage/", {"email": "logged@example.org"})
        kinds = {"confirm": 0, "manage": 0}
        recorder, root = Recorder(), logging.getLogger()
        root.addHandler(recorder)
        old_level, root.level = root.level, logging.DEBUG
        try:
            lines, secrets = [], []
            for message in mail.outbox:
                for kind in kinds:
                    for link in emailed_links(message, kind):
                        kinds[kind] += 1
                        path, _, secret = link.partition("#")
                        self.assertGreater(len(secret), 40, link)
                        secrets.append(secret)
                        browser = self.client_class()
                        # Every request of the journey: the page, the post, what follows.
                        journey = [browser.get(path), browser.post(path, {"token": secret})]
                        if kind == "confirm":
                            journey.append(browser.post(path, {"token": secret, "confirm": "1"}))
                        else:
                            journey.append(browser.get(journey[-1]["Location"]))
                        self.assertEqual([r.status_code for r in journey][-1], 200)
                        for response in journey:
                            lines += access_log_lines(response)
                        bad = browser.post(path, {"token": secret[:-3] + "xyz"})
                        self.assertEqual(bad.status_code, 400)
                        lines += access_log_lines(bad)
        finally:
            root.removeHandler(recorder)
            root.level = old_level
        self.assertEqual(kinds, {"confirm": 1, "manage": 2})
        self.assertTrue(recorder.lines)  # the loggers did speak
        self.assertTrue(any("/comments/manage/open/" in line for line in lines))
        for secret in secrets:
            for line in lines + recorder.lines:
                self.assertNotIn(secret, line)
                self.assertNotIn(secret[:20], line)
