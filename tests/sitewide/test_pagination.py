import datetime
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article
from sitewide.models import SiteSettings
from sitewide.pagination import BoundedPaginator
from tests.base import make_article, make_editor


class BoundedPaginatorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = make_editor(slug="prolific")
        for n in range(25):
            make_article(author=author, published_at=timezone.now() - datetime.timedelta(hours=n))

    def paginator(self, count_limit: int) -> BoundedPaginator:
        return BoundedPaginator(Article.objects.all(), 10, count_limit=count_limit)

    def test_below_its_limit_it_counts_exactly(self):
        paginator = self.paginator(100)
        page = paginator.page(2)
        self.assertEqual(paginator.count, 25)
        self.assertEqual(paginator.num_pages, 3)
        self.assertFalse(paginator.is_bounded)
        self.assertTrue(page.has_next())

    def test_past_its_limit_it_stops_counting(self):
        paginator = self.paginator(12)
        page = paginator.page(1)
        self.assertEqual(paginator.count, 13)
        self.assertTrue(paginator.is_bounded)
        self.assertTrue(page.has_next())

    def test_a_deep_page_counts_to_its_end_and_one_more(self):
        paginator = self.paginator(5)
        page = paginator.page(2)
        # Counted to the page's end, 20, and one more: enough to know a page 3 exists.
        self.assertEqual(paginator.count, 22)
        self.assertTrue(paginator.is_bounded)
        self.assertEqual([a.pk for a in page], [a.pk for a in Article.objects.all()[10:20]])
        self.assertTrue(page.has_next())
        last = self.paginator(5).page(3)
        self.assertEqual(len(last), 5)
        self.assertFalse(last.has_next())

    def test_pages_past_the_end_and_absurd_numbers_are_refused(self):
        for number in ["4", "0", "-1", "abc", "1.5", str(10**30)]:
            with self.subTest(number=number), self.assertRaises(Exception) as raised:
                self.paginator(5).page(number)
            self.assertEqual(type(raised.exception).__module__, "django.core.paginator")


class ListPagesAtScaleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor(slug="prolific")
        for n in range(25):
            make_article(author=author, published_at=timezone.now() - datetime.timedelta(hours=n))

    def test_a_small_list_shows_its_page_count(self):
        self.assertContains(self.client.get("/en/author/prolific/", {"page": "2"}), "Page 2 of 3")

    def test_a_big_list_does_not_count_it(self):
        with mock.patch("blog.views.LIST_COUNT_LIMIT", 12):
            response = self.client.get("/en/author/prolific/")
        self.assertContains(response, "Page 1 of many")
        self.assertContains(response, 'href="?page=2"')

    def test_a_deep_page_keeps_its_address(self):
        with mock.patch("blog.views.LIST_COUNT_LIMIT", 5):
            self.assertContains(
                self.client.get("/en/author/prolific/", {"page": "2"}), "Page 2 of many"
            )
            self.assertContains(
                self.client.get("/en/author/prolific/", {"page": "3"}), "Page 3 of 3"
            )
            self.assertEqual(
                self.client.get("/en/author/prolific/", {"page": "4"}).status_code, 404
            )

    def test_list_pages_leave_the_text_in_the_database(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/en/")
        articles = next(
            q["sql"]
            for q in queries
            if 'FROM "blog_article"' in q["sql"] and "COUNT(" not in q["sql"]
        )
        for column in ['"body"', '"body_html"', '"search_vector"', '"bio"']:
            with self.subTest(column=column):
                self.assertNotIn(column, articles)

    def test_feeds_still_carry_the_text(self):
        response = self.client.get("/en/feed/")
        self.assertContains(response, "Body of article")
