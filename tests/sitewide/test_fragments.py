"""Fragments: the parts of pages every reader sees the same, kept until content changes.

The page cache is off here, so that each request renders its page: what these tests
see is what a reader who carries a cookie gets, and a page the page cache misses.
"""

import datetime
import time
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article, Correction, LiveEntry
from comments.forms import issue_token
from comments.models import Comment
from pages.models import Page
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
from tests.comments.helpers import post_comment


def kept_names(cache_set: mock.Mock) -> set[str]:
    """The names of the fragments a mocked cache.set was asked to keep."""
    keys = [call.args[0] for call in cache_set.call_args_list]
    return {key.split(":")[1] for key in keys if key.startswith("fragment:")}


@override_settings(CARNET_PAGE_CACHE=False, CARNET_FRAGMENT_CACHE=True)
class KeptFragmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="kept-parts", tags=["Peace"])
        cls.related = make_article(slug="alike", title="An alike article", tags=["Peace"])
        cls.comment = make_comment(article=cls.article, name="Ada", body="First words.")

    def setUp(self):
        self.url = "/en/articles/kept-parts/"
        self.client.get(self.url)  # counts changes from here, nothing kept yet

    def test_a_second_render_reads_one_row_a_count_and_gives_the_same_bytes(self):
        first = self.client.get(self.url)
        # The story (the article, its tags, its correction notices) is kept too; the
        # counts its parts show are read at once: the article's and its related card's
        # comment_count (comments/counts.py).
        with self.assertNumQueries(1):
            second = self.client.get(self.url)
        self.assertEqual(first.content, second.content)
        self.assertContains(second, "An alike article")
        self.assertContains(second, "First words.")

    def test_with_fragments_off_every_part_is_read_again(self):
        self.client.get(self.url)
        with override_settings(CARNET_FRAGMENT_CACHE=False):
            # and the menu, the related articles (2: no category), previous, next, the
            # comments' threads and their comments
            with self.assertNumQueries(10):
                off = self.client.get(self.url)
        self.assertEqual(off.content, self.client.get(self.url).content)

    def test_the_kept_footer_shows_a_page_published_and_the_site_renamed_at_once(self):
        self.client.get(self.url)
        Page.objects.create(title="About us", slug="about", body="Who we are.", published=True)
        self.assertContains(self.client.get(self.url), 'href="/en/pages/about/"')
        site = SiteSettings.load()
        site.site_name = "Renamed daily"
        site.save()
        self.assertContains(self.client.get(self.url), "Renamed daily runs on Carnet.")

    def test_the_kept_story_shows_a_change_to_any_of_its_rows_at_once(self):
        self.client.get(self.url)
        self.article.title = "A new title"
        self.article.save()
        self.assertContains(self.client.get(self.url), '<h1 class="article__title">A new title')
        Correction.objects.create(article=self.article, text="We got a name wrong.")
        self.assertContains(self.client.get(self.url), "We got a name wrong.")
        author = self.article.author
        author.display_name = "Ada Renamed"
        author.save()
        self.assertContains(self.client.get(self.url), "Ada Renamed")
        tag = self.article.tags.get()
        tag.name = "Lasting peace"
        tag.save()  # as the admin does, which names the tag (blog/admin.py)
        pagecache.changed(tag)
        self.assertContains(self.client.get(self.url), "Lasting peace")

    def test_a_kept_story_is_no_page_once_unpublished_or_moved(self):
        self.client.get(self.url)
        self.article.status = Article.Status.DRAFT
        self.article.save()
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.article.status = Article.Status.PUBLISHED
        self.article.slug = "moved-parts"
        self.article.save()
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertContains(self.client.get("/en/articles/moved-parts/"), "First words.")

    def test_a_kept_scheduled_story_goes_live_at_its_time_with_no_change(self):
        soon = make_scheduled(slug="soon", title="Soon out")
        self.assertEqual(self.client.get("/en/articles/soon/").status_code, 404)
        later = soon.published_at + datetime.timedelta(minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertContains(self.client.get("/en/articles/soon/"), "Soon out")

    def test_the_kept_story_holds_no_password_hash(self):
        self.client.get(self.url)
        request = RequestFactory().get(self.url)
        pagecache.start_reading(request)
        story = fragments.kept(request, "story", ["kept-parts"], lambda: None)
        self.assertEqual(story.article.author.get_deferred_fields(), {"password"})

    def test_an_approved_comment_shows_at_once(self):
        self.client.get(self.url)
        held = Comment.objects.create(
            article=self.article, name="Bea", email="bea@example.org", body="Second words."
        )
        self.assertNotContains(self.client.get(self.url), "Second words.")
        Comment.objects.filter(pk=held.pk).approve(by=make_moderator())
        self.assertContains(self.client.get(self.url), "Second words.")

    def test_a_related_article_renamed_shows_its_new_title_at_once(self):
        self.client.get(self.url)
        self.related.title = "A renamed article"
        self.related.save()
        response = self.client.get(self.url)
        self.assertContains(response, "A renamed article")
        self.assertNotContains(response, "An alike article")

    def test_an_article_moved_in_time_links_to_its_new_neighbours_at_once(self):
        now = timezone.now()
        make_article(slug="newest", published_at=now - datetime.timedelta(hours=1))
        self.client.get(self.url)
        response = self.client.get(self.url)
        self.assertContains(response, '<a rel="next" href="/en/articles/newest/">')
        # Its own date changed, it is now the newest: "newest" comes before it, none after.
        with self.captureOnCommitCallbacks(execute=True):
            self.article.published_at = now - datetime.timedelta(minutes=10)
            self.article.save()
        response = self.client.get(self.url)
        self.assertContains(response, '<a rel="prev" href="/en/articles/newest/">')
        self.assertNotContains(response, 'rel="next"')

    def test_each_language_keeps_its_own(self):
        self.client.get(self.url)
        self.assertContains(self.client.get(self.url), "Reply to Ada")
        self.assertContains(self.client.get("/articles/kept-parts/"), "Répondre à Ada")

    def test_a_readers_held_comment_is_theirs_alone(self):
        self.client.get(self.url)
        post_comment(self.client, self.article, body="My held words.")
        self.assertContains(self.client.get(self.url), "My held words.")
        # The commenter's page was not kept: another reader gets the public comments.
        other = Client().get(self.url)
        self.assertContains(other, "First words.")
        self.assertNotContains(other, "My held words.")

    def test_a_moderators_view_of_a_held_comment_is_never_kept(self):
        held = Comment.objects.create(
            article=self.article, name="Held", email="held@example.org", body="Held words."
        )
        moderator = Client()
        moderator.force_login(make_moderator())
        self.assertContains(moderator.get(f"{self.url}?moderate={held.pk}"), "Held words.")
        self.assertNotContains(moderator.get(self.url), "Held words.")
        self.assertNotContains(Client().get(self.url), "Held words.")

    def test_a_preview_keeps_nothing(self):
        page = Template('{% load carnet %}{% fragment "part" %}{{ value }}{% endfragment %}')
        request = RequestFactory().get("/")
        pagecache.start_reading(request)
        rendered = [
            page.render(Context({"request": request, "is_preview": True, "value": value}))
            for value in ["draft one", "draft two"]
        ]
        self.assertEqual(rendered, ["draft one", "draft two"])

    def test_a_fragment_shown_twice_is_read_once_and_kept_escaped_as_rendered(self):
        page = Template(
            '{% load carnet %}{% fragment "part" as part %}<b>{{ value }}</b>{% endfragment %}'
            "[{{ part }}][{{ part }}]"
        )
        request = RequestFactory().get("/")
        pagecache.start_reading(request)
        for value in ["kept & shown", "changed since"]:
            with mock.patch.object(fragments.cache, "get", wraps=fragments.cache.get) as read:
                html = page.render(Context({"request": request, "value": value}))
            self.assertEqual(html, "[<b>kept &amp; shown</b>][<b>kept &amp; shown</b>]")
            self.assertEqual(read.call_count, 1)

    def test_a_fragment_the_cache_lost_is_rendered_and_kept_again(self):
        cache.clear()
        with mock.patch.object(fragments.cache, "set", wraps=fragments.cache.set) as kept:
            response = self.client.get(self.url)
        self.assertContains(response, "First words.")
        self.assertEqual(
            kept_names(kept),
            {
                "story",
                "menu",
                "article-head",
                "article-story",
                "article-end",
                "related",
                "article-nav",
                "comments",
                "comment-form",
                "footer",
            },
        )

    def test_the_blank_form_is_kept_with_the_token_of_its_hour(self):
        self.client.get(self.url)
        with mock.patch.object(fragments.cache, "set") as kept:
            page = self.client.get(self.url)
        self.assertNotIn("comment-form", kept_names(kept))
        self.assertContains(page, f'name="token" value="{issue_token(self.article)}"')
        an_hour_later = time.time() + 3600
        with mock.patch("comments.forms.time.time", return_value=an_hour_later):
            later = self.client.get(self.url)
        later_token = issue_token(self.article, an_hour_later)
        self.assertContains(later, f'name="token" value="{later_token}"')

    def test_a_readers_own_form_is_never_the_kept_one(self):
        reply = self.client.get(f"{self.url}?reply_to={self.comment.pk}")
        parent_field = f'<input type="hidden" name="parent" value="{self.comment.pk}">'
        self.assertContains(reply, parent_field)
        reader = Client()
        post_comment(reader, self.article, remember="on", name="Camille")
        self.assertContains(reader.get(self.url), 'value="Camille"')
        self.assertNotContains(self.client.get(self.url), 'value="Camille"')
        session = Client()
        session.cookies[settings.SESSION_COOKIE_NAME] = "any"  # a form with a CSRF field
        self.assertContains(session.get(self.url), 'name="csrfmiddlewaretoken"')
        self.assertNotContains(self.client.get(self.url), "csrfmiddlewaretoken")

    def test_a_draft_previewed_by_its_editor_keeps_nothing(self):
        draft = make_article(slug="draft-parts", status=Article.Status.DRAFT)
        make_comment(article=draft, body="Words on a draft.")
        editor = Client()
        editor.force_login(draft.author)
        with mock.patch.object(fragments.cache, "set") as kept:
            self.assertContains(editor.get("/en/articles/draft-parts/"), "Words on a draft.")
        self.assertFalse(kept_names(kept) & {"related", "article-nav", "comments"})


@override_settings(CARNET_PAGE_CACHE=False, CARNET_FRAGMENT_CACHE=True)
class KeptStoryTests(TemporaryMediaMixin, TestCase):
    """An article page made of kept parts (its head, its story around the live coverage,
    its tags and author) is byte for byte the page rendered whole, whatever it shows."""

    @classmethod
    def setUpTestData(cls):
        hour_ago = timezone.now() - datetime.timedelta(hours=1)
        english = make_article(slug="in-english", language="en", title="In English")
        plain = make_article(
            slug="plain",
            tags=["Peace", "War"],
            cover=make_image(120, 60, caption="A caption"),
            category=make_category(slug="world", name="World"),
        )
        Correction.objects.create(article=plain, text="A name was wrong.")
        make_comment(article=plain, name="Ada", body="Words.")
        make_article(slug="closed", comments_open=False)
        make_article(slug="translated", language="fr", translation=english)
        live = make_article(slug="live", live_since=hour_ago)
        ended = make_article(slug="ended", live_since=hour_ago, live_ended_at=timezone.now())
        for article in [live, ended]:
            LiveEntry.objects.create(article=article, body="<p>An entry.</p>", author=plain.author)
        cls.paths = [
            f"{prefix}/articles/{slug}/"
            for prefix in ["", "/en"]
            for slug in ["plain", "closed", "live", "ended"]
        ] + ["/articles/translated/", "/en/articles/in-english/"]  # each other's translation

    def test_each_page_made_of_kept_parts_is_the_page_rendered_whole(self):
        for path in self.paths:
            with self.subTest(path):
                self.client.get(path)
                kept = self.client.get(path)
                with override_settings(CARNET_FRAGMENT_CACHE=False):
                    whole = self.client.get(path)
                self.assertEqual(kept.status_code, 200)
                self.assertEqual(kept.content, whole.content)

    def test_a_kept_story_shows_a_change_to_what_it_shows_at_once(self):
        plain = Article.objects.get(slug="plain")
        self.client.get("/en/articles/plain/")
        image = plain.cover
        image.alt = "A new alt text"
        image.save()
        self.assertContains(self.client.get("/en/articles/plain/"), 'alt="A new alt text"')
        category = plain.category
        category.name_en = "Planet"
        category.save()
        response = self.client.get("/en/articles/plain/")
        self.assertContains(response, "Planet</a></p>")  # its eyebrow
        self.assertContains(response, '<meta property="article:section" content="Planet">')

    def test_comments_closing_with_the_time_are_closed_on_the_kept_story(self):
        SiteSettings.objects.update_or_create(pk=1, defaults={"comments_close_after_days": 2})
        SiteSettings.load()
        plain = Article.objects.get(slug="plain")
        self.assertContains(self.client.get("/en/articles/plain/"), 'href="#comment-form"')
        later = plain.published_at + datetime.timedelta(days=3)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertNotContains(self.client.get("/en/articles/plain/"), 'href="#comment-form"')


@override_settings(CARNET_PAGE_CACHE=False, CARNET_FRAGMENT_CACHE=True)
class KeptListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.category = make_category(slug="world", name="World")
        for n in range(12):
            make_article(slug=f"world-{n}", title=f"World news {n}", category=cls.category)

    def test_a_list_page_kept_reads_only_its_subject(self):
        self.client.get("/en/category/world/?page=2")
        first = self.client.get("/en/category/world/?page=2")
        # The category (its count is kept with its cards), and the comment counts its
        # cards show, read at once (comments/counts.py).
        with self.assertNumQueries(2):
            second = self.client.get("/en/category/world/?page=2")
        self.assertEqual(first.content, second.content)
        # The newest ten are on the first page.
        self.assertContains(second, "World news 11")
        self.assertNotContains(second, "World news 0<")

    def test_a_new_article_is_listed_at_once(self):
        self.client.get("/en/category/world/")
        self.client.get("/en/category/world/")
        make_article(
            slug="world-late",
            title="Late world news",
            category=self.category,
            published_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        self.assertContains(self.client.get("/en/category/world/"), "Late world news")

    @override_settings(CARNET_PAGE_SIZE=5)
    def test_a_kept_count_is_counted_again_when_its_list_changes(self):
        author = make_editor(username="wanda", display_name="Wanda Writer")
        make_article(category=self.category, author=author, tags=["Storms"])
        lists = {
            "category": ("/en/category/world/", {"category": self.category}),
            "tag": ("/en/tag/storms/", {"tags": ["Storms"]}),
            "author": (f"/en/author/{author.slug}/", {"author": author}),
        }

        def counts(path: str) -> tuple:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(path)
            return response, sum("COUNT(" in query["sql"] for query in queries)

        for name, (path, puts_in) in lists.items():
            with self.subTest(name):
                self.client.get(path)  # counts changes from here, nothing kept yet
                first, _counted = counts(path)
                again, counted = counts(path)
                self.assertEqual(counted, 0)
                self.assertEqual(again.content, first.content)
                # The lists its tags put it in are told once the tags are committed.
                with self.captureOnCommitCallbacks(execute=True):
                    for _n in range(5):
                        make_article(**{"category": self.category, "author": author, **puts_in})
                response, counted = counts(path)
                self.assertEqual(counted, 1)
                self.assertEqual(
                    response.context["page"].paginator.count,
                    first.context["page"].paginator.count + 5,
                )
                self.assertNotEqual(response.content, first.content)

    def test_a_kept_count_is_forgotten_when_an_article_leaves_its_list(self):
        self.client.get("/en/category/world/")
        self.assertContains(self.client.get("/en/category/world/"), "Page 1 of 2")
        for article in Article.objects.filter(category=self.category)[:2]:
            article.status = Article.Status.DRAFT
            article.save()
        response = self.client.get("/en/category/world/")
        self.assertEqual(response.context["page"].paginator.count, 10)
        self.assertNotContains(response, "Page 1 of")

    def test_each_search_keeps_its_own_results(self):
        self.client.get("/en/search/?q=news")
        self.assertContains(self.client.get("/en/search/?q=news"), "World news 0<")
        self.assertContains(self.client.get("/en/search/?q=nothingmatches"), "No results")
        # Its count and its list are kept: the cards' comment counts alone are read.
        with self.assertNumQueries(1):
            self.assertContains(self.client.get("/en/search/?q=news"), "World news 0<")


class FragmentTagTests(TestCase):
    def render(self, value: str, reading: bool = True) -> str:
        page = Template(
            '{% load carnet %}{% fragment "part" key %}{% shows "article:1" %}{{ value }}'
            "{% endfragment %}|{{ value }}"
        )
        request = RequestFactory().get("/")
        if reading:
            pagecache.start_reading(request)
        self.request = request
        return page.render(Context({"request": request, "key": "k", "value": value}))

    def test_the_first_rendering_is_kept_until_what_it_shows_changes(self):
        self.assertEqual(self.render("old"), "old|old")
        self.assertEqual(self.render("new"), "old|new")
        pagecache.forget(["article:2"])
        self.assertEqual(self.render("new"), "old|new")
        pagecache.forget(["article:1"])
        self.assertEqual(self.render("new"), "new|new")

    def test_the_page_shows_what_its_fragment_shows_rendered_or_kept(self):
        for _ in range(2):
            self.render("value")
            self.assertEqual(self.request.shown_tags, [{"site", "article:1"}])

    @override_settings(CARNET_PAGE_KEEP_SECONDS=45)
    def test_a_fragment_is_kept_no_longer_than_a_page(self):
        with mock.patch.object(fragments.cache, "set") as kept:
            self.render("value")
        ((key, entry, timeout),) = [call.args for call in kept.call_args_list]
        self.assertTrue(41 <= timeout <= 45)  # a tenth less at random

    def test_a_fragment_right_until_a_time_is_kept_until_then_and_its_page_too(self):
        request = RequestFactory().get("/")
        pagecache.start_reading(request)
        until = time.time() + 60

        def timed(value: str) -> str:
            def render() -> str:
                pagecache.fresh_until(request, until)
                return value

            # Inside another fragment: the one around is right no longer.
            return fragments.kept(
                request, "around", [], lambda: fragments.kept(request, "timed", [], render)
            )

        self.assertEqual(timed("old"), "old")
        self.assertEqual(timed("new"), "old")
        self.assertEqual(request.shown_until, [until])
        with mock.patch("time.time", return_value=until + 1):
            self.assertEqual(timed("new"), "new")

    def test_without_a_count_of_changes_nothing_is_kept(self):
        self.assertEqual(self.render("old", reading=False), "old|old")
        self.assertEqual(self.render("new", reading=False), "new|new")

    def test_a_fragment_needs_a_name(self):
        with self.assertRaises(TemplateSyntaxError):
            Template("{% load carnet %}{% fragment %}x{% endfragment %}")


class ReadAheadTests(TestCase):
    """A page reads the fragments it read last time, and their tags' numbers, in the same
    round trip as the count of changes (pagecache.start_reading_ahead)."""

    template = Template(
        '{% load carnet %}{% fragment "part" %}{% shows "article:1" %}{{ value }}'
        "{% endfragment %}|{{ value }}"
    )

    def render(self, value: str, path: str = "/") -> str:
        request = RequestFactory().get(path)
        pagecache.start_reading_ahead(request)
        html = self.template.render(Context({"request": request, "value": value}))
        pagecache.remember_reads(request)
        return html

    def test_a_page_read_again_reads_its_fragments_with_the_count(self):
        self.render("old")
        with (
            mock.patch.object(fragments.cache, "get", wraps=fragments.cache.get) as get,
            mock.patch.object(fragments.cache, "get_many", wraps=fragments.cache.get_many) as many,
        ):
            self.assertEqual(self.render("new"), "old|new")
        self.assertEqual(get.call_count, 0)
        ((keys,),) = [call.args for call in many.call_args_list]
        self.assertEqual(keys[0], pagecache.COUNTER_KEY)
        self.assertTrue(keys[1].startswith("fragment:part:"))
        self.assertEqual(keys[2:], ["pages:tag:article:1", "pages:tag:site"])

    def test_a_tag_changed_after_the_fragment_was_kept_is_seen(self):
        self.render("old")
        self.assertEqual(self.render("new"), "old|new")
        pagecache.forget(["article:1"])
        self.assertEqual(self.render("new"), "new|new")

    def test_a_tag_the_guess_lacks_is_read_before_the_fragment_is_used(self):
        def read(request, shown: str, value: str) -> str:
            def render() -> str:
                pagecache.shows(request, shown)
                return value

            return fragments.kept(request, "part", [], render)

        first = RequestFactory().get("/")
        pagecache.start_reading_ahead(first)
        self.assertEqual(read(first, "article:1", "one"), "one")
        pagecache.remember_reads(first)  # this page's guess: the tags article:1 and site
        # Kept again by another request, showing another article now.
        pagecache.forget(["article:1"])
        other = RequestFactory().get("/")
        pagecache.start_reading(other)
        self.assertEqual(read(other, "article:2", "two"), "two")
        pagecache.forget(["article:2"])
        last = RequestFactory().get("/")
        pagecache.start_reading_ahead(last)
        self.assertEqual(read(last, "article:2", "three"), "three")

    def test_a_fragment_rendered_before_the_commit_of_a_change_is_not_kept_past_it(self):
        self.render("old")
        self.render("old")
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("article:1")
            # Rendered from the rows as they were between the change and its commit.
            self.assertEqual(self.render("between"), "between|between")
        self.assertEqual(self.render("new"), "new|new")
        self.assertEqual(self.render("newer"), "new|newer")

    def test_a_request_that_changes_what_it_read_ahead_reads_it_again(self):
        self.render("old")
        request = RequestFactory().get("/")
        pagecache.start_reading_ahead(request)
        pagecache.forget(["article:1"])
        html = self.template.render(Context({"request": request, "value": "new"}))
        self.assertEqual(html, "new|new")

    def test_each_address_has_its_own_guess_and_they_are_bounded(self):
        with (
            mock.patch.object(pagecache, "READ_AHEAD_PAGES", 3),
            mock.patch.object(pagecache, "_read_last_time", {}) as guesses,
        ):
            for n in [0, 1, 2, 3, 1, 4]:
                self.render("value", f"/page-{n}/")
        # The oldest guess made room; one used again (1) is as new.
        self.assertEqual(
            list(guesses),
            [
                "http://testserver/page-3/",
                "http://testserver/page-1/",
                "http://testserver/page-4/",
            ],
        )


@override_settings(CARNET_PAGE_CACHE=False)
class CountTests(TestCase):
    def test_a_read_starts_counting_changes_when_the_cache_has_no_count(self):
        make_article(slug="counted")
        pagecache.cache.delete(pagecache.COUNTER_KEY)
        self.client.get("/articles/counted/")
        started = pagecache.cache.get(pagecache.COUNTER_KEY)
        self.assertIsNotNone(started)
        self.client.get("/articles/counted/")
        self.assertEqual(pagecache.cache.get(pagecache.COUNTER_KEY), started)
