"""Search folds ligatures, keeps paragraphs apart in excerpts, sorts and filters from the
address. Runs on SQLite and on PostgreSQL alike: DATABASE_URL picks the engine."""

import datetime

from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from blog.models import Article
from blog.search import excerpt, fold, plain_text
from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_editor


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


class LigatureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.heart = make_article(
            title="Au cœur du Sahel", body="<p>Les sœurs sont arrivées ex æquo.</p>"
        )

    def found(self, query: str) -> list[Article]:
        return list(Article.objects.published().search(query))

    def test_oe_and_ae_find_the_ligatures_and_back(self):
        for query in ["coeur", "cœur", "COEUR", "soeurs", "aequo", "æquo"]:
            with self.subTest(query=query):
                self.assertEqual(self.found(query), [self.heart])

    def test_the_excerpt_marks_the_word_with_its_ligature(self):
        response = self.client.get("/search/?q=soeurs")
        self.assertContains(response, "<mark>sœurs</mark>")


class PlainTextTests(SimpleTestCase):
    def test_paragraphs_stay_apart(self):
        html = "<p>Il faut conclure.</p><p>Les élections</p><ul><li>un</li><li>deux</li></ul>"
        self.assertEqual(plain_text(html), "Il faut conclure. Les élections un deux")

    def test_inline_tags_do_not_split_words(self):
        self.assertEqual(plain_text("<p>im<em>port</em>ant</p>"), "important")

    def test_folding_writes_out_ligatures(self):
        self.assertEqual(fold("Œuvre, Cæsar"), "oeuvre, caesar")

    def test_an_excerpt_across_paragraphs(self):
        text = plain_text("<p>Il faut conclure.</p><p>Les élections auront lieu.</p>")
        self.assertEqual(
            str(excerpt(text, "elections")),
            "Il faut conclure. Les <mark>élections</mark> auront lieu.",
        )


class ExcerptBoundaryTests(TestCase):
    def test_the_results_page_keeps_the_paragraphs_apart(self):
        SiteSettings.load()
        make_article(
            title="Sahel", standfirst="", body="<p>Il faut conclure.</p><p>Les élections.</p>"
        )
        response = self.client.get("/search/?q=elections")
        self.assertContains(response, "conclure. Les <mark>élections</mark>")
        self.assertNotContains(response, "conclure.Les")


class SortAndFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        cls.politics = make_category(name="Politique", slug="politique", name_en="Politics")
        cls.science = make_category(name="Science", slug="science")
        # The older one names the word in its title: the better match.
        cls.older = make_article(
            author=author, title="Sécheresse au Sahel", standfirst="", category=cls.science,
            body="<p>Un rapport.</p>", published_at=ago(5),
        )  # fmt: skip
        cls.newer = make_article(
            author=author, title="Un rapport", standfirst="", category=cls.politics,
            body="<p>Il évoque la sécheresse en passant.</p>", published_at=ago(1),
        )  # fmt: skip
        cls.english = make_article(
            author=author, title="Drought", standfirst="", category=cls.science, language="en",
            body="<p>Sécheresse, in French.</p>", published_at=ago(3),
        )  # fmt: skip

    def titles(self, url: str) -> list[str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return [article.title for article in response.context["articles"]]

    def test_newest_first_when_asked(self):
        self.assertEqual(
            self.titles("/search/?q=secheresse&sort=newest"),
            ["Un rapport", "Sécheresse au Sahel", "Drought"],
        )

    def test_relevance_by_default_the_editions_language_first(self):
        titles = self.titles("/search/?q=secheresse")
        self.assertEqual(titles[-1], "Drought")
        self.assertEqual(set(titles[:2]), {"Un rapport", "Sécheresse au Sahel"})

    def test_filters_by_category_and_language(self):
        self.assertEqual(
            self.titles("/search/?q=secheresse&category=science"),
            ["Sécheresse au Sahel", "Drought"],
        )
        self.assertEqual(self.titles("/search/?q=secheresse&language=en"), ["Drought"])
        self.assertEqual(
            self.titles("/search/?q=secheresse&category=science&language=fr"),
            ["Sécheresse au Sahel"],
        )

    def test_the_form_shows_the_chosen_sort_and_filters_and_pages_keep_them(self):
        response = self.client.get("/en/search/?q=secheresse&category=politique&sort=newest")
        self.assertContains(response, '<option value="politique" selected>Politics</option>')
        self.assertContains(response, '<option value="newest" selected>Newest first</option>')
        self.assertContains(response, '<option value="fr">In French</option>')

    def test_an_unknown_filter_is_a_clear_400(self):
        response = self.client.get("/search/?q=secheresse&category=nowhere&sort=sideways")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="error-summary"', status_code=400)
        self.assertContains(response, 'href="#id_category"', status_code=400)
        self.assertContains(response, 'href="#id_sort"', status_code=400)
        self.assertNotContains(response, "Sécheresse au Sahel", status_code=400)
