"""The issue's promise, from the reader's first click to the article after they left:
sign up, confirm through the mailed link, get exactly one copy of the next article with
RFC 8058 headers, leave by one-click POST, get nothing more."""

import re

from django.core import mail as outbox
from django.test import TestCase, override_settings

from blog.models import Article
from newsletter.models import Subscriber
from sitewide.models import PostingLimit, SiteSettings
from tests.base import make_editor, sign_in
from tests.blog.test_admin import article_form_data
from tests.newsletter.test_sending import DATABASE_TASKS, run_worker

READER = "lecteur@example.org"


@override_settings(TASKS=DATABASE_TASKS, SITE_URL="https://carnet.example")
class SignUpToUnsubscribeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        cls.editor = make_editor()

    def publish(self, slug: str) -> Article:
        editor = self.client_class()
        sign_in(editor, self.editor)
        data = article_form_data(
            title=slug.title(),
            slug=slug,
            published_at_0="",
            published_at_1="",
            status="draft",
            _publish="1",
        )
        self.assertEqual(editor.post("/admin/blog/article/add/", data).status_code, 302)
        return Article.objects.get(slug=slug)

    def to_reader(self) -> list:
        return [message for message in outbox.outbox if message.to == [READER]]

    def test_a_reader_signs_up_confirms_receives_one_copy_and_leaves_in_one_click(self):
        reader = self.client_class()
        self.publish("avant")
        response = reader.post("/newsletter/", {"email": READER, "rhythm": "each"})
        self.assertEqual(response.status_code, 303)
        run_worker()
        # Before the confirmation: the confirmation, nothing else (not the article before).
        [confirmation] = self.to_reader()
        self.assertNotIn("List-Unsubscribe", confirmation.extra_headers)
        path = re.search(r"https?://[^/\s]+(/newsletter/confirm/\S+)", confirmation.body)[1]
        self.publish("pendant-l-attente")
        run_worker()
        self.assertEqual(len(self.to_reader()), 1)
        self.assertEqual(reader.post(path).status_code, 200)
        subscriber = Subscriber.objects.get()
        self.assertTrue(subscriber.is_confirmed())

        outbox.outbox.clear()
        self.publish("la-nouvelle")
        run_worker()
        run_worker()  # a second pass of the worker sends nobody a second copy
        [copy] = self.to_reader()
        self.assertEqual(copy.subject, "La-Nouvelle")
        unsubscribe = copy.extra_headers["List-Unsubscribe"].strip("<>")
        self.assertEqual(unsubscribe, "https://carnet.example" + subscriber.unsubscribe_url())
        self.assertEqual(copy.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")

        # The mail client's one-click POST: no cookie, no token, the RFC 8058 body.
        mail_client = self.client_class(enforce_csrf_checks=True)
        response = mail_client.post(
            unsubscribe.removeprefix("https://carnet.example"),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 200)
        outbox.outbox.clear()
        self.publish("apres")
        run_worker()
        self.assertEqual(self.to_reader(), [])
        # Signing up again later starts a new subscription, confirmed anew.
        PostingLimit.objects.all().delete()
        reader.post("/newsletter/", {"email": READER, "rhythm": "daily"})
        self.assertEqual(Subscriber.objects.confirmed().count(), 0)
        self.assertEqual(Subscriber.objects.pending().count(), 1)
