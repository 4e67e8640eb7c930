"""A real Varnish, with config/varnish.vcl, keeps Carnet's pages and forgets exactly
those a change touched, told by Carnet's purges (sitewide/purges.py).

Marked `varnish`: it starts Debian's varnishd (apt install varnish varnish-modules)
and is skipped where it is not installed.
"""

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.test import LiveServerTestCase, override_settings

from comments.models import Comment
from sitewide import pagecache
from sitewide.cache import cache
from sitewide.models import PendingPurge, SiteSettings
from tests.base import make_article, make_comment, make_moderator

ROOT = Path(__file__).resolve().parents[1]
# Within the ports this project's tests use.
CARNET_PORT, VARNISH_PORT = 8176, 8177
VARNISH = f"http://127.0.0.1:{VARNISH_PORT}"

pytestmark = [
    pytest.mark.varnish,
    pytest.mark.skipif(not shutil.which("varnishd"), reason="Debian's varnishd is absent"),
]


def get(path: str) -> tuple[str, str]:
    """The page through Varnish: its text, and where Varnish found it."""
    with urllib.request.urlopen(VARNISH + path, timeout=10) as response:
        return response.read().decode(), response.headers["Cache-Status"]


def soon(path: str, text: str, seconds: float = 5) -> tuple[str, str]:
    """The page through Varnish once it shows `text`: a purge is soft, and the reader
    who comes first after it may get the old page while Varnish asks Carnet again."""
    deadline = time.monotonic() + seconds
    while True:
        page, status = get(path)
        if text in page or time.monotonic() > deadline:
            return page, status
        time.sleep(0.05)


@override_settings(
    ALLOWED_HOSTS=["*"], CARNET_PURGE_URL=VARNISH + "/", CARNET_PAGE_STALE_SERVE_SECONDS=10
)
class VarnishTests(LiveServerTestCase):
    host = "127.0.0.1"
    port = CARNET_PORT

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = tempfile.TemporaryDirectory()
        Path(cls.workdir.name).chmod(0o755)  # varnishd's child runs as its own user
        vcl = Path(cls.workdir.name) / "carnet.vcl"
        vcl.write_text(
            (ROOT / "config" / "varnish.vcl")
            .read_text()
            .replace('.port = "8000";', f'.port = "{CARNET_PORT}";')
        )
        cls.varnish = subprocess.Popen(
            ["varnishd", "-F", "-n", f"{cls.workdir.name}/varnish", "-f", str(vcl)]
            + ["-a", f"127.0.0.1:{VARNISH_PORT}", "-s", "malloc,32m"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(urllib.request.Request(VARNISH, method="PURGE"))
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.varnish.terminate()
        cls.varnish.wait(timeout=10)
        cls.workdir.cleanup()
        super().tearDownClass()

    def hits_for_miss(self) -> int:
        """How many requests Varnish sent on to Carnet for a page it had marked uncacheable."""
        shown = subprocess.run(
            [
                "varnishstat",
                "-n",
                f"{self.workdir.name}/varnish",
                "-1",
                "-f",
                "MAIN.cache_hitmiss",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        self.assertEqual(shown[0], "MAIN.cache_hitmiss")
        return int(shown[1])

    def setUp(self):
        SiteSettings.load()
        self.a = make_article(slug="a", title="Article A")
        self.b = make_article(slug="b", title="Article B")

    def test_a_change_reaches_varnish_which_forgets_only_what_shows_it(self):
        for path in ["/articles/a/", "/articles/b/"]:
            self.assertIn("Varnish; fwd=miss", get(path)[1])
            self.assertIn("Varnish; hit", get(path)[1])
        comment = make_comment(article=self.a, status=Comment.Status.PENDING, body="Bravo !")
        Comment.objects.filter(pk=comment.pk).approve(by=make_moderator())
        # Sent at the commit (the tests' queue runs tasks at once), nothing left queued.
        self.assertFalse(PendingPurge.objects.exists())
        # Served stale at once (in grace) while Varnish asks Carnet again, never waited for.
        self.assertIn("Varnish; hit; detail=stale", get("/articles/a/")[1])
        self.assertIn("Bravo", soon("/articles/a/", "Bravo")[0])
        # Then kept by Varnish again.
        page, status = get("/articles/a/")
        self.assertIn("Bravo", page)
        self.assertTrue(status.endswith("Varnish; hit"), status)
        self.assertTrue(get("/articles/b/")[1].endswith("Varnish; hit"))

    @override_settings(CARNET_FRAGMENT_CACHE=True, CARNET_PAGE_CACHE=True)
    def test_a_count_reaches_varnish_filled_in_by_carnet_without_a_render(self):
        # Its own address: the front page as the tests before left it.
        path = "/?count"
        self.assertIn("Varnish; fwd=miss", get(path)[1])
        comment = make_comment(article=self.a, status=Comment.Status.PENDING, body="Bravo !")
        Comment.objects.filter(pk=comment.pk).approve(by=make_moderator())
        page, status = soon(path, 'a/#comments">1 commentaire</a>')
        self.assertIn('a/#comments">1 commentaire</a>', page)
        # Purged by the count's tag, asked again, answered from Carnet's copy refilled.
        self.assertIn("Carnet; hit; detail=refilled", status)
        self.assertTrue(get(path)[1].endswith("Varnish; hit"))

    def test_a_copy_carnet_served_stale_is_not_kept_past_its_render(self):
        # Its own address: Varnish keeps what the tests before read at /articles/a/.
        article = make_article(slug="stale-in-carnet", title="Stale in Carnet")
        path = article.get_absolute_url()
        self.assertIn("Varnish; fwd=miss", get(path)[1])
        # Carnet renders another stale page meanwhile, for longer than a reader waits.
        cache.add(pagecache.REVALIDATING, 1, 30)
        with mock.patch.object(pagecache, "STALE_WAIT_SECONDS", 3600):
            comment = make_comment(article=article, status=Comment.Status.PENDING, body="Bravo")
            Comment.objects.filter(pk=comment.pk).approve(by=make_moderator())
            # Varnish asks again every second: Carnet answers its stale copy, or a 304
            # to Varnish's If-None-Match when that copy is the one Varnish has (then
            # Varnish's headers stay those of its copy, without "detail=stale").
            statuses, hits_for_miss = [], self.hits_for_miss()
            for _ in range(30):
                page, status = get(path)
                self.assertNotIn("Bravo", page)
                statuses.append(status)
                time.sleep(0.1)
            # Kept a second each time, not made a "hit-for-miss", where every reader's
            # request would go to Carnet for two minutes.
            self.assertEqual(self.hits_for_miss(), hits_for_miss, statuses)
            cache.delete(pagecache.REVALIDATING)
            # Varnish kept Carnet's stale copy a second, not the hours of a fresh one.
            self.assertIn("Bravo", soon(path, "Bravo")[0])

    def test_varnish_keeps_pages_as_long_as_carnet_and_hides_the_tags(self):
        with urllib.request.urlopen(VARNISH + "/articles/b/", timeout=10) as response:
            self.assertIn("s-maxage=", response.headers["Cache-Control"])
            self.assertIsNone(response.headers["xkey"])
            self.assertIsNone(response.headers["Surrogate-Key"])

    def test_a_reader_with_a_cookie_of_carnets_is_never_answered_from_it(self):
        request = urllib.request.Request(
            VARNISH + "/articles/b/", headers={"Cookie": "carnet_commenter=x"}
        )
        for _ in range(2):
            with urllib.request.urlopen(request, timeout=10) as response:
                self.assertEqual(response.headers["Cache-Control"], "private")
                self.assertIn("Varnish; fwd=miss", response.headers["Cache-Status"])

    def test_an_entry_edit_makes_varnish_forget_its_own_range_only(self):
        from tests.blog.test_live import NEXT, OLD, at, make_entry

        self.a.live_since = at(OLD)
        self.a.save()
        make_entry(self.a, "<p>Old entry.</p>", published_at=at(OLD, 10))
        new = make_entry(self.a, "<p>Next entry.</p>", published_at=at(NEXT, 10))
        ranges = [f"/live/{self.a.pk}/{OLD}/", f"/live/{self.a.pk}/{NEXT}/"]
        for path in ranges:
            self.assertIn("Varnish; fwd=miss", get(path)[1])
            self.assertIn("Varnish; hit", get(path)[1])
        new.body = "<p>Next entry, corrected.</p>"
        new.save()
        self.assertFalse(PendingPurge.objects.exists())
        self.assertIn("Varnish; hit; detail=stale", get(ranges[1])[1])
        self.assertIn("corrected", soon(ranges[1], "corrected")[0])
        self.assertTrue(get(ranges[0])[1].endswith("Varnish; hit"))
        self.assertIn("Old entry.", get(ranges[0])[0])
