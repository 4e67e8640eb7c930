"""A change forgets only the kept pages and fragments that show what it touched.

Asserted on Carnet's cache itself: which addresses it still holds fresh, in both
languages, after a comment is approved, an article published or going live, an
author, a category or a tag changed.
"""

import datetime
import time
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory, TestCase, override_settings
from django.utils import timezone

from blog import workflow
from blog.models import Article
from comments.models import Comment
from sitewide import fragments, pagecache
from sitewide.models import SiteSettings
from tests.base import (
    TemporaryMediaMixin,
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_image,
    make_moderator,
    make_scheduled,
)


def kept(url: str) -> bool:
    """Whether Carnet's cache holds a fresh copy of the page an anonymous reader asks for."""
    request = RequestFactory().get(url)
    entry = cache.get(pagecache._key(request))
    return entry is not None and pagecache.is_fresh(request, entry)


def both_languages(*paths: str) -> list[str]:
    return [url for path in paths for url in [path, f"/en{path}"]]


class TaggedCacheTests(TestCase):
    """Seven newer articles fill the front page; A and B are older, off it (B is in the
    Sport section, the newest of its category)."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.world = make_category(slug="world", name="World")
        cls.sport = make_category(slug="sport", name="Sport")
        cls.author, cls.other_author = make_editor(slug="ada"), make_editor(slug="bob")
        cls.newest = [make_article(slug=f"new-{n}") for n in range(7)]
        cls.a = make_article(slug="a", author=cls.author, tags=["Peace"])
        cls.b = make_article(slug="b", author=cls.other_author, category=cls.sport)
        make_article(slug="w", category=cls.world)

    def read(self, *urls: str) -> None:
        for url in urls:
            self.assertEqual(Client().get(url).status_code, 200, url)
            self.assertTrue(kept(url), url)

    def approve_a_comment_on(self, article: Article) -> None:
        comment = make_comment(article=article, status=Comment.Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            Comment.objects.filter(pk=comment.pk).approve(by=make_moderator())

    def test_approving_a_comment_forgets_its_article_and_keeps_the_others(self):
        pages = both_languages("/articles/a/", "/articles/b/", "/", "/category/sport/")
        self.read(*pages)
        self.approve_a_comment_on(self.a)
        # B's next article is A: its link shows A's title, not A's comments.
        self.assertEqual(
            {url: kept(url) for url in pages},
            {
                "/articles/a/": False,
                "/en/articles/a/": False,
                "/articles/b/": True,
                "/en/articles/b/": True,
                "/": True,  # A is not on the front page
                "/en/": True,
                "/category/sport/": True,
                "/en/category/sport/": True,
            },
        )
        self.assertContains(Client().get("/articles/a/"), "1 commentaire")

    def test_approving_a_comment_forgets_the_lists_that_show_its_count(self):
        self.read("/", "/en/", "/category/world/", "/feed/", "/feed/comments/")
        self.approve_a_comment_on(self.newest[0])
        self.assertFalse(kept("/"))
        self.assertFalse(kept("/en/"))
        self.assertFalse(kept("/feed/"))
        self.assertFalse(kept("/feed/comments/"))
        self.assertTrue(kept("/category/world/"))

    def test_approving_a_comment_keeps_the_fragments_of_the_pages_that_show_its_count(self):
        make_article(slug="also-peace", tags=["Peace"])  # A is among its related articles
        lead = self.newest[-1]  # the front page's lead
        # Each page, and the count it shows once a comment is approved on A and on the lead.
        counts = {
            "/": '<a href="/articles/new-6/#comments">1 commentaire</a>',
            "/en/": '<a href="/en/articles/new-6/#comments">1 comment</a>',
            "/tag/peace/": '<a href="/articles/a/#comments">1 commentaire</a>',
            "/en/tag/peace/": '<a href="/en/articles/a/#comments">1 comment</a>',
            "/author/ada/": '<a href="/articles/a/#comments">1 commentaire</a>',
            "/en/author/ada/": '<a href="/en/articles/a/#comments">1 comment</a>',
            "/articles/also-peace/": '<a href="/articles/a/#comments">1 commentaire</a>',
            "/en/articles/also-peace/": '<a href="/en/articles/a/#comments">1 comment</a>',
        }
        self.read(*counts)
        self.approve_a_comment_on(self.a)
        self.approve_a_comment_on(lead)
        # The pages that show either count are forgotten...
        self.assertEqual([url for url in counts if kept(url)], [])
        # ...and have the counts filled in again in their kept copies: no page nor
        # fragment is rendered again.
        with mock.patch.object(fragments.cache, "set", wraps=fragments.cache.set) as kept_now:
            responses = {url: Client().get(url) for url in counts}
        fragment_keys = [call.args[0] for call in kept_now.call_args_list]
        self.assertEqual([key for key in fragment_keys if key.startswith("fragment:")], [])
        for url, response in responses.items():
            with self.subTest(url):
                self.assertContains(response, counts[url], html=False)
                self.assertNotContains(response, "carnet:comment-count")
                self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=refilled")
                self.assertTrue(kept(url))
                # It names the counts it shows, for the next approval and for Varnish.
                entry = cache.get(pagecache._key(RequestFactory().get(url)))
                shown = {pagecache.count_of(self.a), pagecache.count_of(lead)} & {*entry["tags"]}
                self.assertEqual(
                    shown, {pagecache.count_of(lead if url in {"/", "/en/"} else self.a)}
                )

    def test_approving_a_comment_keeps_the_other_articles_fragments(self):
        reader = Client()
        reader.cookies["carnet_commenter"] = "x"  # answered privately, from fragments
        reader.get("/articles/a/")
        reader.get("/articles/b/")
        self.approve_a_comment_on(self.a)
        with mock.patch.object(fragments.cache, "set") as rendered:
            reader.get("/articles/b/")
            self.assertEqual(rendered.call_count, 0)
            response = reader.get("/articles/a/")
        # Its comments and its story's rows (the count is a column of the article); the
        # part of its story that shows the count is kept, the count filled in by the page.
        self.assertEqual(
            {call.args[0].split(":")[1] for call in rendered.call_args_list},
            {"comments", "story"},
        )
        self.assertContains(response, '<a href="#comments">1 commentaire</a>')

    def test_approving_a_comment_keeps_the_related_cards_that_show_its_count(self):
        make_article(slug="also-peace", tags=["Peace"])  # A is among its related articles
        reader = Client()
        reader.cookies["carnet_commenter"] = "x"  # answered privately, from fragments
        reader.get("/articles/also-peace/")
        self.approve_a_comment_on(self.a)
        with mock.patch.object(fragments.cache, "set") as rendered:
            response = reader.get("/articles/also-peace/")
        self.assertContains(response, 'href="/articles/a/#comments">1 commentaire</a>')
        self.assertContains(response, '<a rel="next" href="/articles/w/">')
        # The cards' counts are filled in by the page: nothing of it is rendered again.
        self.assertEqual(rendered.call_count, 0)

    def test_publishing_forgets_the_lists_it_enters_and_keeps_the_others(self):
        pages = [
            "/",
            "/category/world/",
            "/category/sport/",
            "/tag/peace/",
            "/author/ada/",
            "/author/bob/",
            "/articles/a/",  # its related articles are chosen among those tagged Peace
            "/articles/new-0/",  # its next article is the new one
            "/articles/b/",
            "/sitemap-articles.xml",
            "/feed/",
        ]
        self.read(*pages)
        with self.captureOnCommitCallbacks(execute=True):
            make_article(
                slug="fresh",
                author=self.author,
                category=self.world,
                tags=["Peace"],
                published_at=timezone.now() - datetime.timedelta(minutes=1),
            )
        self.assertEqual(
            [url for url in pages if kept(url)],
            ["/category/sport/", "/author/bob/", "/articles/b/"],
        )
        self.assertContains(Client().get("/tag/peace/"), "/articles/fresh/")

    def test_marking_a_significant_update_forgets_its_article_and_the_feeds(self):
        pages = [*both_languages("/articles/a/"), "/feed/", "/feed/atom/"]
        self.read(*pages)
        with self.captureOnCommitCallbacks(execute=True):
            self.a.mark_significant_update()
            self.a.save()
        self.assertEqual([url for url in pages if kept(url)], [])
        self.assertContains(Client().get("/articles/a/"), "Mis à jour le")

    def test_publishing_forgets_the_newest_article_whose_next_link_it_becomes(self):
        self.read("/articles/new-0/", "/articles/new-1/")
        with self.captureOnCommitCallbacks(execute=True):
            make_article(slug="fresh", published_at=timezone.now() - datetime.timedelta(minutes=1))
        self.assertFalse(kept("/articles/new-0/"))
        self.assertTrue(kept("/articles/new-1/"))
        self.assertContains(Client().get("/articles/new-0/"), "/articles/fresh/")

    def test_a_missing_page_is_forgotten_when_an_article_takes_its_address(self):
        self.assertEqual(Client().get("/articles/soon/").status_code, 404)
        self.assertTrue(kept("/articles/soon/"))
        with self.captureOnCommitCallbacks(execute=True):
            make_article(slug="soon")
        self.assertEqual(Client().get("/articles/soon/").status_code, 200)

    def test_editing_an_author_forgets_the_pages_that_show_them(self):
        self.read("/articles/a/", "/articles/b/", "/author/ada/", "/category/sport/")
        with self.captureOnCommitCallbacks(execute=True):
            self.author.display_name = "Ada Lovelace"
            self.author.save()
        self.assertFalse(kept("/articles/a/"))
        self.assertFalse(kept("/author/ada/"))
        self.assertTrue(kept("/articles/b/"))
        self.assertTrue(kept("/category/sport/"))

    def test_renaming_a_category_forgets_every_page_its_name_is_on(self):
        self.read("/articles/a/", "/category/world/", "/tag/peace/")
        with self.captureOnCommitCallbacks(execute=True):
            self.sport.name = "Sports"
            self.sport.save()
        # The menu names every category in use, on every page.
        self.assertEqual([url for url in ["/articles/a/", "/tag/peace/"] if kept(url)], [])
        self.assertContains(Client().get("/articles/a/"), "Sports")


class TranslationTests(TestCase):
    def test_publishing_a_translation_forgets_the_lists_its_original_leaves(self):
        """The English edition lists the French original in its own category until its
        translation, in another category, is published: that list loses a story."""
        SiteSettings.load()
        world, sport = make_category(slug="world"), make_category(slug="sport")
        make_article(category=sport, slug="in-the-menu-already")
        for n in range(12):
            make_article(category=world, slug=f"o-{n}")
        original = make_article(category=world, slug="original", published_at=timezone.now())
        translation = make_article(
            category=sport,
            slug="translation",
            language="en",
            translation=original,
            status=Article.Status.DRAFT,
        )
        pages = ["/en/category/world/", "/en/category/world/?page=2"]
        for url in pages:
            Client().get(url)
            self.assertTrue(kept(url), url)
        with self.captureOnCommitCallbacks(execute=True):
            translation.status = Article.Status.PUBLISHED
            translation.save()
        self.assertEqual({url: kept(url) for url in pages}, dict.fromkeys(pages, False))
        self.assertNotContains(Client().get("/en/category/world/"), "/articles/original/")


@override_settings(CARNET_PAGE_STALE_SERVE_SECONDS=10)
class ServedStaleThenRenderedTests(TestCase):
    """A reader who finds a page a change made stale gets the stale copy at once; the
    page is rendered again once their answer has gone out, for the next reader."""

    def test_the_next_reader_after_an_approval_is_answered_without_waiting_for_a_render(self):
        SiteSettings.load()
        article = make_article(slug="a")
        for _ in range(2):
            Client().get("/articles/a/")
        comment = make_comment(article=article, status=Comment.Status.PENDING, body="Bravo")
        with self.captureOnCommitCallbacks(execute=True):
            Comment.objects.filter(pk=comment.pk).approve(by=make_moderator())
        first = Client().get("/articles/a/")
        self.assertEqual(first["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertNotContains(first, "Bravo")
        # Rendered when the first answer was closed (as gunicorn closes it once sent).
        self.assertTrue(kept("/articles/a/"))
        second = Client().get("/articles/a/")
        self.assertEqual(second["Cache-Status"], "Carnet; hit")
        self.assertContains(second, "Bravo")

    def test_a_change_nobody_read_for_a_while_is_rendered_for_its_first_reader(self):
        SiteSettings.load()
        article = make_article(slug="a")
        for _ in range(2):
            Client().get("/articles/a/")
        with self.captureOnCommitCallbacks(execute=True):
            article.title = "Taken down"
            article.save()
        later = time.time() + settings.CARNET_PAGE_STALE_SERVE_SECONDS
        with mock.patch("time.time", return_value=later):
            response = Client().get("/articles/a/")
        self.assertEqual(response["Cache-Status"], "Carnet; fwd=stale; stored")
        self.assertContains(response, "Taken down")


class GoingLiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.world = make_category(slug="world", name="World")
        make_article(slug="old", category=cls.world)
        cls.other = make_article(slug="elsewhere")

    def test_an_article_going_live_forgets_the_lists_it_enters(self):
        article = make_scheduled(slug="later", category=self.world)
        pages = ["/", "/category/world/", "/articles/elsewhere/"]
        for url in pages:
            Client().get(url)
        # Its time comes with no save.
        Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
        self.assertTrue(workflow.go_live(Article.objects.get(pk=article.pk)))
        self.assertEqual([url for url in pages if kept(url)], ["/articles/elsewhere/"])
        self.assertContains(Client().get("/category/world/"), "/articles/later/")

    def test_an_article_rescheduled_since_goes_live_later(self):
        article = make_scheduled(slug="later", category=self.world)
        Client().get("/category/world/")
        self.assertFalse(workflow.go_live(article))
        self.assertTrue(kept("/category/world/"))


class CoverTests(TemporaryMediaMixin, TestCase):
    def test_editing_an_image_forgets_the_pages_it_is_the_cover_of(self):
        SiteSettings.load()
        cover = make_image(alt="A harbour at dawn")
        make_article(slug="covered", cover=cover)
        make_article(slug="bare")
        for url in ["/articles/covered/", "/articles/bare/"]:
            Client().get(url)
        with self.captureOnCommitCallbacks(execute=True):
            cover.alt = "A harbour at dusk"
            cover.save()
        self.assertFalse(kept("/articles/covered/"))
        self.assertTrue(kept("/articles/bare/"))
        self.assertContains(Client().get("/articles/covered/"), "A harbour at dusk")
