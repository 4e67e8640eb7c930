"""Every public page of the demo is valid HTML, and every feed parses.

The pages go to the W3C Nu HTML checker (the vnu-jar npm package, `npm ci` installs it;
`make test` does) in one java run; the feeds to feedparser, which flags ill-formed XML.
"""

import json
import os
import pathlib
import shutil
import subprocess
import tempfile
from io import StringIO
from unittest import mock

import feedparser
from django.core.management import call_command
from django.test import TestCase

from blog.models import Article
from demo.content import SEED_SLUG, TRANSLATED_PAIR
from tests.base import TemporaryMediaMixin, make_subscriber

ROOT = pathlib.Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def load_demo() -> None:
    """The demo, with enough generated articles for a second page of results."""
    with mock.patch.dict(os.environ, {"CARNET_DEMO_PASSWORD": "demo-password-for-tests"}):
        call_command("load_demo", "--articles", "12", stdout=StringIO(), stderr=StringIO())


class DemoTestCase(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.seed = Article.objects.get(slug=SEED_SLUG)

    def public_paths(self) -> list[str]:
        """Every kind of public page, in French; each is checked in English too."""
        month = self.seed.published_at
        tag = self.seed.tags.order_by("slug").first()
        subscriber = make_subscriber(confirmed_at=None)
        paths = [
            "/",
            f"/articles/{SEED_SLUG}/",
            self.seed.category.get_absolute_url(),
            f"/tag/{tag.slug}/",
            self.seed.author.get_absolute_url(),
            f"{self.seed.author.get_absolute_url()}contact/",
            # The pages of a commenter's emailed links.
            "/comments/manage/",
            "/comments/manage/open/",
            "/comments/confirm/",
            # The newsletter's sign-up page and its answer, and the pages its links open.
            "/newsletter/",
            "/newsletter/sent/",
            subscriber.confirm_url(),
            subscriber.manage_url(),
            f"{subscriber.manage_url()}erase/",
            subscriber.unsubscribe_url(),
            f"/archive/{month.year}/",
            f"/archive/{month.year}/{month.month}/",
            "/archive/",
            "/tag/",
            "/corrections/",
            "/pages/a-propos/",
            "/search/",
            "/search/?q=elections",
            "/search/?q=terrain&page=2",
            "/search/?q=xylophone",
            "/no-such-page/",
        ]
        # A translated article in its own edition only: the other's address redirects.
        translations = [
            ("/en" if article["language"] == "en" else "") + f"/articles/{article['slug']}/"
            for article in TRANSLATED_PAIR
        ]
        return paths + ["/en" + path for path in paths] + translations


class ValidHtmlTests(DemoTestCase):
    def test_the_nu_html_checker_finds_no_error_on_any_public_page(self):
        java = shutil.which("java")
        if java is None or not VNU_JAR.exists():
            self.skipTest(
                "needs java and node_modules/vnu-jar (run `npm ci`, as `make test` does)"
            )
        pages = tempfile.mkdtemp(prefix="carnet-vnu-")
        self.addCleanup(shutil.rmtree, pages, ignore_errors=True)
        names = {}
        for number, path in enumerate(self.public_paths()):
            response = self.client.get(path)
            expected = 404 if "no-such-page" in path else 200
            self.assertEqual(response.status_code, expected, path)
            name = f"page-{number:03d}.html"
            names[name] = path
            pathlib.Path(pages, name).write_bytes(response.content)
        result = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", pages],
            capture_output=True,
            text=True,
            timeout=300,
        )
        messages = json.loads(result.stderr or '{"messages": []}')["messages"]
        errors = [
            f"{names.get(pathlib.Path(m.get('url', '')).name, m.get('url'))} "
            f"line {m.get('lastLine')}: {m['message']}"
            for m in messages
        ]
        self.assertEqual(errors, [])
        self.assertEqual(result.returncode, 0, result.stderr)


class FeedTests(DemoTestCase):
    def test_every_feed_parses_cleanly(self):
        tag = self.seed.tags.order_by("slug").first()
        feeds = [
            "/feed/",
            "/feed/atom/",
            "/feed/comments/",
            f"{self.seed.category.get_absolute_url()}feed/",
            f"/tag/{tag.slug}/feed/",
            f"{self.seed.author.get_absolute_url()}feed/",
            "/corrections/feed/",
            "/corrections/feed/atom/",
        ]
        for path in feeds + ["/en" + path for path in feeds]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                parsed = feedparser.parse(response.content)
                self.assertFalse(parsed.bozo, parsed.get("bozo_exception"))
                self.assertTrue(parsed.feed.get("title"))
                self.assertTrue(parsed.entries)
