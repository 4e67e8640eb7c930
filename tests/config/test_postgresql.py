"""On PostgreSQL, a connection keeps the plans of the queries the pages run over and over
(config/settings.py: server-side binding and prepared statements)."""

import unittest

from django.db import connection
from django.test import TestCase, override_settings

from sitewide.models import SiteSettings
from tests.base import make_article


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's prepared statements")
@override_settings(CARNET_PAGE_CACHE=False, CARNET_FRAGMENT_CACHE=False)  # each one rendered
class PreparedStatementTests(TestCase):
    def test_an_article_pages_queries_are_planned_once_per_connection(self):
        SiteSettings.load()
        article = make_article(slug="kept-plans")
        for _ in range(6):
            self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%FROM "blog_article"%"blog_article"."slug" = $1%'],
            )
            self.assertEqual(len(cursor.fetchall()), 1, "the article's own query is prepared")
