"""Rules every public page keeps: the published rule, hostile requests, query budgets, CSP."""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from blog.models import Article
from demo.content import fill_search_vectors
from pages.models import footer_links
from sitewide.models import SiteSettings
from sitewide.pagecache import pages_changed
from tests.base import make_article, make_category, make_draft, make_editor, make_scheduled
from tests.blog.helpers import PUBLISHED_AT


class PublishedRuleTests(TestCase):
    """Drafts and scheduled articles are hidden from every public page."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(display_name="Rule Author")
        cls.category = make_category(slug="rules")
        common = {"author": cls.author, "category": cls.category, "tags": ["Shared"]}
        cls.published = make_article(title="Visible zebra", published_at=PUBLISHED_AT, **common)
        cls.draft = make_draft(title="Draft zebra", published_at=PUBLISHED_AT, **common)
        cls.scheduled = make_scheduled(title="Scheduled zebra", **common)

    def assertOnlyThePublishedArticle(self, url: str):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Visible zebra")
        self.assertNotContains(response, "Draft zebra")
        self.assertNotContains(response, "Scheduled zebra")
        self.assertNotContains(response, self.draft.get_absolute_url())
        self.assertNotContains(response, self.scheduled.get_absolute_url())

    def test_it_hides_drafts_and_scheduled_articles_on_the_home_page(self):
        self.assertOnlyThePublishedArticle("/")

    def test_it_hides_them_on_the_category_page(self):
        self.assertOnlyThePublishedArticle("/category/rules/")

    def test_it_hides_them_on_the_tag_page(self):
        self.assertOnlyThePublishedArticle("/tag/shared/")

    def test_it_hides_them_on_the_author_page(self):
        self.assertOnlyThePublishedArticle(self.author.get_absolute_url())

    def test_it_hides_them_in_the_archive(self):
        self.assertOnlyThePublishedArticle("/archive/2026/3/")
        when = timezone.localtime(self.scheduled.published_at)
        response = self.client.get(f"/archive/{when.year}/{when.month}/")
        self.assertNotContains(response, "Scheduled zebra")

    def test_it_hides_them_from_search(self):
        self.assertOnlyThePublishedArticle("/search/?q=zebra")

    def test_it_hides_a_draft_from_the_public(self):
        response = self.client.get(self.draft.get_absolute_url())
        self.assertEqual(response.status_code, 404)

    def test_it_hides_a_scheduled_article_from_the_public(self):
        response = self.client.get(self.scheduled.get_absolute_url())
        self.assertEqual(response.status_code, 404)

    def test_it_leaves_drafts_out_of_the_previous_and_next_links(self):
        response = self.client.get(self.published.get_absolute_url())
        self.assertNotContains(response, 'rel="prev"')
        self.assertNotContains(response, 'rel="next"')


class HostileInputTests(TestCase):
    """Whatever a client sends, a public page answers 200, 404 or 405; never 500."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(
            slug="known", category=make_category(slug="known"), tags=["Known"]
        )

    def test_unknown_slugs_are_404(self):
        for url in [
            "/articles/unknown/",
            "/category/unknown/",
            "/tag/unknown/",
            "/author/unknown/",
            "/author/unknown/contact/",
            "/category/unknown/feed/",
            "/author/unknown/feed/",
            "/nowhere/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_bad_page_numbers_are_404(self):
        author = self.article.author.get_absolute_url()
        for base in [
            "/category/known/",
            "/tag/known/",
            author,
            "/archive/2026/3/",
            "/archive/2026/",
        ]:
            for page in ["0", "-1", "abc", "99999", "1.5", "9" * 5000]:
                with self.subTest(url=base, page=page):
                    response = self.client.get(base, {"page": page})
                    self.assertEqual(response.status_code, 404)
        response = self.client.get("/search/", {"q": "known", "page": "abc"})
        self.assertEqual(response.status_code, 404)

    def test_the_first_page_can_be_asked_for_explicitly(self):
        self.assertEqual(self.client.get("/", {"page": "1"}).status_code, 200)
        self.assertEqual(self.client.get("/", {"page": ""}).status_code, 200)

    def test_bad_archive_dates_are_404(self):
        for url in [
            "/archive/2026/13/",
            "/archive/2026/0/",
            "/archive/0/1/",
            "/archive/99999/12/",
            "/archive/1/1/",
            "/archive/9999/12/",
            "/archive/2026/99999999999999999999/",
            "/archive/0/",
            "/archive/1/",
            "/archive/9999/",
            "/archive/99999999999999999999/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_archive_answers_for_far_away_years(self):
        for url in ["/archive/2/1/", "/archive/9998/12/", "/archive/2/", "/archive/9998/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_archive_urls_that_are_not_numbers_are_404(self):
        for url in ["/archive/2026/march/", "/archive/-1/1/", "/archive/-1/", "/archive/twenty/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_odd_search_queries_answer_200(self):
        for query in [
            "nul\x00byte",
            "\x00",
            "x" * 10_000,
            "word " * 500,
            "Éléphant 象 🐘 مرحبا",
            "' OR 1=1 --",
            '"; DROP TABLE blog_article; --',
            "a & b | !c <-> (d:*)",
            "%_%",
            "\\",
            "-",
            '"unterminated',
            "\u202e\ufeff\u200b",
            "le la les de",
            "!",
            "OR",
            "-x -y",
        ]:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/search/", {"q": query}).status_code, 200)

    def test_bad_sitemap_and_feed_parameters_are_harmless(self):
        for page in ["0", "-1", "abc", "99999"]:
            with self.subTest(page=page):
                self.assertEqual(self.client.get("/sitemap.xml", {"p": page}).status_code, 404)
        self.assertEqual(self.client.get("/feed/", {"page": "abc"}).status_code, 200)
        self.assertEqual(self.client.get("/sitemap.xml", {"p": "1"}).status_code, 200)

    def test_the_search_query_is_cut_to_200_characters(self):
        response = self.client.get("/search/", {"q": "x" * 10_000})
        self.assertEqual(response.context["query"], "x" * 200)

    def test_posting_to_get_only_pages_is_405(self):
        author = self.article.author.get_absolute_url()
        for url in [
            "/",
            "/articles/known/",
            "/category/known/",
            "/tag/known/",
            author,
            "/archive/2026/3/",
            "/search/",
            "/robots.txt",
            "/healthz",
            "/readyz",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url).status_code, 405)

    def test_head_requests_are_answered(self):
        for url in ["/", "/articles/known/", "/search/?q=x", "/healthz"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.head(url).status_code, 200)


class QueryBudgetTests(TestCase):
    """Every public page makes a fixed number of queries, with 10 articles as with 1,000."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(display_name="Budget Author", slug="budget-author")
        cls.category = make_category(slug="budget")

    def make_articles(self, count: int):
        """`count` published articles in March 2026, tagged "Budget" and one more tag
        each, written in bulk (a thousand saves would take the suite's time)."""
        first = Article.objects.count()
        articles = Article.objects.bulk_create(
            Article(
                author=self.author,
                category=self.category,
                title=f"Budget walrus {first + n}",
                slug=f"budget-walrus-{first + n}",
                body="<p>Walrus.</p>",
                status=Article.Status.PUBLISHED,
                published_at=PUBLISHED_AT + datetime.timedelta(minutes=first + n),
            )
            for n in range(count)
        )
        budget, _ = Tag.objects.get_or_create(name="Budget", slug="budget")
        extras = Tag.objects.bulk_create(
            Tag(name=f"Extra {article.pk}", slug=f"extra-{article.pk}") for article in articles
        )
        kind = ContentType.objects.get_for_model(Article)
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=tag, content_type=kind, object_id=article.pk)
            for article, extra in zip(articles, extras, strict=True)
            for tag in [budget, extra]
        )
        fill_search_vectors()  # on PostgreSQL, what save() would have computed
        pages_changed()

    def assertQueries(self, n: int, url: str):
        """The page makes n queries with 10 articles, and still n with 1,000."""
        for count in [10, 990]:
            self.make_articles(count)
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            footer_links()  # the footer's pages too
            with self.subTest(articles=count, url=url), self.assertNumQueries(n):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)

    def test_home(self):
        # the pinned lead (none), the newest, the latest, the categories of the menu,
        # each one's newest, the newest in other languages
        self.assertQueries(6, "/")

    def test_category(self):
        # category, count, articles with author and category, the menu's categories
        self.assertQueries(4, "/category/budget/")

    def test_tag(self):
        # tag, whether a published article has it, count, articles, the menu's categories
        self.assertQueries(5, "/tag/budget/")

    def test_author(self):
        # author, count, articles, the menu's categories
        self.assertQueries(4, "/author/budget-author/")

    def test_archive(self):
        # count, articles, the menu's categories
        self.assertQueries(3, "/archive/2026/3/")

    def test_archive_year(self):
        # count, articles, the months' counts, the years, the menu's categories
        self.assertQueries(5, "/archive/2026/")

    def test_search(self):
        # count, articles, the menu's categories, the page's excerpts
        self.assertQueries(4, "/search/?q=walrus")

    def test_article(self):
        article = make_article(
            author=self.author,
            category=self.category,
            slug="budget-article",
            tags=["Budget"] + [f"Tag {n}" for n in range(15)],
        )
        for count in [10, 990]:
            # Related articles: each shares the "Budget" tag and the category.
            self.make_articles(count)
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            footer_links()  # the footer's pages too
            # article with author and category, its tags, its correction notices, previous,
            # next, related articles (two lists of candidates, then those ranked), the
            # menu's categories, its approved comments
            with self.subTest(articles=count), self.assertNumQueries(10):
                response = self.client.get(article.get_absolute_url())
            self.assertEqual(response.status_code, 200)
            self.assertEqual(len(response.context["tags"]), 16)
            self.assertEqual(len(response.context["related"]), 3)


class ContentSecurityPolicyTests(TestCase):
    """Pages hold no inline script or style, so that the strict policy never blocks them."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet", telegram_url="https://t.me/x")
        author = make_editor(slug="csp", bio="Bio.", accepts_contact=True, website="https://x.org")
        make_article(
            author=author, slug="csp", category=make_category(slug="csp"), tags=["CSP"],
            published_at=PUBLISHED_AT,
        )  # fmt: skip

    def test_public_pages_have_no_inline_script_or_style(self):
        urls = ["/", "/articles/csp/", "/category/csp/", "/tag/csp/", "/author/csp/",
                "/author/csp/contact/", "/archive/2026/3/", "/search/?q=csp",
                "/nowhere/"]  # fmt: skip
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                html = response.content.decode()
                self.assertIn("script-src 'self'", response["Content-Security-Policy"])
                self.assertNotRegex(html, r"\sstyle=")
                self.assertNotRegex(html, r"\son[a-z]+=")
                self.assertNotIn("<style", html)
                for script in re.findall(r"<script\b[^>]*>", html):
                    self.assertRegex(script, r'type="application/ld\+json"|\ssrc=')
