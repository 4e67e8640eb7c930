"""Signing up: double opt-in through the mail queue, the same answer for every address,
flood limits, and refusals that keep the reader's input."""

import datetime
import re
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from newsletter.models import CONFIRM, Subscriber
from sitewide.models import PostingLimit
from tests.base import make_article, make_category, make_subscriber

SIGN_UP = "/newsletter/"


def sign_up(client, email="reader@example.org", **data):
    data = {"email": email, "rhythm": "each", **data}
    return client.post(data.pop("url", SIGN_UP), data)


class SignUpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.politics = make_category(name="Politique")

    def sent(self):
        """The messages the mail queue sent (tests run the tasks at once, after commit)."""
        return mail.outbox

    def test_a_sign_up_stores_a_pending_subscriber_and_mails_the_confirmation_only(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = sign_up(
                self.client, "Reader@Example.org", rhythm="weekly", categories=[self.politics.pk]
            )
        self.assertRedirects(response, "/newsletter/sent/", status_code=303)
        subscriber = Subscriber.objects.get()
        self.assertEqual(subscriber.email, "Reader@example.org")
        self.assertEqual(subscriber.language, "fr")
        self.assertEqual(subscriber.rhythm, Subscriber.Rhythm.WEEKLY)
        self.assertQuerySetEqual(subscriber.categories.all(), [self.politics])
        self.assertIsNone(subscriber.confirmed_at)
        [message] = self.sent()
        self.assertEqual(message.to, ["Reader@example.org"])
        # The link is timestamped when mailed: compare what it opens, not its text.
        path = re.search(r"http://testserver(/newsletter/confirm/(\S+)/)", message.body)
        self.assertEqual(Subscriber.from_link(CONFIRM, path[2]), subscriber)
        self.assertNotIn("List-Unsubscribe", message.extra_headers)

    def test_following_the_mailed_link_and_pressing_the_button_confirms(self):
        with self.captureOnCommitCallbacks(execute=True):
            sign_up(self.client)
        url = self.sent()[0].body.split("http://testserver", 1)[1].split()[0]
        self.client.post(url)
        self.assertTrue(Subscriber.objects.get().is_confirmed())

    def test_the_english_edition_signs_up_in_english_and_mails_in_english(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = sign_up(self.client, url="/en/newsletter/")
        self.assertRedirects(response, "/en/newsletter/sent/", status_code=303)
        self.assertEqual(Subscriber.objects.get().language, "en")
        self.assertIn("Confirm your subscription", self.sent()[0].subject)
        self.assertIn("/en/newsletter/confirm/", self.sent()[0].body)

    def test_the_answer_is_the_same_for_a_subscribed_address_which_gets_its_manage_link(self):
        subscriber = make_subscriber(email="known@example.org", rhythm="daily")
        with self.captureOnCommitCallbacks(execute=True):
            new = sign_up(self.client, "new@example.org")
        PostingLimit.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            known = sign_up(self.client, "KNOWN@example.org", rhythm="weekly")
        self.assertEqual(
            (new.status_code, new["Location"]), (known.status_code, known["Location"])
        )
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.rhythm, Subscriber.Rhythm.DAILY)  # unchanged
        self.assertEqual(Subscriber.objects.count(), 2)
        message = self.sent()[1]
        self.assertEqual(message.to, ["known@example.org"])
        self.assertIn("http://testserver" + subscriber.manage_url(), message.body)
        self.assertNotIn("confirm", message.body.split("http")[1])

    def test_signing_up_again_while_pending_restarts_the_wait_with_the_new_choices(self):
        old = make_subscriber(
            email="pending@example.org",
            confirmed_at=None,
            created_at=timezone.now() - datetime.timedelta(hours=40),
        )
        sign_up(self.client, "pending@example.org", rhythm="daily")
        old.refresh_from_db()
        self.assertEqual(old.rhythm, Subscriber.Rhythm.DAILY)
        self.assertLess(timezone.now() - old.created_at, datetime.timedelta(minutes=1))
        self.assertEqual(Subscriber.objects.count(), 1)

    def test_one_sign_up_mail_per_address_in_ten_minutes_whoever_asks(self):
        with self.captureOnCommitCallbacks(execute=True):
            sign_up(self.client, REMOTE_ADDR="192.0.2.1")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                SIGN_UP,
                {"email": "reader@example.org", "rhythm": "each"},
                REMOTE_ADDR="198.51.100.7",
            )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self.sent()), 1)

    def test_a_flood_from_one_address_is_a_429_that_keeps_the_input(self):
        sign_up(self.client, "first@example.org")
        response = sign_up(self.client, "second@example.org")
        self.assertContains(response, "second@example.org", status_code=429)
        self.assertIn("Retry-After", response)
        self.assertFalse(Subscriber.objects.for_address("second@example.org").exists())

    def test_a_bad_address_is_a_400_that_keeps_the_input_and_stores_nothing(self):
        response = sign_up(self.client, "not an address")
        self.assertContains(response, 'value="not an address"', status_code=400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assertFalse(Subscriber.objects.exists())

    def test_a_header_injection_is_a_400_and_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = sign_up(self.client, "reader@example.org\nBcc: victim@example.org")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "victim@example.org", status_code=400)
        self.assertFalse(Subscriber.objects.exists())
        self.assertEqual(self.sent(), [])

    def test_a_category_that_is_no_number_we_store_is_a_400_that_stores_nothing(self):
        for value in ["99999999999999999999999", "²", "-1", "1" * 19]:
            with self.subTest(value=value):
                response = sign_up(self.client, "reader@example.org", categories=[value])
                self.assertContains(response, "error-summary", status_code=400)
        self.assertFalse(Subscriber.objects.exists())

    def test_a_cross_site_sign_up_is_refused(self):
        response = self.client.post(
            SIGN_UP,
            {"email": "reader@example.org", "rhythm": "each"},
            headers={"sec-fetch-site": "cross-site"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Subscriber.objects.exists())

    def test_the_address_never_reaches_a_log_line(self):
        with self.assertLogs(level="DEBUG") as logs:
            with self.captureOnCommitCallbacks(execute=True):
                sign_up(self.client, "secret-reader@example.org")
            url = self.sent()[0].body.split("http://testserver", 1)[1].split()[0]
            self.client.post(url)
            self.client.post(Subscriber.objects.get().unsubscribe_url())
        self.assertNotIn("secret-reader", "\n".join(logs.output))


class SignUpFormPlacesTests(TestCase):
    def test_the_form_is_under_every_article_and_on_the_front_page(self):
        article = make_article()
        for url in (article.get_absolute_url(), "/", "/en/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, 'class="newsletter-signup"')
                self.assertContains(response, 'name="rhythm"')

    def test_the_pages_with_the_form_stay_public_and_carry_no_token(self):
        response = self.client.get(make_article().get_absolute_url())
        self.assertIn("public", response["Cache-Control"])
        self.assertNotContains(response, "csrfmiddlewaretoken")
        self.assertNotIn("Cookie", response.get("Vary", ""))

    def test_the_sign_up_page_offers_the_categories_and_is_public(self):
        make_category(name="Économie", name_en="Economy")
        response = self.client.get(SIGN_UP)
        self.assertContains(response, "Économie")
        self.assertIn("public", response["Cache-Control"])
        self.assertContains(self.client.get("/en/newsletter/"), "Economy")


class PurgeTests(TestCase):
    @override_settings(NEWSLETTER_CONFIRM_HOURS=48, NEWSLETTER_ENDED_RETENTION_DAYS=30)
    def test_the_daily_purge_deletes_expired_sign_ups_and_long_ended_subscriptions(self):
        now = timezone.now()
        long_ago = now - datetime.timedelta(hours=49)
        make_subscriber(confirmed_at=None, created_at=long_ago)
        make_subscriber(unsubscribed_at=now - datetime.timedelta(days=31))
        kept = [
            make_subscriber(confirmed_at=None),
            make_subscriber(created_at=long_ago),
            make_subscriber(unsubscribed_at=now - datetime.timedelta(days=29)),
        ]
        out = StringIO()
        call_command("purge_newsletter_signups", stdout=out)
        self.assertIn("Deleted 1 expired newsletter sign-ups.", out.getvalue())
        self.assertIn("Deleted 1 newsletter subscriptions ended long ago.", out.getvalue())
        self.assertCountEqual(Subscriber.objects.all(), kept)
