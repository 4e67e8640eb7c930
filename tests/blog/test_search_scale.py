"""Search at the scale of a news site: a stored vector, its GIN index, a bounded count."""

import datetime
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_editor


def on_postgresql(test):
    """The stored vector and its index exist on PostgreSQL only."""

    def run(self):
        if connection.vendor != "postgresql":
            self.skipTest("the search vector is PostgreSQL's")
        test(self)

    return run


class SearchVectorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor()

    def titles(self, query: str) -> set[str]:
        return set(Article.objects.published().search(query).values_list("title", flat=True))

    def test_a_saved_article_is_found_by_its_title_standfirst_and_body(self):
        make_article(author=self.author, title="Walrus", standfirst="Narwhal", body="<p>Orca</p>")
        for word in ["walrus", "narwhal", "orca"]:
            with self.subTest(word=word):
                self.assertEqual(self.titles(word), {"Walrus"})

    def test_an_edited_article_is_found_by_its_new_words_only(self):
        article = make_article(author=self.author, title="Penguin", body="<p>Glacier</p>")
        article.title, article.body = "Puffin", "<p>Cliff</p>"
        article.save()
        self.assertEqual(self.titles("puffin"), {"Puffin"})
        self.assertEqual(self.titles("cliff"), {"Puffin"})
        self.assertEqual(self.titles("penguin"), set())
        self.assertEqual(self.titles("glacier"), set())

    @on_postgresql
    def test_the_vector_is_stored_and_weighs_the_title_most(self):
        article = make_article(author=self.author, title="Toucan", body="<p>Toucan Parrot</p>")
        article.refresh_from_db()
        self.assertIn("'toucan':1A", article.search_vector)
        self.assertIn("parrot", article.search_vector)
        make_article(author=self.author, title="Parrot", body="<p>Nothing</p>")
        self.assertEqual(
            list(Article.objects.published().search("parrot").values_list("title", flat=True)),
            ["Parrot", "Toucan"],
        )

    @on_postgresql
    def test_saving_other_fields_leaves_the_vector_alone(self):
        article = make_article(author=self.author, title="Heron")
        with CaptureQueriesContext(connection) as queries:
            article.comments_open = False
            article.save(update_fields=["comments_open"])
        # 1. the UPDATE of comments_open (and going_live, which every save settles)
        # 2. its tags, the lists the page cache forgets (Article._changed)
        self.assertEqual(len(queries), 2, [query["sql"] for query in queries])
        self.assertNotIn("search_vector", queries[0]["sql"])
        self.assertIn("taggit_tag", queries[1]["sql"])

    @on_postgresql
    def test_each_article_is_stemmed_in_its_own_language(self):
        make_article(author=self.author, language="en", title="The runners were running")
        make_article(author=self.author, language="fr", title="Le running du dimanche")
        make_article(author=self.author, language="fr", title="Les scrutins du Sahel")
        # English stemming finds "running" from "runs"; French stemming does not.
        self.assertEqual(self.titles("runs"), {"The runners were running"})
        self.assertEqual(self.titles("scrutin"), {"Les scrutins du Sahel"})

    @on_postgresql
    def test_the_gin_index_serves_the_search(self):
        make_article(author=self.author, title="Kingfisher")
        with connection.cursor() as cursor:
            # A handful of rows: without this, reading the whole table is cheaper and chosen.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Article.objects.search("kingfisher").explain()
        self.assertIn("Bitmap Index Scan on article_search_idx", plan)


class SearchLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = make_editor()
        for n, title in enumerate(["Oldest gannet", "Older gannet", "New gannet gannet"]):
            make_article(
                author=author,
                title=title,
                published_at=timezone.now() - datetime.timedelta(days=3 - n),
            )

    def test_it_keeps_the_newest_matches_only(self):
        found = Article.objects.published().search("gannet", limit=2)
        self.assertEqual(
            set(found.values_list("title", flat=True)), {"Older gannet", "New gannet gannet"}
        )

    @on_postgresql
    def test_it_ranks_what_it_keeps(self):
        found = Article.objects.published().search("gannet", limit=2)
        self.assertEqual(
            list(found.values_list("title", flat=True)), ["New gannet gannet", "Older gannet"]
        )


class BoundedSearchCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        for n in range(5):
            make_article(author=author, title=f"Albatross {n}")

    def test_it_says_how_many_it_found_below_the_limit(self):
        response = self.client.get("/en/search/", {"q": "albatross"})
        self.assertContains(response, "5 results for “albatross”")

    @override_settings(CARNET_PAGE_SIZE=2)
    def test_past_the_limit_it_says_more_than(self):
        with mock.patch("blog.views.SEARCH_COUNT_LIMIT", 3):
            response = self.client.get("/en/search/", {"q": "albatross"})
        self.assertContains(response, "More than 3 results for “albatross”")
        self.assertEqual(len(response.context["articles"]), 2)

    @override_settings(CARNET_PAGE_CACHE=False)  # the count kept as a fragment
    def test_its_count_is_kept_until_an_article_changes(self):
        def count_queries() -> tuple:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/en/search/", {"q": "albatross"})
            return response, sum("COUNT(" in query["sql"] for query in queries)

        self.assertEqual(count_queries()[1], 1)
        response, counts = count_queries()
        self.assertEqual(counts, 0)
        self.assertContains(response, "5 results for “albatross”")
        make_article(author=make_editor(), title="Albatross again")
        response, counts = count_queries()
        self.assertEqual(counts, 1)
        self.assertContains(response, "6 results for “albatross”")

    @override_settings(CARNET_PAGE_CACHE=False)  # the count kept as a fragment
    def test_its_count_follows_a_renamed_category(self):
        # A search narrowed to a category by its slug finds nothing once the slug is
        # another: the kept count must not still say what the old slug found.
        world = make_category(slug="world", name="World")
        Article.objects.update(category=world)
        search = {"q": "albatross", "category": "world"}
        self.assertContains(self.client.get("/en/search/", search), "5 results for “albatross”")
        world.slug = "monde"
        world.save()
        response = self.client.get("/en/search/", search)
        self.assertNotContains(response, "5 results", status_code=400)
        self.assertEqual(len(response.context["articles"]), 0)

    @override_settings(CARNET_PAGE_SIZE=2)
    def test_the_count_stops_at_the_limit(self):
        with (
            mock.patch("blog.views.SEARCH_COUNT_LIMIT", 3),
            CaptureQueriesContext(connection) as queries,
        ):
            self.client.get("/en/search/", {"q": "albatross"})
        count = next(query["sql"] for query in queries if "COUNT(" in query["sql"])
        self.assertIn("LIMIT 4", count)
