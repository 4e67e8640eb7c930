"""Two editions: each language's pages lead with the stories written in it, a translated
pair appears once per edition, in its language, and the others stay reachable, marked."""

import datetime
import re
import unittest

import psycopg
from django.db import connection
from django.test import TestCase
from django.utils import timezone, translation

from blog.models import Article, Category
from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_draft, make_editor


def ago(hours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


class EditionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor(slug="amina")
        cls.category = make_category(slug="sahel")
        common = {"author": author, "category": cls.category, "tags": ["Sahel"]}
        # A pair: the French original and its English translation.
        cls.english = make_article(
            title="Sahel elections", slug="sahel-elections", language="en",
            published_at=ago(5), **common,
        )  # fmt: skip
        cls.french = make_article(
            title="Élections au Sahel", slug="elections-au-sahel", language="fr",
            translation=cls.english, published_at=ago(4), **common,
        )  # fmt: skip
        # Untranslated, one in each language; the French one the newest of all.
        cls.french_only = make_article(
            title="Seulement en français", slug="seulement", language="fr",
            published_at=ago(1), **common,
        )  # fmt: skip
        cls.english_only = make_article(
            title="Only in English", slug="only-english", language="en",
            published_at=ago(6), **common,
        )  # fmt: skip
        # A translation still in draft does not hide its original.
        cls.pending = make_article(
            title="Traduction à venir", slug="a-venir", language="fr",
            published_at=ago(7), translation=make_draft(language="en", slug="to-come"), **common,
        )  # fmt: skip

    def titles(self, edition: str) -> list[str]:
        return [a.title for a in Article.objects.published().for_edition(edition)]

    def test_an_edition_leads_with_its_language_and_shows_a_pair_once(self):
        self.assertEqual(
            self.titles("en"),
            [
                "Sahel elections",
                "Only in English",
                "Seulement en français",
                "Traduction à venir",
            ],
        )
        self.assertEqual(
            self.titles("fr"),
            [
                "Seulement en français",
                "Élections au Sahel",
                "Traduction à venir",
                "Only in English",
            ],
        )

    def test_every_list_and_feed_follows_the_edition(self):
        for url in [
            "/en/category/sahel/",
            "/en/tag/sahel/",
            "/en/author/amina/",
            f"/en/archive/{ago(1):%Y}/",
            "/en/feed/",
            "/en/category/sahel/feed/",
            "/en/tag/sahel/feed/",
            "/en/author/amina/feed/",
        ]:
            with self.subTest(url=url):
                content = self.client.get(url).content.decode()
                self.assertIn("Sahel elections", content)
                self.assertNotIn("Élections au Sahel", content)
                self.assertLess(content.index("Only in English"), content.index("Seulement"))

    def test_the_front_page_leads_with_its_edition_then_the_other_language(self):
        response = self.client.get("/en/")
        html = response.content.decode()
        self.assertEqual(response.context["front"].lead, self.english)
        self.assertNotIn("Élections au Sahel", html)
        others = re.search(r'<section[^>]*aria-labelledby="language-fr".*?</section>', html, re.S)
        self.assertIn('<h2 class="section-title" id="language-fr">In French</h2>', others[0])
        self.assertIn('href="/en/articles/seulement/"', others[0])
        self.assertNotIn("Sahel elections", others[0])

        response = self.client.get("/")
        self.assertEqual(response.context["front"].lead, self.french_only)
        self.assertNotContains(response, "Sahel elections")
        self.assertContains(response, ">En anglais</h2>")

    def test_a_card_in_another_language_says_so_in_the_pages_language(self):
        response = self.client.get("/en/category/sahel/")
        self.assertContains(response, '<p class="language-label" lang="en">In French</p>', count=2)
        response = self.client.get("/category/sahel/")
        self.assertContains(response, '<p class="language-label" lang="fr">En anglais</p>')

    def test_the_pinned_story_leads_its_edition_as_its_translation(self):
        self.french.featured = True
        self.french.save()
        self.assertEqual(self.client.get("/en/").context["front"].lead, self.english)
        self.assertEqual(self.client.get("/").context["front"].lead, self.french)

    def test_the_search_finds_a_pair_once_in_the_editions_language(self):
        response = self.client.get("/en/search/?q=sahel")
        self.assertContains(response, "Sahel elections")
        self.assertNotContains(response, "Élections au Sahel")

    def test_an_article_asked_in_the_other_edition_leads_to_its_translation(self):
        response = self.client.get("/en/articles/elections-au-sahel/")
        self.assertRedirects(response, "/en/articles/sahel-elections/", status_code=302)

    def test_previous_and_next_stay_in_the_edition(self):
        # The twin in the other language is skipped, an untranslated story is not.
        self.assertEqual(self.english_only.get_next_published("fr"), self.french)
        self.assertEqual(self.english.get_next_published("en"), self.french_only)
        self.assertEqual(self.english.get_previous_published("en"), self.english_only)


class CategoryNameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.category = make_category(
            name="Économie",
            slug="economie",
            description="L'argent.",
            name_en="Economy",
            description_en="Money.",
        )
        make_article(category=cls.category, language="en", title="Markets")
        make_category(name="Politique", slug="politique")

    def test_each_edition_names_the_category_in_its_language(self):
        response = self.client.get("/en/category/economie/")
        self.assertContains(response, '<h1 class="page-title">Economy</h1>', html=True)
        self.assertContains(response, "<p>Money.</p>")
        self.assertContains(
            response, '<a href="/en/category/economie/" aria-current="page">Economy</a>'
        )
        response = self.client.get("/category/economie/")
        self.assertContains(response, '<h1 class="page-title">Économie</h1>', html=True)
        self.assertContains(response, "<p>L&#x27;argent.</p>")

    def test_the_english_feed_names_the_category_in_english(self):
        content = self.client.get("/en/category/economie/feed/").content.decode()
        self.assertIn("<category>Economy</category>", content)
        self.assertIn("<description>Money.</description>", content)

    def test_a_category_without_english_name_keeps_its_own(self):
        category = Category.objects.get(slug="politique")
        with translation.override("en"):
            self.assertEqual(category.local_name, "Politique")
            self.assertEqual(self.category.local_name, "Economy")
        self.assertEqual(self.category.local_name, "Économie")


class EditionIndexTests(TestCase):
    """Each edition's order is read off an index (Article.Meta), not sorted, on both
    databases: the planner uses one only when the query writes the order exactly as the
    index does (SQLite: with the same literals, EditionKey)."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.category = make_category(slug="monde")
        for n in range(3):
            make_article(language="fr" if n % 2 else "en", category=cls.category)

    def plan(self, queryset) -> str:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # SQLite weighs an index by its statistics, which a site has once its
                # articles are loaded (load_demo, the importer) or analyzed; without
                # them it expects the most constrained index to find fewest rows.
                cursor.execute("ANALYZE")
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                return "\n".join(row[-1] for row in cursor.fetchall())
            # With so few rows a scan is cheaper; forbidding it shows what the order allows.
            cursor.execute("SET LOCAL enable_seqscan = off")
            # And a sort of three rows is cheaper than any index: after other tests'
            # rows changed the table's statistics, the planner sorted the date index's
            # matches. A sort only costs more when forbidden; a list no index orders
            # still shows one (so the assertion below still holds it).
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def test_every_list_of_each_edition_is_read_in_order_off_its_index(self):
        sorted_here = (
            "USE TEMP B-TREE FOR ORDER BY" if connection.vendor == "sqlite" else "Sort Key"
        )
        for code in ["fr", "en"]:
            edition = Article.objects.published().for_edition(code)
            own = Article.objects.published().written_in(code)
            lists = {
                f"article_{code}_idx": edition[:10],
                f"article_{code}_category_idx": edition.filter(category=self.category)[:10],
                f"article_{code}_author_idx": edition.filter(author_id=1)[:10],
                f"article_{code}_idx ": edition.filter(in_other_language=1).order_by(
                    "-published_at", "-pk"
                )[:10],
                # The front page's own stories: an edition with few of them (the English
                # one of a French site) is expected to have one, and was read whole.
                f"article_{code}_idx  ": own[:6],
                f"article_{code}_category_idx ": own.filter(category=self.category)[:4],
                # An article's related candidates, as Article.related() asks for them.
                f"article_{code}_category_idx  ": edition.exclude(pk=1)
                .filter(category=self.category)
                .values_list("pk", "published_at")[:20],
            }
            for index, queryset in lists.items():
                with self.subTest(index):
                    plan = self.plan(queryset)
                    self.assertRegex(plan, rf"\b{index.strip()}\b")
                    self.assertNotIn(sorted_here, plan)


@unittest.skipUnless(connection.vendor == "postgresql", "plans kept for a connection")
class NeighbourPlanTests(TestCase):
    """PostgreSQL plans a prepared query once for every value it will be given (a generic
    plan, config/settings.py keeps them): an article's neighbours must still start from
    its date, not walk the edition from its far end."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        for n in range(60):
            make_article(language="fr", published_at=ago(100 + n))
        cls.newest = make_article(language="fr", published_at=ago(1))
        cls.oldest = Article.objects.order_by("published_at").first()

    def rows_read(self, neighbour) -> int:
        """The articles' rows the neighbour's query read, planned once for every value."""
        asked = []

        def keep(execute, sql, params, many, context):
            asked.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            neighbour()
        ((sql, params),) = asked
        numbered = iter(range(1, len(params) + 1))
        prepared = re.sub(r"%s", lambda _: f"${next(numbered)}", sql)
        raw = connection.connection
        with psycopg.ClientCursor(raw) as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute(f"PREPARE neighbour AS {prepared}")
            try:
                placeholders = ", ".join(["%s"] * len(params))
                cursor.execute(
                    f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE neighbour({placeholders})", params
                )
                (plan,) = cursor.fetchone()
            finally:
                cursor.execute("DEALLOCATE neighbour")

        def read(node: dict) -> int:
            # The articles' rows only: how the plan joins their authors or categories
            # (61 of each here) follows those tables' statistics, not the article's date.
            own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
            if node.get("Relation Name") != Article._meta.db_table:
                own = 0
            return own + sum(read(child) for child in node.get("Plans", []))

        return read(plan[0]["Plan"])

    def test_the_next_and_previous_articles_are_found_from_the_articles_date(self):
        for name, neighbour in [
            ("next of the newest", self.newest.get_next_published),
            ("previous of the oldest", self.oldest.get_previous_published),
        ]:
            with self.subTest(name):
                # Nothing is after the newest: a plan that walked the edition read all 61.
                self.assertLess(self.rows_read(neighbour), 10)
