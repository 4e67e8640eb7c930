"""Every public page is one set of bytes for every anonymous reader, and caches may keep it.

These run through the whole middleware stack, Carnet's page cache included.
"""

import datetime
import gzip

from django.test import Client, TestCase
from django.utils import timezone
from taggit.models import Tag

from comments.models import Comment
from pages.models import Page
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_moderator,
    make_superuser,
    sign_in,
)
from tests.comments.helpers import comment_data


class CacheablePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor(slug="the-author", accepts_contact=True)
        category = make_category(slug="world")
        cls.article = make_article(slug="kept", author=author, category=category, tags=["Peace"])
        make_comment(article=cls.article, name="Pascal")
        Page.objects.create(slug="a-propos", title="À propos", body="<p>Nous.</p>")

    def public_urls(self) -> list[str]:
        published = timezone.localtime(self.article.published_at)
        urls = [
            "/",
            "/?page=1",
            "/articles/kept/",
            "/category/world/",
            "/category/world/feed/",
            "/tag/peace/",
            "/tag/peace/feed/",
            "/author/the-author/",
            "/author/the-author/feed/",
            "/author/the-author/contact/",
            f"/archive/{published.year}/{published.month}/",
            f"/archive/{published.year}/",
            "/search/?q=article",
            "/feed/",
            "/feed/atom/",
            "/feed/comments/",
            "/corrections/",
            "/corrections/feed/",
            "/corrections/feed/atom/",
            "/newsletter/",
            "/newsletter/sent/",
            "/pages/a-propos/",
            "/comments/manage/",
        ]
        return (
            urls
            + [f"/en{url}" for url in urls]
            + [
                "/sitemap.xml",
                "/sitemap-news-fr.xml",
                "/sitemap-news-en.xml",
                "/robots.txt",
            ]
        )

    def test_two_anonymous_readers_get_the_same_bytes_and_no_cookie(self):
        for url in self.public_urls():
            with self.subTest(url=url):
                first, second = Client().get(url), Client().get(url)
                self.assertEqual(first.status_code, 200)
                self.assertEqual(first.content, second.content)
                self.assertEqual(first.cookies, {})
                self.assertEqual(second.cookies, {})
                self.assertIn("public", first["Cache-Control"])
                self.assertIn("max-age=", first["Cache-Control"])
                self.assertIn("stale-while-revalidate=", first["Cache-Control"])
                self.assertNotIn("Cookie", first.get("Vary", ""))
                self.assertNotIn("Accept-Language", first.get("Vary", ""))

    def test_a_reader_who_has_the_page_gets_304(self):
        for url in ["/", "/articles/kept/", "/feed/", "/sitemap.xml"]:
            with self.subTest(url=url):
                etag = self.client.get(url)["ETag"]
                response = self.client.get(url, headers={"If-None-Match": etag})
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")

    def test_pages_feeds_and_sitemaps_are_compressed_for_browsers_that_accept_it(self):
        for url in ["/articles/kept/", "/feed/", "/sitemap.xml"]:
            with self.subTest(url=url):
                plain = self.client.get(url).content
                response = self.client.get(url, headers={"Accept-Encoding": "gzip, br"})
                self.assertEqual(response["Content-Encoding"], "gzip")
                self.assertIn("Accept-Encoding", response["Vary"])
                self.assertEqual(gzip.decompress(response.content), plain)

    def test_a_reader_with_a_cookie_of_their_own_is_served_privately(self):
        for cookie in ["sessionid", "carnet_pending", "carnet_commenter", "messages"]:
            with self.subTest(cookie=cookie):
                client = Client()
                client.cookies[cookie] = "x"
                response = client.get("/articles/kept/")
                self.assertEqual(response["Cache-Control"], "private")

    def test_a_signed_in_editor_is_served_privately(self):
        self.client.force_login(make_editor())
        response = self.client.get("/articles/kept/")
        self.assertEqual(response["Cache-Control"], "private")

    def test_two_readers_of_one_cached_page_can_both_comment(self):
        page = Client().get("/articles/kept/").content.decode()
        stamp = page.split('name="token" value="')[1].split('"')[0]
        for n, address in enumerate(["198.51.100.1", "198.51.100.2"]):
            response = Client().post(
                "/articles/kept/comment/",
                comment_data(self.article, token=stamp, name=f"Reader {n}", body=f"Words {n}"),
                REMOTE_ADDR=address,
                headers={"Sec-Fetch-Site": "same-origin"},
            )
            self.assertEqual(response.status_code, 303)
        self.assertEqual(Comment.objects.in_moderation().count(), 2)

    def test_an_identical_post_replayed_stores_one_comment(self):
        data = comment_data(self.article)
        first = Client().post("/articles/kept/comment/", data, REMOTE_ADDR="198.51.100.9")
        again = Client().post("/articles/kept/comment/", data, REMOTE_ADDR="198.51.100.10")
        self.assertEqual((first.status_code, again.status_code), (303, 409))
        self.assertEqual(Comment.objects.in_moderation().count(), 1)

    def test_the_poster_is_answered_privately_and_sees_their_pending_comment(self):
        client = Client()
        client.post("/en/articles/kept/comment/", comment_data(self.article, body="Mine"))
        response = client.get("/en/articles/kept/")
        self.assertEqual(response["Cache-Control"], "private")
        self.assertContains(response, "Mine")
        self.assertNotContains(Client().get("/en/articles/kept/"), "Mine")


class FreshAfterChangeTests(TestCase):
    """Publishing, editing, approving or deleting shows at once in Carnet's own cache."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="first", title="First story")

    def kept(self, url: str) -> str:
        """The page as the cache keeps it: asked for until it comes from the cache."""
        for _ in range(3):
            content = Client().get(url).content.decode()
        return content

    def test_publishing_an_article_shows_it_on_the_home_page(self):
        self.assertNotIn("Second story", self.kept("/"))
        make_article(slug="second", title="Second story")
        self.assertIn("Second story", Client().get("/").content.decode())

    def test_editing_an_article_shows_the_new_words(self):
        self.assertIn("First story", self.kept("/articles/first/"))
        self.article.title = "First story, corrected"
        self.article.save()
        self.assertIn("First story, corrected", Client().get("/articles/first/").content.decode())

    def test_approving_a_comment_shows_it(self):
        comment = make_comment(
            article=self.article, status=Comment.Status.PENDING, body="Hi there"
        )
        self.assertNotIn("Hi there", self.kept("/articles/first/"))
        Comment.objects.filter(pk=comment.pk).approve(by=make_moderator())
        self.assertIn("Hi there", Client().get("/articles/first/").content.decode())

    def test_deleting_an_article_takes_it_off_every_page(self):
        self.assertIn("First story", self.kept("/"))
        self.article.delete()
        self.assertNotIn("First story", Client().get("/").content.decode())
        self.assertEqual(Client().get("/articles/first/").status_code, 404)

    def test_publishing_an_article_updates_the_archive_and_tag_indexes(self):
        self.assertNotIn("Nouvelle étiquette", self.kept("/tag/"))
        self.kept("/archive/")
        make_article(
            slug="older",
            tags=["Nouvelle étiquette"],
            published_at=datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC),
        )
        self.assertIn("Nouvelle étiquette", Client().get("/tag/").content.decode())
        self.assertIn('href="/archive/2020/5/"', Client().get("/archive/").content.decode())

    def test_renaming_a_tag_shows_on_the_tag_index(self):
        self.article.tags.set(["Climat"])
        self.assertIn("Climat", self.kept("/tag/"))
        tag = Tag.objects.get(name="Climat")
        admin = Client()
        sign_in(admin, make_superuser())
        response = admin.post(
            f"/admin/taggit/tag/{tag.pk}/change/", {"name": "Climat et énergie", "slug": tag.slug}
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn("Climat et énergie", Client().get("/tag/").content.decode())

    def test_changing_the_site_settings_shows_on_every_page(self):
        self.assertNotIn("Le Nouveau Carnet", self.kept("/"))
        site = SiteSettings.load()
        site.site_name = "Le Nouveau Carnet"
        site.save()
        self.assertIn("Le Nouveau Carnet", Client().get("/").content.decode())
