"""The pages the newsletter's mailed links open: no login, a button before anything
changes (but the one-click POST), clear refusals."""

import datetime
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from newsletter.models import Subscriber
from tests.base import make_category, make_subscriber


class UnsubscribeTests(TestCase):
    def setUp(self):
        self.subscriber = make_subscriber(email="leaving@example.org")
        self.url = self.subscriber.unsubscribe_url()

    def test_opening_the_link_shows_a_button_and_changes_nothing(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'name="List-Unsubscribe" value="One-Click"')
        self.assertNotContains(response, "leaving@")
        self.assertIn("no-store", response["Cache-Control"])
        self.subscriber.refresh_from_db()
        self.assertIsNone(self.subscriber.unsubscribed_at)

    def test_the_one_click_post_of_rfc_8058_unsubscribes_without_cookie_or_token(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(
            self.url,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 200)
        self.subscriber.refresh_from_db()
        self.assertIsNotNone(self.subscriber.unsubscribed_at)
        self.assertFalse(Subscriber.objects.confirmed().filter(pk=self.subscriber.pk).exists())

    def test_unsubscribing_twice_is_unsubscribing_once(self):
        self.client.post(self.url, {"List-Unsubscribe": "One-Click"})
        self.subscriber.refresh_from_db()
        first = self.subscriber.unsubscribed_at
        response = self.client.post(self.url, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.subscriber.refresh_from_db()
        self.assertEqual(self.subscriber.unsubscribed_at, first)

    def test_the_page_that_says_it_is_done_offers_to_undo_it(self):
        done = self.client.post(self.url, {"List-Unsubscribe": "One-Click"})
        self.assertContains(done, 'name="resubscribe"')
        again = self.client.post(self.url, {"resubscribe": "1"})
        self.assertContains(again, "Vous êtes de nouveau abonné")
        self.subscriber.refresh_from_db()
        self.assertTrue(self.subscriber.is_confirmed())

    def test_no_undo_once_the_address_has_signed_up_anew(self):
        self.subscriber.unsubscribe()
        newer = make_subscriber(email="LEAVING@example.org", confirmed_at=None)
        response = self.client.post(self.url, {"resubscribe": "1"})
        self.assertEqual(response.status_code, 200)
        self.subscriber.refresh_from_db()
        self.assertIsNotNone(self.subscriber.unsubscribed_at)
        self.assertQuerySetEqual(Subscriber.objects.active(), [newer])

    def test_a_sign_up_never_confirmed_is_not_undone_into_a_subscription(self):
        pending = make_subscriber(confirmed_at=None, unsubscribed_at=timezone.now())
        response = self.client.post(pending.unsubscribe_url(), {"resubscribe": "1"})
        self.assertNotContains(response, 'name="resubscribe"')
        pending.refresh_from_db()
        self.assertIsNotNone(pending.unsubscribed_at)

    def test_a_cross_site_post_is_refused(self):
        response = self.client.post(self.url, {}, headers={"sec-fetch-site": "cross-site"})
        self.assertEqual(response.status_code, 403)
        self.subscriber.refresh_from_db()
        self.assertIsNone(self.subscriber.unsubscribed_at)

    def test_an_altered_link_gets_a_clear_400_and_changes_nothing(self):
        response = self.client.post(self.url[:-3] + "xx/")
        self.assertContains(response, "a été modifié", status_code=400)
        self.subscriber.refresh_from_db()
        self.assertIsNone(self.subscriber.unsubscribed_at)

    def test_the_english_link_answers_in_english(self):
        subscriber = make_subscriber(language="en")
        response = self.client.get(subscriber.unsubscribe_url())
        self.assertContains(response, "Unsubscribe from the newsletter")

    def test_the_french_link_answers_in_french(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Se désabonner")


class ManageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.politics = make_category(name="Politique")
        cls.science = make_category(name="Science")

    def setUp(self):
        self.subscriber = make_subscriber(email="reader@example.org")
        self.url = self.subscriber.manage_url()

    def test_the_page_shows_the_choices_and_never_the_address(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Politique")
        self.assertNotContains(response, "reader@")
        self.assertEqual(response["X-Robots-Tag"], "noindex")

    def test_changing_rhythm_and_categories(self):
        response = self.client.post(
            self.url,
            {
                "language": "fr",
                "rhythm": Subscriber.Rhythm.WEEKLY,
                "categories": [self.science.pk],
            },
        )
        self.assertEqual(response.status_code, 303)
        self.subscriber.refresh_from_db()
        self.assertEqual(self.subscriber.rhythm, Subscriber.Rhythm.WEEKLY)
        self.assertQuerySetEqual(self.subscriber.categories.all(), [self.science])

    def test_changing_edition_changes_the_articles_and_the_links_language(self):
        french = 'value="fr" id="id_language_0" required checked'
        self.assertContains(self.client.get(self.url), french)
        response = self.client.post(self.url, {"language": "en", "rhythm": "each"})
        self.assertEqual(response.status_code, 303)
        self.subscriber.refresh_from_db()
        self.assertEqual(self.subscriber.language, "en")
        self.assertTrue(self.subscriber.manage_url().startswith("/en/newsletter/"))

    def test_a_bad_choice_is_a_400_style_form_error_that_changes_nothing(self):
        response = self.client.post(self.url, {"rhythm": "hourly"})
        self.assertContains(response, "error-summary", status_code=400)
        self.assertIn("no-store", response["Cache-Control"])
        self.subscriber.refresh_from_db()
        self.assertEqual(self.subscriber.rhythm, Subscriber.Rhythm.EACH)

    def test_a_category_that_is_no_number_we_store_is_a_400_that_changes_nothing(self):
        for value in ["99999999999999999999999", "²", "-1"]:
            with self.subTest(value=value):
                response = self.client.post(
                    self.url,
                    {"language": "fr", "rhythm": Subscriber.Rhythm.DAILY, "categories": [value]},
                )
                self.assertContains(response, "error-summary", status_code=400)
        self.subscriber.refresh_from_db()
        self.assertEqual(self.subscriber.rhythm, Subscriber.Rhythm.EACH)

    def test_after_unsubscribing_the_page_says_so_and_saves_nothing(self):
        self.subscriber.unsubscribe()
        response = self.client.post(self.url, {"rhythm": Subscriber.Rhythm.DAILY})
        self.assertContains(response, "Cet abonnement a pris fin")
        self.subscriber.refresh_from_db()
        self.assertEqual(self.subscriber.rhythm, Subscriber.Rhythm.EACH)


class ConfirmTests(TestCase):
    def test_opening_the_link_changes_nothing_the_button_confirms(self):
        subscriber = make_subscriber(confirmed_at=None)
        url = subscriber.confirm_url()
        self.assertContains(self.client.get(url), "<button")
        subscriber.refresh_from_db()
        self.assertIsNone(subscriber.confirmed_at)
        self.client.post(url)
        subscriber.refresh_from_db()
        self.assertIsNotNone(subscriber.confirmed_at)

    def test_an_expired_link_is_a_410_that_confirms_nothing(self):
        subscriber = make_subscriber(confirmed_at=None)
        url = subscriber.confirm_url()
        later = timezone.now() + datetime.timedelta(hours=49)
        with mock.patch("time.time", return_value=later.timestamp()):
            response = self.client.post(url)
        self.assertContains(response, "a expiré", status_code=410)
        subscriber.refresh_from_db()
        self.assertIsNone(subscriber.confirmed_at)

    def test_a_subscription_that_ended_cannot_be_confirmed_again(self):
        subscriber = make_subscriber(confirmed_at=None, unsubscribed_at=timezone.now())
        response = self.client.post(subscriber.confirm_url())
        self.assertEqual(response.status_code, 410)
        subscriber.refresh_from_db()
        self.assertIsNone(subscriber.confirmed_at)


class EraseTests(TestCase):
    def test_the_manage_link_erases_the_subscription_after_asking(self):
        subscriber = make_subscriber(email="gone@example.org")
        manage = subscriber.manage_url()
        page = self.client.get(manage)
        self.assertContains(page, f'href="{manage}erase/"')
        asked = self.client.get(f"{manage}erase/")
        self.assertContains(asked, "<button")
        self.assertTrue(Subscriber.objects.exists())
        done = self.client.post(f"{manage}erase/")
        self.assertContains(done, "Vos données sont effacées")
        self.assertFalse(Subscriber.objects.exists())
        # Its links open on nothing now.
        self.assertEqual(self.client.get(manage).status_code, 404)
        self.assertEqual(self.client.post(subscriber.unsubscribe_url()).status_code, 404)

    def test_an_altered_link_erases_nothing(self):
        subscriber = make_subscriber()
        response = self.client.post(subscriber.manage_url()[:-3] + "xx/erase/")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(Subscriber.objects.exists())
