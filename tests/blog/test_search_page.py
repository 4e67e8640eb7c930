"""The search page."""

from django.db import connection
from django.test import TestCase

from sitewide.models import SiteSettings
from tests.base import make_article, make_editor


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        make_article(author=author, title="Les élections au Sahel", body="<p>Un scrutin.</p>")
        make_article(author=author, title="Énergie", standfirst="Le pétrole et le Sahel.")
        make_article(author=author, title="Climat", body="<p>La banquise fond.</p>")

    def titles(self, response) -> set[str]:
        return {article.title for article in response.context["articles"]}

    def test_it_finds_articles_by_title_standfirst_and_body(self):
        response = self.client.get("/search/", {"q": "Sahel"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/search.html")
        self.assertEqual(self.titles(response), {"Les élections au Sahel", "Énergie"})
        self.assertEqual(self.titles(self.client.get("/search/", {"q": "banquise"})), {"Climat"})

    def test_all_words_must_match(self):
        response = self.client.get("/search/", {"q": "Sahel scrutin"})
        self.assertEqual(self.titles(response), {"Les élections au Sahel"})

    def test_it_finds_nothing_for_an_unknown_word(self):
        response = self.client.get("/search/", {"q": "xylophone"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.titles(response), set())

    def test_an_empty_query_shows_the_form_only(self):
        response = self.client.get("/search/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="q"')
        self.assertEqual(response.context["query"], "")
        self.assertEqual(list(response.context["articles"]), [])

    def test_it_uses_full_text_search_on_postgresql(self):
        if connection.vendor != "postgresql":
            self.skipTest("full-text search is PostgreSQL's")
        # French stemming: "élection" finds "élections", which a substring match would too,
        # but "scrutins" only matches "scrutin" through the stemmer.
        self.assertEqual(
            self.titles(self.client.get("/search/", {"q": "scrutins"})),
            {"Les élections au Sahel"},
        )

    def test_it_echoes_the_query_escaped(self):
        response = self.client.get("/search/", {"q": "<script>alert(1)</script>"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_it_keeps_the_query_in_the_pagination_links(self):
        author = make_editor()
        for n in range(11):
            make_article(author=author, title=f"Paged walrus {n}")
        response = self.client.get("/search/", {"q": "Paged  walrus"})
        self.assertContains(response, 'href="?q=Paged++walrus&amp;page=2"')
