"""WordPress pages become Carnet pages."""

from django.test import TestCase

from blog.models import Article
from pages.models import Page
from tests.wordpress.helpers import SITE, comment, export, item, run


class PageImportTests(TestCase):
    def test_a_page_becomes_a_page_with_its_old_addresses(self):
        out, _ = run(
            export(
                item(5, title="About us", slug="about", post_type="page",
                     content="Who we are.\n\nWhat we do.", link=f"{SITE}/company/about/",
                     comments=[comment(1)]),
            )
        )  # fmt: skip
        page = Page.objects.get()
        self.assertEqual((page.title, page.slug, page.published), ("About us", "about", True))
        self.assertHTMLEqual(page.body_html, "<p>Who we are.</p><p>What we do.</p>")
        self.assertFalse(Article.objects.exists())
        self.assertIn("Imported: 1 page", out)
        self.assertIn("1 comment: on a page", out)
        for old in ["/company/about/", "/?page_id=5", "/about/"]:
            with self.subTest(old):
                response = self.client.get(old)
                self.assertEqual(
                    (response.status_code, response["Location"]), (301, "/pages/about/")
                )
        self.assertEqual(self.client.get("/pages/about/").status_code, 200)

    def test_a_draft_page_is_unpublished_and_private_ones_are_skipped(self):
        out, _ = run(
            export(
                item(5, slug="draft", post_type="page", status="draft"),
                item(6, slug="secret", post_type="page", status="private"),
            )
        )
        self.assertEqual(list(Page.objects.values_list("slug", "published")), [("draft", False)])
        self.assertIn("1 page: status “private”", out)

    def test_a_page_imported_twice_is_kept_once(self):
        data = export(item(5, slug="about", post_type="page"))
        run(data)
        out, _ = run(data)
        self.assertEqual(Page.objects.count(), 1)
        self.assertIn("Already imported before, left as they are: 1 page", out)

    def test_a_page_whose_slug_is_taken_gets_a_number(self):
        Page.objects.create(title="About", slug="about", body="<p>Ours</p>")
        run(export(item(5, slug="about", post_type="page")))
        self.assertTrue(Page.objects.filter(slug="about-2").exists())
