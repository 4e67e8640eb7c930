"""load_demo at scale: generated articles and comments in bulk, idempotent."""

import unittest

from django.db import connection
from django.db.models import Count, Q

from blog.models import Article
from comments.models import Comment
from demo import content as demo
from tests.demo.test_demo import DemoTestCase, load_demo, snapshot


class GeneratedCommentsTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo("--articles", "6", "--comments", "120")

    def test_it_adds_the_comments_once(self):
        self.assertIn("Generated comments: 120 added, 120 in all.", self.output)
        before = snapshot(), Comment.objects.count()
        output = load_demo("--articles", "6", "--comments", "120")
        self.assertIn("Generated comments: 0 added, 120 in all.", output)
        self.assertEqual((snapshot(), Comment.objects.count()), before)

    def test_a_bigger_count_adds_only_the_missing_ones(self):
        output = load_demo("--articles", "6", "--comments", "130")
        self.assertIn("Generated comments: 10 added, 130 in all.", output)
        self.assertEqual(Comment.objects.filter(token__startswith="demo-").count(), 130)

    def test_the_seed_article_carries_fifty_approved_comments(self):
        seed = Article.objects.get(slug=demo.SEED_SLUG)
        self.assertEqual(seed.comments.approved().count(), 50)
        self.assertEqual(seed.comment_count, 50)
        # 25 threads a page: the latest readers are on the second.
        self.assertContains(self.client.get(seed.get_absolute_url()), "Lecteur ")
        self.assertContains(self.client.get(f"{seed.get_absolute_url()}?comments=2"), "Lecteur 49")

    def test_the_others_are_spread_with_some_held_and_some_spam(self):
        per_article = Article.objects.filter(slug__startswith="demo-").annotate(
            n=Count("comments")
        )
        self.assertTrue(all(article.n > 0 for article in per_article))
        self.assertTrue(Comment.objects.in_moderation().exists())
        self.assertTrue(Comment.objects.filter(status=Comment.Status.SPAM).exists())

    def test_every_comment_count_is_exact(self):
        for article in Article.objects.annotate(
            approved=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED))
        ):
            with self.subTest(article=article.slug):
                self.assertEqual(article.comment_count, article.approved)

    def test_generated_articles_are_searchable(self):
        if connection.vendor == "postgresql":
            self.assertFalse(Article.objects.filter(search_vector__isnull=True).exists())
        found = Article.objects.published().search("terrain")
        self.assertEqual(found.filter(slug__startswith="demo-").count(), 6)

    @unittest.skipUnless(connection.vendor == "sqlite", "PostgreSQL gathers its own")
    def test_sqlites_planner_has_statistics_for_the_edition_indexes(self):
        # Without them SQLite sorts each edition's list rather than read its index.
        sql = "SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'article_fr_category_idx'"
        with connection.cursor() as cursor:
            cursor.execute(sql)
            self.assertGreater(cursor.fetchone()[0], 0)

    def test_a_negative_comment_count_is_refused(self):
        with self.assertRaises(SystemExit):
            load_demo("--comments", "-1")
