"""Live coverage: entries apart from the article, shown newest first (pinned on top), a
badge while it runs, LiveBlogPosting structured data, and the polling ranges that caches
keep and that an entry's edit forgets one at a time."""

import datetime
import json
import re
import time
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from blog import live
from blog.models import Article, LiveEntry
from sitewide import languages
from sitewide.models import PendingPurge, SiteSettings
from tests.base import (
    make_article,
    make_contributor,
    make_draft,
    make_editor,
    make_moderator,
    sign_in,
)
from tests.test_cache_tags import kept

RANGE = 60
NOW = timezone.now()
# The start of the range two hours ago, and of the one after it.
OLD = live.range_start(NOW - datetime.timedelta(hours=2))
NEXT = OLD + RANGE


def at(start: int, seconds: int = 0) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(start + seconds, tz=datetime.UTC)


def make_entry(article: Article, body: str = "<p>Entry.</p>", **overrides) -> LiveEntry:
    """An entry of a running coverage; `published_at` in the past is also when it was
    last changed, as if nobody touched it since."""
    entry = LiveEntry.objects.create(
        article=article, body=body, author=overrides.pop("author", article.author), **overrides
    )
    if "published_at" in overrides:
        LiveEntry.objects.filter(pk=entry.pk).update(updated_at=entry.published_at)
        entry.refresh_from_db()
    return entry


def make_live_article(**overrides) -> Article:
    return make_article(live_since=at(OLD), **overrides)


def json_ld(response) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(found.group(1))


@override_settings(CARNET_LIVE_RANGE_SECONDS=RANGE)
class LiveEntryModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_live_article(language="fr")

    def test_an_article_is_live_while_started_and_not_ended(self):
        self.assertFalse(Article(live_since=None).is_live)
        self.assertTrue(Article(live_since=NOW).is_live)
        self.assertFalse(Article(live_since=NOW, live_ended_at=NOW).is_live)
        self.assertTrue(Article(live_since=NOW, live_ended_at=NOW).has_live_coverage)

    def test_start_and_end(self):
        article = make_article()
        article.start_live()
        self.assertTrue(Article.objects.get(pk=article.pk).is_live)
        article.end_live()
        stored = Article.objects.get(pk=article.pk)
        self.assertFalse(stored.is_live)
        self.assertIsNotNone(stored.live_ended_at)

    def test_the_body_is_sanitised_by_the_one_module_with_french_spacing(self):
        entry = make_entry(
            self.article,
            '<p onclick="x()">Résultats : <script>alert(1)</script>premiers chiffres !</p>',
        )
        self.assertNotIn("script", entry.body_html)
        self.assertNotIn("onclick", entry.body)
        self.assertIn("Résultats\u00a0: premiers chiffres\u202f!", entry.body_html)

    def test_an_embed_is_rebuilt_from_its_address(self):
        entry = make_entry(
            self.article, "<p>La vidéo.</p>", embed_url="https://youtu.be/dQw4w9WgXcQ"
        )
        self.assertIn(
            'data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"', entry.body_html
        )
        self.assertIn("embed__facade", entry.body_html)

    def test_an_address_carnet_cannot_embed_is_refused(self):
        entry = LiveEntry(article=self.article, body="<p>x</p>", embed_url="https://evil.example/")
        with self.assertRaises(ValidationError) as refused:
            entry.full_clean(exclude=["author"])
        self.assertIn("embed_url", refused.exception.message_dict)

    def test_an_empty_entry_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            LiveEntry(article=self.article, body=" ").full_clean(exclude=["author"])
        self.assertIn("body", refused.exception.message_dict)

    def test_no_entry_is_added_once_the_coverage_ended(self):
        ended = make_article(live_since=at(OLD), live_ended_at=at(NEXT))
        with self.assertRaises(ValidationError) as refused:
            LiveEntry(article=ended, body="<p>Late.</p>").full_clean(exclude=["author"])
        self.assertIn("article", refused.exception.message_dict)


@override_settings(CARNET_LIVE_RANGE_SECONDS=RANGE)
class ArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_live_article(slug="election", title="Soirée électorale")
        cls.first = make_entry(cls.article, "<p>First entry.</p>", published_at=at(OLD, 1))
        cls.pinned = make_entry(
            cls.article, "<p>Pinned entry.</p>", published_at=at(OLD, 2), pinned=True
        )
        cls.last = make_entry(cls.article, "<p>Last entry.</p>", published_at=at(NEXT, 5))

    def test_entries_show_newest_first_with_the_pinned_one_on_top(self):
        response = self.client.get("/articles/election/")
        text = response.text
        order = [text.index(words) for words in ["Pinned entry", "Last entry", "First entry"]]
        self.assertEqual(order, sorted(order))
        self.assertContains(response, f'id="live-entry-{self.last.pk}"')

    def test_the_story_and_its_cards_say_live_in_both_editions(self):
        for prefix, words in [("", "En direct"), ("/en", "Live")]:
            with self.subTest(prefix=prefix):
                page = self.client.get(f"{prefix}/articles/election/")
                self.assertContains(page, f'<p class="live-badge">{words}</p>', html=True)
                home = self.client.get(f"{prefix}/")
                self.assertContains(home, f'<p class="live-badge">{words}</p>', html=True)

    def test_the_page_polls_from_the_range_it_was_rendered_in(self):
        page = self.client.get("/articles/election/")
        self.assertContains(page, f'data-live-url="/live/{self.article.pk}/"')
        self.assertContains(page, f'data-live-range="{RANGE}"')
        start = int(re.search(r'data-live-start="(\d+)"', page.text).group(1))
        self.assertEqual(start, live.range_start(timezone.now()))

    def test_ending_the_coverage_freezes_it(self):
        self.article.end_live()
        page = self.client.get("/articles/election/")
        self.assertNotContains(page, "live-badge")
        self.assertNotContains(page, "data-live-url")
        self.assertContains(page, "Last entry")
        ended = languages.full_time(
            self.article.live_ended_at
        )  # in the press style, to the minute
        self.assertContains(page, f"Ce direct s’est terminé le {ended}.")
        self.assertNotContains(self.client.get("/"), "live-badge")

    def test_the_structured_data_is_a_live_blog_posting(self):
        data = json_ld(self.client.get("/articles/election/"))
        self.assertEqual(data["@type"], "LiveBlogPosting")
        self.assertEqual(data["coverageStartTime"], timezone.localtime(at(OLD)).isoformat())
        self.assertNotIn("coverageEndTime", data)
        updates = data["liveBlogUpdate"]
        self.assertEqual([update["articleBody"] for update in updates],
                         ["Pinned entry.", "Last entry.", "First entry."])  # fmt: skip
        for update in updates:
            self.assertEqual(update["@type"], "BlogPosting")
            self.assertEqual(
                set(update), {"@type", "headline", "articleBody", "datePublished",
                              "dateModified", "url"},
            )  # fmt: skip
            self.assertRegex(
                update["url"], r"^http://testserver/articles/election/#live-entry-\d+$"
            )
        self.article.end_live()
        self.assertIn("coverageEndTime", json_ld(self.client.get("/articles/election/")))

    def test_an_article_without_coverage_stays_an_article(self):
        make_article(slug="calm")
        page = self.client.get("/articles/calm/")
        self.assertEqual(json_ld(page)["@type"], "Article")
        self.assertNotContains(page, 'class="live')


@override_settings(CARNET_LIVE_RANGE_SECONDS=RANGE)
class PollingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_live_article(slug="election")
        cls.old = make_entry(cls.article, "<p>Old entry.</p>", published_at=at(OLD, 10))
        cls.next = make_entry(cls.article, "<p>Next entry.</p>", published_at=at(NEXT, 10))

    def url(self, start: int, article: Article | None = None) -> str:
        return f"/live/{(article or self.article).pk}/{start}/"

    def test_a_range_answers_its_entries(self):
        response = self.client.get(self.url(OLD))
        self.assertContains(response, "Old entry.")
        self.assertNotContains(response, "Next entry.")
        self.assertContains(response, 'data-closed="true"')
        self.assertNotContains(response, "data-ended")

    def test_a_range_that_is_over_is_kept_a_day_and_the_open_one_a_few_seconds(self):
        closed = self.client.get(self.url(OLD))
        self.assertEqual(closed["Cache-Control"], "public, max-age=86400")
        self.assertIn("ETag", closed)
        open_range = self.client.get(self.url(live.range_start(timezone.now())))
        self.assertContains(open_range, 'data-closed="false"')
        max_age = int(re.fullmatch(r"public, max-age=(\d+)", open_range["Cache-Control"])[1])
        self.assertLessEqual(max_age, 5)
        self.assertGreaterEqual(max_age, 1)

    def test_a_range_stays_open_a_few_seconds_after_its_end(self):
        """An entry dated just before the end, saved just after it, is in its last answer."""
        just_after = at(NEXT + RANGE, 2)
        with mock.patch("blog.views.timezone.now", return_value=just_after):
            response = self.client.get(self.url(NEXT))
        self.assertContains(response, 'data-closed="false"')
        self.assertContains(response, "Next entry.")
        self.assertNotEqual(response["Cache-Control"], "public, max-age=86400")
        with mock.patch("blog.views.timezone.now", return_value=at(NEXT + RANGE, 5)):
            self.assertContains(self.client.get(f"/en{self.url(NEXT)}"), 'data-closed="true"')

    @override_settings(CARNET_PURGE_URL="http://127.0.0.1:8149/")
    def test_a_range_names_its_own_tag_for_the_shared_cache(self):
        response = self.client.get(self.url(OLD))
        tags = response["xkey"].split()
        self.assertEqual(
            tags, sorted([f"article:{self.article.pk}", f"live:{self.article.pk}:{OLD}", "site"])
        )
        self.assertEqual(response["Surrogate-Key"], response["xkey"])
        self.assertEqual(response["Cache-Control"], "public, max-age=86400, s-maxage=86400")

    def test_a_live_story_is_kept_a_few_ranges_at_most(self):
        """Kept all through a quiet night, its page would have a reader's script ask for
        every range since it was rendered, one after the other, on opening it."""
        story = self.article.get_absolute_url()
        for _ in range(2):  # the first creates the site's settings, a change to every page
            Client().get(story)
        self.assertEqual(Client().get(story)["Cache-Status"], "Carnet; hit")
        later = time.time() + live.PAGE_RANGES * RANGE + 1
        with mock.patch("time.time", return_value=later):
            self.assertIn("fwd=stale", Client().get(story)["Cache-Status"])

    def test_a_range_to_come_is_a_404_no_cache_keeps(self):
        """Kept, a 404 asked early by anyone would stop every reader's polling (their
        script stops on a 404) once that range opens."""
        soon = self.url(live.range_start(timezone.now()) + 3 * RANGE)
        for _ in range(2):
            response = Client().get(soon)
            self.assertEqual(response.status_code, 404)
            self.assertIn("no-store", response["Cache-Control"])
        self.assertFalse(kept(soon))

    def test_a_range_after_the_end_answers_once_the_coverage_is_taken_up_again(self):
        self.article.end_live()
        later = live.range_start(timezone.now()) + 2 * RANGE
        after_the_end = self.url(later)
        with mock.patch("blog.views.timezone.now", return_value=at(later, 30)):
            self.assertEqual(Client().get(after_the_end).status_code, 404)
            with self.captureOnCommitCallbacks(execute=True):
                self.article.start_live()
            self.assertEqual(Client().get(after_the_end).status_code, 200)

    def test_bad_ranges_are_refused_cleanly(self):
        draft = make_draft(live_since=at(OLD))
        not_live = make_article()
        cases = {
            self.url(OLD + 1): 400,  # not the start of a range
            self.url(OLD - 3600): 404,  # before the coverage started
            self.url(live.range_start(timezone.now()) + 3600): 404,  # the future
            self.url(RANGE * 10**18): 404,  # past any calendar
            f"/live/999999/{OLD}/": 404,
            self.url(OLD, draft): 404,
            self.url(OLD, not_live): 404,
            f"/live/{self.article.pk}/-60/": 404,
            f"/live/{self.article.pk}/abc/": 404,
        }
        for url, status in cases.items():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, status)
        self.assertEqual(self.client.post(self.url(OLD)).status_code, 405)

    def test_a_range_after_the_end_is_gone_and_the_last_says_it_ended(self):
        Article.objects.filter(pk=self.article.pk).update(live_ended_at=at(NEXT, 30))
        self.assertEqual(self.client.get(self.url(NEXT + RANGE)).status_code, 404)
        self.assertContains(self.client.get(self.url(NEXT)), "data-ended")

    def test_the_open_range_names_every_entry_so_that_pages_drop_the_deleted(self):
        open_range = self.url(live.range_start(timezone.now()))
        self.assertContains(
            self.client.get(open_range), f'data-entries="{self.old.pk} {self.next.pk}"'
        )
        self.assertNotContains(self.client.get(self.url(OLD)), "data-entries")
        with self.captureOnCommitCallbacks(execute=True):
            LiveEntry.objects.filter(pk=self.old.pk).delete()
        self.assertContains(self.client.get(open_range), f'data-entries="{self.next.pk}"')

    def test_an_edit_is_sent_again_in_the_range_it_was_made_in(self):
        self.old.body = "<p>Old entry, corrected.</p>"
        self.old.save()
        now = self.client.get(self.url(live.range_start(timezone.now())))
        self.assertContains(now, "Old entry, corrected.")

    def test_the_english_edition_answers_in_english(self):
        self.old.edited_at = at(NEXT)
        self.old.save()
        self.assertContains(self.client.get(f"/en{self.url(OLD)}"), "edited at")


@override_settings(CARNET_LIVE_RANGE_SECONDS=RANGE)
class PurgeTests(TestCase):
    """An entry's edit forgets its own range and the article's page, nothing else."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_live_article(slug="election")
        cls.old = make_entry(cls.article, "<p>Old entry.</p>", published_at=at(OLD, 10))
        cls.next = make_entry(cls.article, "<p>Next entry.</p>", published_at=at(NEXT, 10))

    def test_an_edit_forgets_only_its_own_range_and_the_article_page(self):
        pages = [f"/live/{self.article.pk}/{OLD}/", f"/live/{self.article.pk}/{NEXT}/",
                 "/articles/election/", "/en/articles/election/", "/", "/en/"]  # fmt: skip
        for url in pages:
            self.assertEqual(Client().get(url).status_code, 200, url)
            self.assertTrue(kept(url), url)
        with self.captureOnCommitCallbacks(execute=True):
            self.next.body = "<p>Next entry, corrected.</p>"
            self.next.save()
        self.assertEqual(
            [url for url in pages if kept(url)],
            [f"/live/{self.article.pk}/{OLD}/", "/", "/en/"],
        )
        self.assertContains(Client().get(f"/live/{self.article.pk}/{NEXT}/"), "corrected")

    @override_settings(CARNET_PURGE_URL="http://127.0.0.1:8149/")
    def test_the_shared_cache_is_told_the_same_tags(self):
        self.next.pinned = True
        self.next.save()
        pk = self.article.pk
        self.assertEqual(
            set(PendingPurge.objects.values_list("tag", flat=True)),
            {f"live:{pk}", f"live:{pk}:{NEXT}", f"live:{pk}:{live.range_start(timezone.now())}"},
        )

    def test_a_new_entry_forgets_the_article_page_not_its_cards(self):
        self.assertEqual(Client().get("/").status_code, 200)
        self.assertEqual(Client().get("/articles/election/").status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            make_entry(self.article, "<p>Breaking.</p>")
        self.assertTrue(kept("/"))
        self.assertFalse(kept("/articles/election/"))
        self.assertContains(Client().get("/articles/election/"), "Breaking.")

    def test_ending_the_coverage_forgets_its_cards_and_ranges(self):
        self.assertEqual(Client().get("/").status_code, 200)
        self.assertEqual(Client().get(f"/live/{self.article.pk}/{OLD}/").status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            self.article.end_live()
        self.assertFalse(kept("/"))
        self.assertFalse(kept(f"/live/{self.article.pk}/{OLD}/"))
        self.assertContains(Client().get(f"/live/{self.article.pk}/{OLD}/"), "data-ended")


class QueryTests(TestCase):
    def test_a_range_costs_two_queries(self):
        SiteSettings.load()
        article = make_live_article(slug="election")
        for n in range(5):
            make_entry(article, f"<p>Entry {n}.</p>", published_at=at(OLD, n))
        self.client.get("/")  # the site's settings, read once per process
        with override_settings(CARNET_PAGE_CACHE=False, CARNET_FRAGMENT_CACHE=False):
            # The article; its entries of the range with their authors and images.
            with self.assertNumQueries(2):
                response = self.client.get(f"/live/{article.pk}/{OLD}/")
        self.assertContains(response, '<article class="live-entry"', count=5)

    def test_the_article_page_reads_its_entries_in_one_query(self):
        SiteSettings.load()
        article = make_live_article(slug="election")
        for n in range(5):
            make_entry(article, f"<p>Entry {n}.</p>", author=make_editor())
        with self.assertNumQueries(1):
            entries = list(article.live_entries.for_page())
            [entry.author.public_name for entry in entries]


class EntryAdminRuleTests(TestCase):
    """Who may change the article may post, edit, pin and delete its entries; on every
    path of the entries' admin, the others' stay out of reach."""

    @classmethod
    def setUpTestData(cls):
        cls.editor, cls.other = make_editor(), make_editor()
        cls.mine = make_live_article(author=cls.editor, title="Mine")
        cls.theirs = make_live_article(author=cls.other, title="Theirs")
        cls.my_entry = make_entry(cls.mine, "<p>My entry.</p>")
        cls.their_entry = make_entry(cls.theirs, "<p>Their entry.</p>")

    def setUp(self):
        sign_in(self.client, self.editor)

    def test_the_list_holds_the_entries_of_their_articles_only(self):
        response = self.client.get("/admin/blog/liveentry/")
        self.assertContains(response, "My entry.")
        self.assertNotContains(response, "Their entry.")

    def test_another_authors_entry_cannot_be_opened_changed_or_deleted(self):
        for url in [
            f"/admin/blog/liveentry/{self.their_entry.pk}/change/",
            f"/admin/blog/liveentry/{self.their_entry.pk}/delete/",
            f"/admin/blog/liveentry/{self.their_entry.pk}/history/",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url, follow=True)
                self.assertIn(response.status_code, {200, 404})  # the admin's "no such entry"
                self.assertNotIn("Their entry.", response.text)
        self.client.post(
            f"/admin/blog/liveentry/{self.their_entry.pk}/change/",
            {"body": "<p>Hijacked.</p>", "embed_url": ""},
        )
        self.their_entry.refresh_from_db()
        self.assertEqual(self.their_entry.body, "<p>Their entry.</p>")

    def test_the_bulk_delete_leaves_another_authors_entry(self):
        self.client.post(
            "/admin/blog/liveentry/",
            {
                "action": "delete_selected",
                "_selected_action": [self.my_entry.pk, self.their_entry.pk],
                "post": "yes",
            },
        )
        self.assertFalse(LiveEntry.objects.filter(pk=self.my_entry.pk).exists())
        self.assertTrue(LiveEntry.objects.filter(pk=self.their_entry.pk).exists())

    def test_a_bulk_delete_takes_the_entries_off_the_kept_pages(self):
        SiteSettings.load()
        pages = [self.mine.get_absolute_url(), f"/live/{self.mine.pk}/{OLD}/"]
        LiveEntry.objects.filter(pk=self.my_entry.pk).update(published_at=at(OLD, 5))
        for url in pages:
            self.assertContains(Client().get(url), "My entry.")
            self.assertTrue(kept(url), url)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                "/admin/blog/liveentry/",
                {
                    "action": "delete_selected",
                    "_selected_action": [self.my_entry.pk],
                    "post": "yes",
                },
            )
        self.assertFalse(LiveEntry.objects.filter(pk=self.my_entry.pk).exists())
        for url in pages:
            self.assertNotContains(Client().get(url), "My entry.")

    def test_an_entry_can_be_added_to_their_running_coverage_only(self):
        form = self.client.get("/admin/blog/liveentry/add/")
        self.assertContains(form, f'<option value="{self.mine.pk}">Mine</option>', html=True)
        self.assertNotContains(form, "Theirs")
        response = self.client.post(
            "/admin/blog/liveentry/add/",
            {"article": self.theirs.pk, "body": "<p>Sneaked in.</p>", "embed_url": ""},
        )
        self.assertEqual(response.status_code, 200)  # the form again, with its error
        self.assertFalse(LiveEntry.objects.filter(body__contains="Sneaked").exists())

    def test_an_edit_is_dated_and_kept_as_a_revision(self):
        self.client.post(
            f"/admin/blog/liveentry/{self.my_entry.pk}/change/",
            {"body": "<p>My entry, corrected.</p>", "embed_url": "", "_edited_from": "0"},
        )
        self.my_entry.refresh_from_db()
        self.assertEqual(self.my_entry.body, "<p>My entry, corrected.</p>")
        self.assertIsNotNone(self.my_entry.edited_at)
        history = self.client.get(f"/admin/blog/liveentry/{self.my_entry.pk}/history/")
        self.assertContains(history, "texte")

    def test_a_moderator_sees_no_entries(self):
        sign_in(self.client, make_moderator())
        self.assertEqual(self.client.get("/admin/blog/liveentry/").status_code, 403)


class LiveDeskTests(TestCase):
    """The live coverage desk: one field to post, pin and unpin, start and end; whoever
    may change the article may use it, nobody else sees it."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.editor, cls.other = make_editor(), make_editor()
        cls.article = make_article(author=cls.editor, slug="election", title="Election")
        cls.theirs = make_live_article(author=cls.other, title="Theirs")
        cls.their_entry = make_entry(cls.theirs, "<p>Their entry.</p>")

    def setUp(self):
        sign_in(self.client, self.editor)
        self.desk = f"/admin/blog/article/{self.article.pk}/live/"

    def start(self):
        self.assertEqual(self.client.post(self.desk, {"_start": "1"}).status_code, 303)
        self.article.refresh_from_db()

    def test_starting_posting_and_ending(self):
        self.assertContains(self.client.get(self.desk), "Commencer le direct")
        self.start()
        self.assertTrue(self.article.is_live)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.desk, {"text": "Premiers résultats !\nhttps://youtu.be/dQw4w9WgXcQ"}
            )
        self.assertRedirects(response, self.desk, status_code=303, fetch_redirect_response=False)
        entry = LiveEntry.objects.get(article=self.article)
        self.assertEqual(entry.author, self.editor)
        self.assertIn("Premiers résultats\u202f!", entry.body_html)
        self.assertIn("embed--video", entry.body_html)
        desk = self.client.get(self.desk)
        self.assertContains(desk, "Entrée publiée.")
        self.assertContains(desk, "Premiers résultats")
        self.assertContains(Client().get("/articles/election/"), "Premiers résultats")
        self.client.post(self.desk, {"_end": "1"})
        self.article.refresh_from_db()
        self.assertFalse(self.article.is_live)
        self.assertNotContains(self.client.get(self.desk), 'name="text"')

    def test_an_empty_or_late_entry_is_refused_with_the_reason(self):
        self.start()
        response = self.client.post(self.desk, {"text": "  "})
        self.assertContains(response, "L’entrée n’a pas été publiée", status_code=400)
        self.article.end_live()
        response = self.client.post(self.desk, {"text": "Too late."})
        self.assertContains(response, "n’est pas en cours", status_code=400)
        self.assertFalse(LiveEntry.objects.filter(article=self.article).exists())

    def test_pinning_and_unpinning(self):
        self.start()
        entry = make_entry(self.article, "<p>Key fact.</p>")
        self.client.post(self.desk, {"pin": entry.pk})
        entry.refresh_from_db()
        self.assertTrue(entry.pinned)
        self.client.post(self.desk, {"unpin": entry.pk})
        entry.refresh_from_db()
        self.assertFalse(entry.pinned)

    def test_another_authors_article_and_entries_are_out_of_reach(self):
        other_desk = f"/admin/blog/article/{self.theirs.pk}/live/"
        self.assertEqual(self.client.get(other_desk).status_code, 404)
        self.assertEqual(self.client.post(other_desk, {"text": "Sneaked."}).status_code, 404)
        self.assertEqual(self.client.post(other_desk, {"_end": "1"}).status_code, 404)
        self.start()
        self.assertEqual(
            self.client.post(self.desk, {"pin": self.their_entry.pk}).status_code, 404
        )
        self.assertEqual(self.client.post(self.desk, {"pin": "x"}).status_code, 404)
        self.their_entry.refresh_from_db()
        self.assertFalse(self.their_entry.pinned)
        self.theirs.refresh_from_db()
        self.assertTrue(self.theirs.is_live)
        self.assertEqual(self.client.get("/admin/blog/article/nope/live/").status_code, 404)

    def test_pinning_what_is_no_entry_number_is_a_404(self):
        self.start()
        for value in ["²", "٣", "99999999999999999999999"]:
            with self.subTest(value=value):
                self.assertEqual(self.client.post(self.desk, {"pin": value}).status_code, 404)

    def test_a_contributor_cannot_post_on_a_published_article_of_theirs(self):
        contributor = make_contributor()
        published = make_live_article(author=contributor)
        sign_in(self.client, contributor)
        self.assertEqual(
            self.client.get(f"/admin/blog/article/{published.pk}/live/").status_code, 404
        )

    def test_the_article_history_keeps_the_coverage_and_its_entries(self):
        self.start()
        self.client.post(self.desk, {"text": "First."})
        entry = LiveEntry.objects.get(article=self.article)
        self.client.post(self.desk, {"pin": entry.pk})
        self.client.post(self.desk, {"_end": "1"})
        history = self.client.get(f"/admin/blog/article/{self.article.pk}/history/")
        self.assertContains(history, "Direct commencé.")
        self.assertContains(history, "Direct terminé.")
        self.assertContains(history, "Versions de ses entrées du direct")
        self.assertContains(history, "Création.")
        self.assertContains(history, "Modifié\u00a0: épinglée.")

    def test_the_change_form_links_to_the_desk(self):
        form = self.client.get(f"/admin/blog/article/{self.article.pk}/change/")
        self.assertContains(form, f'href="{self.desk}"')
