"""Every public page of the demo is valid HTML, and every feed parses.

The pages go to the W3C Nu HTML checker (the vnu-jar npm package, `npm ci` installs it;
`make test` does) in one java run; the feeds to feedparser, which flags ill-formed XML.
"""

import datetime
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
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from blog import live, most_read
from blog.models import Article
from demo.content import SEED_SLUG, TRANSLATED_PAIR
from sitewide.models import SiteSettings
from tests.base import TemporaryMediaMixin, make_article, make_subscriber
from tests.blog.test_live import make_entry
from tests.blog.test_most_read import REDIS

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


def nu_errors(pages: dict[str, bytes]) -> list[str]:
    """The Nu checker's errors on these pages ({path: HTML}), each named by its path."""
    folder = tempfile.mkdtemp(prefix="carnet-vnu-")
    try:
        names = {}
        for number, (path, content) in enumerate(pages.items()):
            names[f"page-{number:03d}.html"] = path
            pathlib.Path(folder, f"page-{number:03d}.html").write_bytes(content)
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", folder],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{names.get(pathlib.Path(m.get('url', '')).name, m.get('url'))} "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
    ]


@override_settings(CACHES=REDIS, MOST_READ_PER_MINUTE=0)
class NewsPagesValidHtmlTests(TestCase):
    """The news tools' pages the demo does not hold: a live story with its entries (pinned,
    edited, an embed), its polling range, the most-read page, and the newsletter's
    refusals and answers."""

    def test_the_nu_html_checker_finds_no_error_on_the_news_pages(self):
        if shutil.which("java") is None or not VNU_JAR.exists():
            self.skipTest("needs java and node_modules/vnu-jar (run `npm ci`)")
        SiteSettings.load()
        story = make_article(
            slug="soiree-electorale", live_since=timezone.now() - datetime.timedelta(hours=1)
        )
        make_entry(story, "<p>Premiers résultats.</p>", pinned=True)
        make_entry(story, "<p>Une vidéo.</p>", embed_url="https://youtu.be/dQw4w9WgXcQ")
        edited = make_entry(story, "<p>Corrigée.</p>")
        edited.edited_at = timezone.now()
        edited.save()
        most_read.count("fr", story.pk)
        most_read.count("en", make_article(slug="night", language="en").pk)
        subscriber = make_subscriber()
        start = live.range_start(timezone.now())
        answers = {
            story.get_absolute_url(): 200,
            "/most-read/": 200,
            "/en/most-read/": 200,
            "/newsletter/manage/altered/": 400,
            "/en/newsletter/unsubscribe/altered/": 400,
        }
        pages = {}
        for path, status in answers.items():
            response = Client().get(path)
            self.assertEqual(response.status_code, status, path)
            pages[path] = response.content
        # The polling range is a fragment the page's script inserts: checked in a page.
        fragment = Client().get(f"/live/{story.pk}/{start}/")
        self.assertEqual(fragment.status_code, 200)
        shell = b'<!DOCTYPE html><html lang="fr"><title>Direct</title><main>%s</main></html>'
        pages["live range"] = shell % fragment.content
        refused = Client().post(subscriber.manage_url(), {"rhythm": "hourly"})
        self.assertEqual(refused.status_code, 400)
        pages["manage, refused"] = refused.content
        sign_up = Client().post("/newsletter/", {"email": "not an address", "rhythm": "each"})
        self.assertEqual(sign_up.status_code, 400)
        pages["sign-up, refused"] = sign_up.content
        erased = Client().post(f"{subscriber.manage_url()}erase/")
        self.assertEqual(erased.status_code, 200)
        pages["erased"] = erased.content
        self.assertEqual(nu_errors(pages), [])
