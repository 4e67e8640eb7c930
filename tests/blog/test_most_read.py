"""Les plus lus: reads counted by a beacon into Redis, behind the page cache, and the
edition's most-read lists on the front page and the article pages.

On the Redis every test machine runs, in a database of their own (7): the other tests
on Redis (db 15) empty theirs between tests, which would drop pages and counts here
when both run at once.
"""

import datetime
import random
import re
import time
from unittest import mock

from django.test import Client, TestCase, override_settings
from django.utils import timezone

from blog import most_read
from blog.models import Article
from tests.base import make_article, make_draft, make_editor, make_scheduled
from tests.sitewide.test_redis import redis_cache

REDIS = redis_cache("redis://127.0.0.1:6379/7")
A_BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
BEACON = re.compile(r'data-count-read="(?P<url>[^"]+)" data-article="(?P<article>\d+)"')
LIST = re.compile(r'<section class="most-read".*?</section>', re.S)
HEADING = re.compile(r'<h3 class="most-read__heading">(.*?)</h3>')


def reader(address: str = "192.0.2.1") -> Client:
    """A reader's browser: no cookie, a browser's User-Agent."""
    return Client(HTTP_USER_AGENT=A_BROWSER, REMOTE_ADDR=address)


def read(client: Client, path: str) -> str:
    """Open an article's page and do what its script does: post the beacon it names."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    beacon = BEACON.search(page.content.decode())
    assert beacon, "the page names no beacon"
    counted = client.post(beacon["url"], {"article": beacon["article"]})
    assert counted.status_code == 204, counted.status_code
    return page["Cache-Status"]


def most_read_lists(page) -> dict[str, list[str]]:
    """The page's most-read lists: {heading: [titles]}, in their order."""
    section = LIST.search(page.content.decode())
    if section is None:
        return {}
    parts = HEADING.split(section.group())[1:]
    return {
        heading: re.findall(r"<li><a [^>]*>(.*?)</a></li>", titles)
        for heading, titles in zip(parts[::2], parts[1::2], strict=True)
    }


@override_settings(CACHES=REDIS, MOST_READ_PER_MINUTE=0)
class MostReadThroughThePageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = make_editor()
        cls.articles = [
            make_article(author=author, slug=f"story-{n}", title=f"Story {n}") for n in range(200)
        ]

    def test_two_hundred_articles_read_with_a_skewed_popularity_are_listed_in_that_order(self):
        # Story 0 is read 60 times, story 1 30 times, story 2 20 times…, each at least once
        # (Zipf), in a shuffled order, from a handful of readers.
        reads = [n for n in range(200) for _ in range(max(1, round(60 / (n + 1))))]
        random.Random(23).shuffle(reads)
        readers = [reader(f"192.0.2.{n}") for n in range(1, 6)]
        statuses = [read(readers[i % 5], f"/articles/story-{n}/") for i, n in enumerate(reads)]
        # Every read after an article's first came from the page cache, and was counted.
        self.assertEqual(statuses.count("Carnet; hit"), len(reads) - 200)

        # The list the pages show is rendered again every MOST_READ_SECONDS.
        with mock.patch("time.time", return_value=time.time() + 301):
            lists = most_read_lists(reader().get("/"))
        top = ["Story 0", "Story 1", "Story 2", "Story 3", "Story 4"]
        self.assertEqual(lists, {"Sur 24 heures": top, "Sur 7 jours": top})
        self.assertEqual(
            most_read.rankings("fr", (most_read.DAY,), 3)[most_read.DAY],
            [(self.articles[0].pk, 60), (self.articles[1].pk, 30), (self.articles[2].pk, 20)],
        )

    def test_the_article_page_fetches_its_editions_list_from_a_page_of_its_own(self):
        make_article(slug="in-english", title="In English", language="en")
        for _ in range(2):
            read(reader(), "/articles/story-7/")
        read(reader(), "/en/articles/in-english/")
        later = time.time() + 301  # once the lists rendered with the first reads are due
        with mock.patch("time.time", return_value=later):
            article = reader().get("/articles/story-1/")
            # The story names where its script finds the list, and links there without it.
            self.assertEqual(most_read_lists(article), {})
            self.assertContains(article, 'data-most-read="/most-read/"')
            self.assertContains(article, '<a href="/most-read/">Les plus lus</a>')
            self.assertEqual(
                most_read_lists(reader().get("/most-read/")),
                {"Sur 24 heures": ["Story 7"], "Sur 7 jours": ["Story 7"]},
            )
            # The English edition counts its own readers.
            self.assertContains(
                reader().get("/en/articles/story-1/"), 'data-most-read="/en/most-read/"'
            )
            page = reader().get("/en/most-read/")
        self.assertEqual(
            most_read_lists(page),
            {"Last 24 hours": ["In English"], "Last 7 days": ["In English"]},
        )
        self.assertContains(page, '<li><a href="/en/articles/in-english/">In English</a></li>')
        self.assertContains(page, '<meta name="robots" content="noindex">')

    def test_the_list_is_a_little_stale_then_rendered_again(self):
        read(reader(), "/articles/story-1/")
        for _ in range(2):
            first = reader().get("/")
        self.assertEqual(first["Cache-Status"], "Carnet; hit")
        self.assertEqual(most_read_lists(first)["Sur 24 heures"], ["Story 1"])
        for _ in range(2):
            read(reader(), "/articles/story-2/")
        # Kept: the new reads show at the next rendering, not at each read.
        self.assertEqual(most_read_lists(reader().get("/"))["Sur 24 heures"], ["Story 1"])
        with mock.patch("time.time", return_value=time.time() + 301):
            later = reader().get("/")
        self.assertEqual(most_read_lists(later)["Sur 24 heures"], ["Story 2", "Story 1"])

    @override_settings(CARNET_PURGE_URL="http://127.0.0.1:6081/")
    def test_caches_in_front_keep_the_pages_that_show_it_no_longer_than_the_list(self):
        read(reader(), "/articles/story-1/")

        def s_maxage(path: str) -> int:
            cache_control = reader().get(path)["Cache-Control"]
            return int(re.search(r"s-maxage=(\d+)", cache_control).group(1))

        for path in ["/", "/most-read/"]:
            with self.subTest(path=path):
                self.assertLessEqual(s_maxage(path), 300)
        # The story fetches the list: it is kept until it changes, like any page.
        self.assertGreater(s_maxage("/articles/story-3/"), 3600)

    def test_an_unpublished_article_leaves_the_list_at_its_next_rendering(self):
        read(reader(), "/articles/story-1/")
        read(reader(), "/articles/story-2/")
        Article.objects.filter(slug="story-1").update(status=Article.Status.DRAFT)
        with mock.patch("time.time", return_value=time.time() + 301):
            self.assertEqual(most_read_lists(reader().get("/"))["Sur 24 heures"], ["Story 2"])

    def test_the_day_and_the_week_are_windows_of_hours(self):
        day_before = timezone.now() - datetime.timedelta(hours=30)
        long_ago = timezone.now() - datetime.timedelta(days=8)
        with mock.patch("blog.most_read.timezone.now", return_value=day_before):
            for _ in range(3):
                most_read.count("fr", self.articles[3].pk)
        with mock.patch("blog.most_read.timezone.now", return_value=long_ago):
            most_read.count("fr", self.articles[4].pk)
        most_read.count("fr", self.articles[5].pk)
        self.assertEqual(
            most_read_lists(reader().get("/")),
            {"Sur 24 heures": ["Story 5"], "Sur 7 jours": ["Story 3", "Story 5"]},
        )

    def test_both_lists_cost_one_query(self):
        most_read.count("fr", self.articles[1].pk)
        most_read.count("fr", self.articles[2].pk)
        most_read.count("fr", self.articles[2].pk)
        # The listed articles of both windows.
        with self.assertNumQueries(1):
            lists = most_read.lists("fr")
        story_2_then_1 = [self.articles[2], self.articles[1]]
        self.assertEqual(lists, [(24, story_2_then_1), (168, story_2_then_1)])

    def test_nothing_about_the_reader_is_kept_or_set(self):
        response = reader().post("/read/", {"article": self.articles[0].pk})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.cookies, {})
        self.assertIn("no-store", response["Cache-Control"])


@override_settings(CACHES=REDIS, MOST_READ_PER_MINUTE=3)
class CountEndpointTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="counted")
        cls.draft = make_draft(slug="a-draft")
        cls.scheduled = make_scheduled(slug="a-scheduled-one")

    def counts(self) -> list[tuple[int, int]]:
        return most_read.rankings("fr", (most_read.DAY,), 10)[most_read.DAY]

    def test_a_read_is_one_query_and_counted(self):
        # Whether the article is published.
        with self.assertNumQueries(1):
            response = reader().post("/read/", {"article": self.article.pk})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.counts(), [(self.article.pk, 1)])

    def test_bots_are_not_counted(self):
        for user_agent in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0)",
            "facebookexternalhit/1.1",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0",
            "python-requests/2.32",
            "curl/8.5.0",
            "",
        ]:
            with self.subTest(user_agent=user_agent):
                response = Client(HTTP_USER_AGENT=user_agent).post(
                    "/read/", {"article": self.article.pk}
                )
                self.assertEqual(response.status_code, 204)
        self.assertEqual(self.counts(), [])

    def test_bad_input_is_refused_and_not_counted(self):
        self.assertEqual(reader().get("/read/").status_code, 405)
        for value in ["", "abc", "-1", "1.5", "١", "9" * 19, f"{self.article.pk} "]:
            with self.subTest(value=value):
                self.assertEqual(reader().post("/read/", {"article": value}).status_code, 400)
        self.assertEqual(reader().post("/read/").status_code, 400)
        for pk in [self.draft.pk, self.scheduled.pk, 10**12]:
            with self.subTest(pk=pk):
                self.assertEqual(reader().post("/read/", {"article": pk}).status_code, 404)
        self.assertEqual(self.counts(), [])

    def test_a_cross_site_post_is_refused(self):
        response = reader().post(
            "/read/", {"article": self.article.pk}, HTTP_SEC_FETCH_SITE="cross-site"
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.counts(), [])

    def test_a_flood_from_one_address_is_refused(self):
        flooder, other = reader("198.51.100.7"), reader("203.0.113.9")
        statuses = [flooder.post("/read/", {"article": self.article.pk}) for _ in range(5)]
        self.assertEqual([r.status_code for r in statuses], [204, 204, 204, 429, 429])
        self.assertEqual(statuses[-1]["Retry-After"], "60")
        self.assertEqual(other.post("/read/", {"article": self.article.pk}).status_code, 204)
        self.assertEqual(self.counts(), [(self.article.pk, 4)])
        # The limit is kept under a keyed hash of the address, never the address.
        keys = b" ".join(most_read._redis().keys("*"))
        self.assertNotIn(b"198.51.100.7", keys)
        self.assertIn(b"most-read:flood:", keys)

    def test_an_ipv6_reader_is_limited_by_its_network(self):
        for n in range(4):
            response = reader(f"2001:db8:1:2::{n + 1}").post(
                "/read/", {"article": self.article.pk}
            )
        self.assertEqual(response.status_code, 429)


@override_settings(CACHES=redis_cache("redis://127.0.0.1:1/0"))
class RedisDownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="read-anyway", title="Read anyway")

    def test_counting_fails_quietly_and_the_list_is_left_out(self):
        # Redis is asked once (each wait costs a worker its timeout), then given up.
        with self.assertLogs("blog.most_read", level="WARNING") as logs:
            response = reader().post("/read/", {"article": self.article.pk})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(len(logs.records), 1)
        with self.assertLogs("blog.most_read", level="WARNING") as logs:
            front = reader().get("/")
        self.assertEqual(len(logs.records), 1)
        self.assertContains(front, "Read anyway")
        self.assertNotContains(front, "most-read")


class WithoutRedisTests(TestCase):
    """The tests' memory cache, as `make run`'s file cache: nothing counted, no list."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="uncounted")

    def test_the_page_asks_for_no_count_and_shows_no_list(self):
        article = reader().get("/articles/uncounted/")
        self.assertNotContains(article, "data-count-read")
        self.assertNotContains(article, "most-read")
        self.assertNotContains(reader().get("/"), "most-read")
        self.assertEqual(reader().get("/most-read/").status_code, 404)
        response = reader().post("/read/", {"article": self.article.pk})
        self.assertEqual(response.status_code, 204)
