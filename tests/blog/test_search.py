"""Search: each article stemmed in its own language on PostgreSQL, a word match elsewhere."""

import unittest

from django.db import connection
from django.test import TestCase

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import make_article, make_draft, make_editor


class SearchTests(TestCase):
    """What holds on every database."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        cls.shoes = make_article(
            author=author, language="en", title="Running shoes", body="<p>For trails.</p>"
        )
        cls.choir = make_article(
            author=author,
            language="fr",
            title="La chorale",
            standfirst="Les chanteuses du village.",
            body="<p>Elles répètent le jeudi.</p>",
        )
        make_draft(author=author, language="en", title="Draft shoes")

    def search(self, query: str) -> list[Article]:
        return list(Article.objects.published().search(query))

    def test_it_finds_an_article_by_a_word_of_its_title_standfirst_or_body(self):
        self.assertEqual(self.search("shoes"), [self.shoes])
        self.assertEqual(self.search("village"), [self.choir])
        self.assertEqual(self.search("jeudi"), [self.choir])

    def test_every_word_must_match(self):
        self.assertEqual(self.search("shoes trails"), [self.shoes])
        self.assertEqual(self.search("shoes village"), [])

    def test_it_starts_from_the_published_articles(self):
        self.assertNotIn("Draft shoes", [article.title for article in self.search("shoes")])

    def test_the_search_page_lists_the_matches(self):
        response = self.client.get("/search/", {"q": "shoes"})
        self.assertEqual(list(response.context["articles"]), [self.shoes])


@unittest.skipUnless(connection.vendor == "postgresql", "full-text search is PostgreSQL's")
class LanguageStemmingTests(TestCase):
    """Each article, and the query against it, is stemmed in the article's language."""

    @classmethod
    def setUpTestData(cls):
        author = make_editor()
        cls.english = make_article(
            author=author, language="en", title="The best running shoes", standfirst=""
        )
        cls.french = make_article(
            author=author, language="fr", title="Les chanteuses chantaient", standfirst=""
        )
        # A borrowed English word, which the French stemmer leaves whole.
        cls.borrowed = make_article(
            author=author, language="fr", title="Le running en ville", standfirst=""
        )

    def search(self, query: str) -> list[Article]:
        return list(Article.objects.published().search(query))

    def test_an_english_article_is_found_by_an_english_stem(self):
        # "runs" and "running" are both "run" to the English stemmer.
        self.assertEqual(self.search("runs"), [self.english])
        self.assertEqual(self.search("shoe"), [self.english])

    def test_a_french_article_is_found_by_a_french_stem(self):
        # "chanter" and "chantaient" are both "chant" to the French stemmer.
        self.assertEqual(self.search("chanter"), [self.french])

    def test_a_french_article_is_not_stemmed_in_english(self):
        # In English, "running" in the French article would be "run" and match.
        self.assertNotIn(self.borrowed, self.search("runs"))
        self.assertCountEqual(self.search("running"), [self.english, self.borrowed])

    def test_a_match_in_the_title_comes_before_one_in_the_body(self):
        in_body = make_article(
            author=self.english.author,
            language="en",
            title="Socks",
            standfirst="",
            body="<p>Socks for running.</p>",
        )
        self.assertEqual(self.search("runs"), [self.english, in_body])
