import datetime
from unittest import mock

from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from newsletter.models import (
    CONFIRM,
    MANAGE,
    UNSUBSCRIBE,
    BadLink,
    ExpiredLink,
    Subscriber,
    UnknownLink,
)
from tests.base import make_article, make_category, make_subscriber


class SubscriberTests(TestCase):
    def test_the_domain_is_stored_in_lower_case_and_the_local_part_as_typed(self):
        subscriber = make_subscriber(email="  Jane.Doe@Example.ORG ")
        self.assertEqual(subscriber.email, "Jane.Doe@example.org")

    def test_the_database_allows_one_active_subscription_per_address_whatever_the_case(self):
        make_subscriber(email="reader@example.org", confirmed_at=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_subscriber(email="READER@example.org")

    def test_an_address_that_left_may_sign_up_again(self):
        make_subscriber(email="reader@example.org", unsubscribed_at=timezone.now())
        make_subscriber(email="reader@example.org", confirmed_at=None)
        self.assertEqual(Subscriber.objects.for_address("Reader@EXAMPLE.org").count(), 2)

    def test_its_name_never_holds_the_address(self):
        subscriber = make_subscriber(email="secret@example.org")
        self.assertNotIn("secret", str(subscriber))

    def test_confirm_and_unsubscribe_are_idempotent(self):
        subscriber = make_subscriber(confirmed_at=None)
        self.assertTrue(subscriber.confirm())
        confirmed_at = subscriber.confirmed_at
        self.assertFalse(subscriber.confirm())
        self.assertEqual(subscriber.confirmed_at, confirmed_at)
        self.assertTrue(subscriber.unsubscribe())
        self.assertFalse(subscriber.unsubscribe())
        self.assertFalse(subscriber.confirm())
        self.assertFalse(subscriber.is_confirmed())


class SubscriberQuerySetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.politics, cls.science = make_category(), make_category()
        cls.everything = make_subscriber()
        cls.politics_only = make_subscriber(categories=[cls.politics])
        cls.both = make_subscriber(categories=[cls.politics, cls.science])
        cls.english = make_subscriber(language="en")
        cls.pending = make_subscriber(confirmed_at=None)
        cls.left = make_subscriber(unsubscribed_at=timezone.now())

    def test_confirmed_leaves_out_the_pending_and_those_who_left(self):
        self.assertQuerySetEqual(
            Subscriber.objects.confirmed(),
            {self.everything, self.politics_only, self.both, self.english},
            ordered=False,
        )
        self.assertTrue(self.everything.is_confirmed())
        self.assertFalse(self.pending.is_confirmed())
        self.assertFalse(self.left.is_confirmed())

    def test_an_article_reaches_its_language_and_its_category_followers(self):
        article = make_article(category=self.politics, language="fr")
        with self.assertNumQueries(1):  # the subscribers, the categories as subqueries
            found = list(Subscriber.objects.for_article(article))
        self.assertCountEqual(found, [self.everything, self.politics_only, self.both])

    def test_an_article_of_another_category_reaches_only_those_who_follow_it_or_all(self):
        article = make_article(category=self.science)
        self.assertCountEqual(
            Subscriber.objects.for_article(article), [self.everything, self.both]
        )

    def test_an_article_without_category_reaches_those_who_follow_every_one(self):
        article = make_article(category=None)
        self.assertCountEqual(Subscriber.objects.for_article(article), [self.everything])

    def test_an_english_article_reaches_the_english_edition(self):
        article = make_article(language="en", category=self.politics)
        self.assertCountEqual(Subscriber.objects.for_article(article), [self.english])

    @override_settings(NEWSLETTER_CONFIRM_HOURS=48)
    def test_sign_ups_unconfirmed_after_the_delay_are_expired(self):
        old = make_subscriber(
            confirmed_at=None, created_at=timezone.now() - datetime.timedelta(hours=49)
        )
        make_subscriber(created_at=timezone.now() - datetime.timedelta(hours=49))
        self.assertQuerySetEqual(Subscriber.objects.expired(), [old])


class LinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.subscriber = make_subscriber(email="private@example.org", language="en")

    def token(self, url: str) -> str:
        return url.rstrip("/").rsplit("/", 1)[1]

    def test_links_are_paths_in_the_subscribers_edition_without_the_address(self):
        for url in (
            self.subscriber.confirm_url(),
            self.subscriber.manage_url(),
            self.subscriber.unsubscribe_url(),
        ):
            self.assertTrue(url.startswith("/en/newsletter/"), url)
            self.assertNotIn("private", url)
            self.assertNotIn("example", url)

    def test_each_link_opens_its_subscriber_for_its_purpose_only(self):
        manage = self.token(self.subscriber.manage_url())
        self.assertEqual(Subscriber.from_link(MANAGE, manage), self.subscriber)
        self.assertEqual(
            Subscriber.from_link(UNSUBSCRIBE, self.token(self.subscriber.unsubscribe_url())),
            self.subscriber,
        )
        with self.assertRaises(BadLink):
            Subscriber.from_link(UNSUBSCRIBE, manage)
        with self.assertRaises(BadLink):
            Subscriber.from_link(CONFIRM, manage)

    def test_an_altered_link_does_not_open(self):
        token = self.token(self.subscriber.unsubscribe_url())
        with self.assertRaises(BadLink) as refused:
            Subscriber.from_link(UNSUBSCRIBE, token[:-2] + "xx")
        self.assertEqual(refused.exception.status, 400)

    @override_settings(NEWSLETTER_CONFIRM_HOURS=1)
    def test_a_confirmation_link_expires(self):
        token = self.token(self.subscriber.confirm_url())
        later = timezone.now() + datetime.timedelta(hours=2)
        with (
            self.assertRaises(ExpiredLink) as refused,
            mock.patch("time.time", return_value=later.timestamp()),
        ):
            Subscriber.from_link(CONFIRM, token)
        self.assertEqual(refused.exception.status, 410)

    def test_a_link_stops_opening_once_its_subscription_is_erased(self):
        subscriber = make_subscriber()
        token = self.token(subscriber.manage_url())
        subscriber.delete()
        with self.assertRaises(UnknownLink):
            Subscriber.from_link(MANAGE, token)
