"""The subscriber list: addresses for the Editor-in-chief and administrators alone."""

from django.test import TestCase
from django.utils import timezone

from newsletter.models import Subscriber
from tests.base import (
    make_category,
    make_chief_editor,
    make_contributor,
    make_editor,
    make_moderator,
    make_subscriber,
    make_superuser,
    sign_in,
)

CHANGELIST = "/admin/newsletter/subscriber/"


class AccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.subscriber = make_subscriber(email="private.reader@example.org")
        cls.change_url = f"{CHANGELIST}{cls.subscriber.pk}/change/"

    def test_editors_contributors_and_moderators_see_no_subscriber(self):
        for user in (make_editor(), make_contributor(), make_moderator()):
            sign_in(self.client, user)
            for url in (CHANGELIST, self.change_url, f"{self.change_url[:-7]}history/"):
                with self.subTest(user=user.username, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 403)
                    self.assertNotIn(b"private.reader", response.content)
            response = self.client.post(
                CHANGELIST, {"action": "unsubscribe", "_selected_action": [self.subscriber.pk]}
            )
            self.assertEqual(response.status_code, 403)
            self.assertNotContains(self.client.get("/admin/"), "/admin/newsletter/subscriber/")
        self.subscriber.refresh_from_db()
        self.assertIsNone(self.subscriber.unsubscribed_at)

    def test_the_editor_in_chief_sees_the_addresses_and_the_counts(self):
        make_subscriber(confirmed_at=None)
        make_subscriber(unsubscribed_at=timezone.now())
        make_subscriber(language="en")
        sign_in(self.client, make_chief_editor())
        response = self.client.get(CHANGELIST)
        self.assertContains(response, "private.reader@example.org")
        # The facets: 2 confirmed (one in each edition), 1 waiting, 1 ended.
        self.assertContains(response, "Confirmé (2)")
        self.assertContains(response, "En attente de confirmation (1)")
        self.assertContains(response, "Désabonné (1)")
        self.assertContains(response, "English (1)")

    def test_the_state_filter_reads_the_models_rules(self):
        make_subscriber(confirmed_at=None, email="waiting@example.org")
        sign_in(self.client, make_superuser())
        response = self.client.get(CHANGELIST, {"state": "pending"})
        self.assertContains(response, "waiting@example.org")
        self.assertNotContains(response, "private.reader@example.org")

    def test_the_editor_in_chief_ends_a_subscription_and_nothing_else(self):
        sign_in(self.client, make_chief_editor())
        response = self.client.get(CHANGELIST)
        self.assertContains(response, 'value="unsubscribe"')
        self.assertNotContains(response, 'value="delete_selected"')
        self.client.post(
            CHANGELIST, {"action": "unsubscribe", "_selected_action": [self.subscriber.pk]}
        )
        self.subscriber.refresh_from_db()
        self.assertIsNotNone(self.subscriber.unsubscribed_at)
        self.assertFalse(Subscriber.objects.confirmed().exists())
        # The change page shows the choices, and changes none of them.
        category = make_category()
        self.client.post(self.change_url, {"rhythm": "weekly", "categories": [category.pk]})
        self.subscriber.refresh_from_db()
        self.assertEqual(self.subscriber.rhythm, Subscriber.Rhythm.EACH)
        self.assertFalse(self.subscriber.categories.exists())

    def test_nobody_adds_a_subscriber_who_did_not_confirm_themselves(self):
        sign_in(self.client, make_superuser())
        self.assertEqual(self.client.get(f"{CHANGELIST}add/").status_code, 403)

    def test_the_admin_history_names_a_subscriber_by_number_never_by_address(self):
        sign_in(self.client, make_superuser())
        self.client.post(
            CHANGELIST, {"action": "unsubscribe", "_selected_action": [self.subscriber.pk]}
        )
        self.client.post(self.change_url, {})
        from django.contrib.admin.models import LogEntry

        for entry in LogEntry.objects.all():
            self.assertNotIn("private.reader", entry.object_repr + str(entry.change_message))
