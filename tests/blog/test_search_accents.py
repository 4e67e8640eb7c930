"""Search forgives accents and case, says what it found, and shows highlighted excerpts.

Runs on SQLite (the accent-folded search_text) and on PostgreSQL (unaccent configurations
and ts_headline) alike: DATABASE_URL picks the engine.
"""

import datetime

from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from blog.models import Article, search_vector
from blog.search import excerpt, search_text
from pages.models import footer_links
from sitewide.models import SiteSettings
from sitewide.pagecache import pages_changed
from tests.base import make_article, make_editor


class AccentAndCaseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        cls.french = make_article(
            author=author,
            language="fr",
            title="Les élections au Sahel",
            standfirst="",
            body="<p>Le scrutin est très attendu par les électeurs.</p>",
        )
        cls.english = make_article(
            author=author,
            language="en",
            title="A café in Zürich",
            standfirst="",
            body="<p>Coffee and naïve questions.</p>",
        )

    def found(self, query: str) -> list[Article]:
        return list(Article.objects.published().search(query))

    def test_a_query_without_accents_finds_the_accented_words(self):
        self.assertEqual(self.found("elections"), [self.french])
        self.assertEqual(self.found("zurich"), [self.english])
        self.assertEqual(self.found("naive"), [self.english])

    def test_case_does_not_matter(self):
        self.assertEqual(self.found("ELECTIONS"), [self.french])
        self.assertEqual(self.found("ÉLECTIONS"), [self.french])
        self.assertEqual(self.found("Cafe"), [self.english])

    def test_a_query_with_accents_still_finds_them(self):
        self.assertEqual(self.found("élections"), [self.french])

    def test_the_page_finds_it_without_accents(self):
        response = self.client.get("/search/", {"q": "elections"})
        self.assertEqual(list(response.context["articles"]), [self.french])


class ResultsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        for n in range(3):
            make_article(
                author=author,
                language="fr",
                title=f"Élections, épisode {n}",
                body="<p>Avant le vote, les <em>électeurs</em> hésitent.</p>",
            )

    def test_the_heading_gives_the_count_and_the_query(self):
        response = self.client.get("/search/", {"q": "elections"})
        self.assertContains(response, "3 résultats pour «\u202felections\u202f»")
        response = self.client.get("/en/search/", {"q": "elections"})
        self.assertContains(response, "3 results for “elections”")

    def test_one_result_is_singular(self):
        make_article(author=make_editor(), title="Un seul walrus")
        response = self.client.get("/en/search/", {"q": "walrus"})
        self.assertContains(response, "1 result for “walrus”")

    def test_nothing_found_says_so_with_the_query(self):
        response = self.client.get("/search/", {"q": "xylophone"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Aucun résultat pour «\u202fxylophone\u202f»")
        self.assertNotContains(response, "Pas encore d’article ici")
        response = self.client.get("/en/search/", {"q": "xylophone"})
        self.assertContains(response, "No results for “xylophone”")

    def test_each_result_shows_an_excerpt_with_the_words_highlighted(self):
        response = self.client.get("/search/", {"q": "electeurs"})
        self.assertContains(response, '<p class="card__excerpt">', count=3)
        self.assertContains(response, "<mark>électeurs</mark>", count=3)
        # The body's own markup does not come through: the excerpt is text.
        self.assertNotContains(response, "<em>électeurs</em>")

    def test_a_hostile_query_is_inert(self):
        make_article(
            author=make_editor(),
            language="en",
            title="Script",
            body="<p>About the script element and &lt;script&gt; tags.</p>",
        )
        response = self.client.get("/en/search/", {"q": "<script>alert(1)</script> script"})
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertNotIn("<script>alert", content)
        self.assertNotIn("<script>", content.split("<main", 1)[1])
        self.assertIn("&lt;script&gt;", content)


class ExcerptTests(SimpleTestCase):
    """The excerpt cut in Python where PostgreSQL's ts_headline is missing."""

    def test_it_marks_each_match_keeping_the_accents_of_the_text(self):
        self.assertEqual(
            excerpt("Les Élections et les élections.", "ELECTIONS"),
            "Les <mark>Élections</mark> et les <mark>élections</mark>.",
        )

    def test_it_escapes_the_text_and_only_adds_its_own_marks(self):
        text = "Un <script>alert(1)</script> dans le texte \ue000faux\ue001"
        self.assertEqual(
            excerpt(text, "<script>"),
            "Un <mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; dans le texte faux",
        )

    def test_a_long_text_is_cut_around_the_first_match(self):
        text = " ".join(["mot"] * 100 + ["Sahel"] + ["mot"] * 100)
        cut = excerpt(text, "sahel")
        self.assertTrue(cut.startswith("… mot"))
        self.assertTrue(cut.endswith("mot …"))
        self.assertIn("<mark>Sahel</mark>", cut)
        self.assertLess(len(cut.split()), 40)


class SearchTextTests(TestCase):
    def test_it_is_kept_current_on_save_where_it_is_used(self):
        if connection.vendor == "postgresql":
            self.skipTest("PostgreSQL searches its stored vector")
        article = make_article(title="Énergie", standfirst="", body="<p>Pétrole</p>")
        article.refresh_from_db()
        self.assertEqual(article.search_text, "energie petrole")
        article.body = "<p>Électricité</p>"
        article.save(update_fields=["body"])
        article.refresh_from_db()
        self.assertEqual(article.search_text, "energie electricite")


class SearchQueryBudgetTests(TestCase):
    """The search page makes as many queries with 10 matching articles as with 1,000."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor()

    def add_articles(self, count: int) -> None:
        now = timezone.now()
        articles = [
            Article(
                title=f"Budget élection {n}",
                slug=f"budget-election-{n}",
                body="<p>Un scrutin.</p>",
                body_html="<p>Un scrutin.</p>",
                author=self.author,
                language="fr",
                status=Article.Status.PUBLISHED,
                published_at=now - datetime.timedelta(days=1, minutes=n),
                search_text=search_text(f"Budget élection {n}", "", "<p>Un scrutin.</p>"),
            )
            for n in range(Article.objects.count(), Article.objects.count() + count)
        ]
        Article.objects.bulk_create(articles)
        pages_changed()  # bulk_create goes round the models that tell the page cache
        if connection.vendor == "postgresql":
            Article.objects.update(search_vector=search_vector())

    def test_its_query_count_does_not_grow_with_the_articles(self):
        for count in [10, 990]:
            self.add_articles(count)
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            footer_links()  # the footer's pages too
            # the bounded count, the page's articles, the page's excerpts, the menu's
            # categories
            with self.subTest(articles=count), self.assertNumQueries(4):
                response = self.client.get("/search/", {"q": "election"})
            self.assertEqual(len(response.context["articles"]), 10)
