"""Old WordPress addresses answer 301 to what their item became."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from blog.models import Article
from tests.base import make_article, sign_in
from tests.wordpress.helpers import SITE, author, category, export, item, run, tag


class OldAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        run(
            export(
                author("jdoe", "Jane Doe"),
                category("news", "News", wp_id="3"),
                category("world", "World", parent="news", wp_id="4"),
                tag("paris", "Paris", wp_id="7"),
                tag("%c3%a9t%c3%a9", "Été", wp_id="8"),
                item(12, title="Hello", slug="hello", date="2020-03-04 10:00:00",
                     terms=[("category", "world", "World"), ("post_tag", "paris", "Paris")]),
                # A site with another structure: the post's own link is read from the file.
                # (Its tag has a page: a published article has it.)
                item(13, title="Other", slug="other", link=f"{SITE}/archives/13",
                     terms=[("post_tag", "%c3%a9t%c3%a9", "Été")]),
                item(14, title="Draft", slug="", status="draft", link=f"{SITE}/?p=14"),
            )
        )  # fmt: skip

    def assert_moved(self, old: str, new: str) -> None:
        response = self.client.get(old)
        # Read from the headers: a redirect served again from the page cache is a plain
        # HttpResponse.
        self.assertEqual((response.status_code, response["Location"]), (301, new))

    def test_every_address_of_a_post_leads_to_its_article(self):
        for old in [
            "/?p=12",
            "/2020/03/04/hello/",
            "/2020/03/hello/",
            "/hello/",
            "/hello",
            "/?p=12&utm_source=mail",
        ]:
            with self.subTest(old):
                self.assert_moved(old, "/articles/hello/")
        self.assert_moved("/archives/13", "/articles/other/")
        self.assert_moved("/?p=13", "/articles/other/")
        self.assert_moved("/hello/feed/", "/feed/comments/")

    def test_categories_tags_authors_and_feeds_lead_to_their_pages(self):
        self.assert_moved("/category/news/world/", "/category/world/")
        self.assert_moved("/category/news/world/feed/", "/category/world/feed/")
        self.assert_moved("/?cat=4", "/category/world/")
        self.assert_moved("/tag/été/", "/tag/ete/")
        self.assert_moved("/tag/%C3%A9t%C3%A9/", "/tag/ete/")
        self.assert_moved("/?tag=paris", "/tag/paris/")
        self.assert_moved("/author/jdoe/", "/author/jane-doe/")
        self.assert_moved("/author/jdoe/feed/", "/author/jane-doe/feed/")
        self.assert_moved("/comments/feed/", "/feed/comments/")
        self.assert_moved("/feed/rss2/", "/feed/")
        self.assert_moved("/?feed=rss2", "/feed/")

    def test_every_redirect_leads_to_a_page_that_answers(self):
        for old in ["/?p=12", "/category/news/world/", "/tag/été/", "/author/jdoe/",
                    "/comments/feed/", "/hello/feed/"]:  # fmt: skip
            with self.subTest(old):
                response = self.client.get(old, follow=True)
                self.assertEqual(response.status_code, 200)

    def test_carnet_addresses_win_and_cost_no_lookup(self):
        # /feed/ is an old address too, and Carnet's own feed: Carnet answers it.
        for url in ["/", "/feed/", "/articles/hello/", "/category/world/", "/?page=1"]:
            with self.subTest(url), CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
            self.assertFalse([q for q in queries if "wordpress_" in q["sql"]])

    def test_an_unknown_address_is_still_a_404(self):
        self.assertEqual(self.client.get("/2020/03/04/nothing/").status_code, 404)
        self.assertEqual(self.client.get("/?p=999").status_code, 200)  # the home page

    def test_an_address_with_a_nul_byte_is_a_404(self):
        # PostgreSQL refuses a NUL in a text parameter: the lookup must not ask it.
        for path in ["/no-such%00page/", "/articles/a%00b/", "/?p=12%00"]:
            with self.subTest(path=path):
                self.assertIn(self.client.get(path).status_code, {200, 404})
        self.assertEqual(self.client.get("/archives/13%00").status_code, 404)

    def test_a_draft_leads_to_its_article_page_which_stays_private(self):
        response = self.client.get("/?p=14")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(self.client.get(response["Location"]).status_code, 404)

    def test_an_article_renamed_since_still_receives_its_old_addresses(self):
        article = Article.objects.get(slug="hello")
        article.slug = "bonjour"
        article.save()
        self.assert_moved("/2020/03/04/hello/", "/articles/bonjour/")

    def test_a_deleted_article_leaves_a_404(self):
        Article.objects.get(slug="hello").delete()
        self.assertEqual(self.client.get("/2020/03/04/hello/").status_code, 404)

    def test_the_redirect_is_public_and_cacheable(self):
        response = self.client.get("/?p=12")
        self.assertIn("public", response["Cache-Control"])
        self.assertFalse(response.cookies)
        again = self.client.get("/?p=12")
        self.assertEqual(again.content, response.content)
        self.assertEqual(again["Location"], "/articles/hello/")

    def test_a_post_is_never_redirected(self):
        self.assertEqual(self.client.post("/hello/").status_code, 404)

    def test_a_carnet_page_at_an_old_address_is_not_redirected(self):
        make_article(slug="kept")
        self.assertEqual(self.client.get("/articles/kept/").status_code, 200)


class OldAddressAdminTests(TestCase):
    def test_an_administrator_sees_each_old_address_and_where_it_leads(self):
        from tests.base import make_superuser

        run(export(item(12, title="Hello", slug="hello", date="2020-03-04 10:00:00")))
        sign_in(self.client, make_superuser())
        response = self.client.get("/admin/wordpress/oldaddress/", {"q": "hello"})
        self.assertContains(response, "/2020/03/04/hello/")
        self.assertContains(response, "/articles/hello/")
        self.assertNotContains(response, "/admin/wordpress/oldaddress/add/")


class SubfolderSiteTests(TestCase):
    def test_a_site_installed_in_a_folder_keeps_its_addresses_under_it(self):
        site = "https://www.old.example/blog"
        run(
            export(
                item(12, slug="hello", date="2020-03-04 10:00:00",
                     link=f"{site}/2020/03/04/hello/",
                     content='<a href="https://old.example/blog/?p=12">me</a>'),
                site=site,
            )
        )  # fmt: skip
        for old in ["/blog/?p=12", "/blog/2020/03/04/hello/", "/blog/hello/", "/blog/feed/"]:
            with self.subTest(old):
                self.assertEqual(self.client.get(old).status_code, 301)
        self.assertEqual(self.client.get("/?p=12").status_code, 200)  # Carnet's home page
        self.assertIn('href="/blog/?p=12"', Article.objects.get().body_html)
