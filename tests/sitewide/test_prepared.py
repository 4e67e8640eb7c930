"""Prepared queries: SQL worked out once per process, run with each call's values."""

import datetime
from unittest import mock

from django.db import connection
from django.db.models import Case, When
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article
from sitewide.prepared import Prepared
from tests.base import make_article, make_category


class PreparedQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.old = make_article(title="Old", published_at=now - datetime.timedelta(days=3))
        cls.category = make_category(slug="world")
        cls.middle = make_article(
            title="Middle", category=cls.category, published_at=now - datetime.timedelta(days=2)
        )
        cls.new = make_article(title="New", published_at=now - datetime.timedelta(days=1))
        cls.later = make_article(title="Later", published_at=now + datetime.timedelta(days=1))

    def test_each_call_reads_the_rows_of_its_own_values(self):
        before = Prepared(
            lambda now, pk: (
                Article.objects.published(now)
                .filter(pk__lt=pk)
                .order_by("-pk")
                .values_list("title", flat=False)
            )
        )
        now = timezone.now()
        self.assertEqual(before.rows(now=now, pk=self.new.pk), [("Middle",), ("Old",)])
        self.assertEqual(before.rows(now=now, pk=self.middle.pk), [("Old",)])
        # Tomorrow's article is public the day after tomorrow: the time is a value too.
        later = now + datetime.timedelta(days=2)
        self.assertEqual(before.rows(now=later, pk=self.later.pk + 1)[0], ("Later",))

    def test_instances_are_the_models_the_orm_gives(self):
        query = Prepared(
            lambda pk: Article.objects.filter(pk__gte=pk).only("title", "slug").order_by("pk")
        )
        found = query.instances(pk=self.middle.pk)
        expected = list(
            Article.objects.filter(pk__gte=self.middle.pk).only("title", "slug").order_by("pk")
        )
        self.assertEqual(found, expected)
        self.assertEqual([a.title for a in found], [a.title for a in expected])
        self.assertEqual(found[0].get_deferred_fields(), expected[0].get_deferred_fields())
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(found[0].slug, self.middle.slug)
        self.assertEqual(len(queries), 0)

    def test_a_lists_length_is_part_of_its_shape(self):
        query = Prepared(
            lambda pks: Article.objects.filter(pk__in=pks).order_by("pk").values_list("pk")
        )
        self.assertEqual(query.rows(pks=[self.old.pk]), [(self.old.pk,)])
        self.assertEqual(
            query.rows(pks=[self.new.pk, self.old.pk]), [(self.old.pk,), (self.new.pk,)]
        )
        self.assertEqual(query.rows(pks=[]), [])

    def test_a_value_read_inside_the_builder_is_read_again_at_each_call(self):
        # The clock read inside: a query kept with the first call's time would never see
        # an article published after it; it is left to the ORM.
        query = Prepared(
            lambda pk: (
                Article.objects.published().filter(pk__gte=pk).order_by("pk").values_list("title")
            )
        )
        self.assertEqual(query.rows(pk=self.old.pk), [("Old",), ("Middle",), ("New",)])
        the_day_after = timezone.now() + datetime.timedelta(days=2)
        with mock.patch("django.utils.timezone.now", return_value=the_day_after):
            self.assertIn(("Later",), query.rows(pk=self.old.pk))

    def test_joined_rows_and_annotations_are_filled_in_as_the_orm_does(self):
        def build(pk, category, count):
            return (
                Article.objects.filter(pk__gte=pk)
                .select_related("author", "category")
                .annotate(same=Case(When(category=category, then=1), default=0))
                .order_by("pk")[:count]
            )

        query = Prepared(build, shape=("count",))
        for count in (1, 3):
            found = query.instances(pk=self.old.pk, category=None, count=count)
            expected = list(build(self.old.pk, None, count))
            self.assertEqual(found, expected)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(
                    [(a.author.email, a.category, a.same) for a in found],
                    [(a.author.email, a.category, a.same) for a in expected],
                )
            self.assertEqual(len(queries), 0)
        self.assertEqual(
            query.instances(pk=self.old.pk, category=self.category.pk, count=4)[1].same, 1
        )

    def test_a_related_managers_query_is_prepared_as_it_reads(self):
        self.old.tags.set(["b", "a"])
        self.new.tags.set(["c"])
        tags = Prepared(lambda pk: Article(pk=pk).tags.all())
        for article in (self.old, self.new, self.middle):
            self.assertEqual(tags.instances(pk=article.pk), list(article.tags.all()))

    def test_shapes_past_the_bound_are_run_through_the_orm(self):
        query = Prepared(
            lambda pk, stop: (
                Article.objects.filter(pk__gte=pk).order_by("pk").values_list("title")[:stop]
            ),
            shape=("stop",),
        )
        with mock.patch("sitewide.prepared.MAX_SHAPES", 2):
            for stop in (1, 2, 3, 4):
                self.assertEqual(
                    query.rows(pk=self.old.pk, stop=stop),
                    [("Old",), ("Middle",), ("New",), ("Later",)][:stop],
                )
        self.assertEqual(len(query._compiled), 2)
