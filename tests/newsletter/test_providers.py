"""An email service through django-anymail: sending with its test backend, and its
tracking webhook (Mailgun's, signed as Mailgun signs it) ending subscriptions."""

import base64
import hashlib
import hmac
import importlib
import json
import time
from unittest import mock

from anymail.exceptions import AnymailRequestsAPIError
from anymail.message import AnymailRecipientStatus
from django.conf import settings
from django.core import mail as outbox
from django.test import TestCase, override_settings
from django.urls import clear_url_caches
from django_tasks_db.models import DBTaskResult

import config.urls
from blog.models import Article
from newsletter import sending
from newsletter.models import Delivery, Subscriber
from tests.base import make_draft, make_subscriber
from tests.newsletter.test_sending import DATABASE_TASKS, run_worker

ANYMAIL_TEST = {"BACKEND": "anymail.backends.test.EmailBackend"}
WEBHOOK = "/anymail/mailgun/tracking/"


@override_settings(
    TASKS=DATABASE_TASKS,
    MAILERS={"default": ANYMAIL_TEST, "newsletter": ANYMAIL_TEST},
    NEWSLETTER_BATCH_SIZE=2,
    NEWSLETTER_RATE_PER_MINUTE=0,
)
class AnymailBackendTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.readers = [make_subscriber() for _ in range(3)]
        article = make_draft(title="Par un service")
        article.status = Article.Status.PUBLISHED
        article.save()
        cls.article = article

    def test_an_issue_goes_out_through_the_services_api_each_reader_once(self):
        issue = sending.queue_article(self.article)
        run_worker()
        self.assertEqual(
            sorted(m.to[0] for m in outbox.outbox), sorted(r.email for r in self.readers)
        )
        message = outbox.outbox[0]
        self.assertEqual(message.anymail_status.status, {"sent"})
        self.assertEqual(
            message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent), ("sent", 3))

    def test_an_address_the_service_refuses_is_written_down_and_the_issue_goes_on(self):
        """A service refuses an address it suppresses (an earlier bounce): that copy is
        noted refused, as an SMTP server's 5xx is, never retried; the others go out."""
        issue = sending.queue_article(self.article)
        refused = self.readers[0]
        copy_for = sending.copy_for

        def refused_by_the_service(issue, subscriber, context):
            mail = copy_for(issue, subscriber, context)
            if subscriber == refused:
                status = AnymailRecipientStatus(message_id=None, status="rejected")
                mail.anymail_test_response = {"recipient_status": {subscriber.email: status}}
            return mail

        with mock.patch.object(sending, "copy_for", refused_by_the_service):
            run_worker()
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent), ("sent", 2))
        self.assertEqual(Delivery.objects.get(subscriber=refused).error, "rejected")
        self.assertEqual(Delivery.objects.exclude(subscriber=refused).filter(error="").count(), 2)
        self.assertFalse(DBTaskResult.objects.filter(status="FAILED").exists())

    def test_a_service_down_leaves_the_issue_failed_and_the_copy_unwritten(self):
        issue = sending.queue_article(self.article)
        copy_for = sending.copy_for

        def answered_by_a_service_down(*args):
            mail = copy_for(*args)
            # What the test backend then raises, as a real backend would on a 503.
            mail.anymail_test_response = AnymailRequestsAPIError("503 Service Unavailable")
            return mail

        with (
            mock.patch.object(sending, "copy_for", answered_by_a_service_down),
            self.assertLogs("newsletter.sending", "WARNING"),
        ):
            run_worker()
        issue.refresh_from_db()
        self.assertEqual(issue.state, "failed")
        self.assertEqual(issue.reason, "AnymailRequestsAPIError")
        self.assertFalse(Delivery.objects.exists())  # nobody marked sent who was not
        self.assertEqual(DBTaskResult.objects.filter(status="READY").count(), 1)


def mailgun_post(client, event: dict, key: str = "mailgun-signing-key", auth: str = ""):
    """A webhook post as Mailgun makes it: the event, signed with the signing key."""
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    body = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": {"timestamp": time.time(), "id": "event-1", **event},
    }
    auth = auth or settings.ANYMAIL["WEBHOOK_SECRET"]
    credentials = base64.b64encode(auth.encode()).decode()
    return client.post(
        WEBHOOK,
        json.dumps(body),
        content_type="application/json",
        headers={"authorization": f"Basic {credentials}"},
    )


class WebhookTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reader = make_subscriber(email="Reader@Example.org")
        cls.other = make_subscriber(email="other@example.org")

    def assertSubscribed(self, subscriber: Subscriber, subscribed: bool) -> None:
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.unsubscribed_at is None, subscribed)

    def test_a_hard_bounce_unsubscribes_that_address_only(self):
        with self.assertLogs("newsletter.providers", "INFO") as logs:
            response = mailgun_post(
                self.client,
                {"event": "failed", "severity": "permanent", "recipient": "reader@example.org"},
            )
        self.assertEqual(response.status_code, 200)
        self.assertSubscribed(self.reader, False)
        self.assertSubscribed(self.other, True)
        self.assertNotIn("example.org", "".join(logs.output).lower())

    def test_a_complaint_unsubscribes(self):
        response = mailgun_post(
            self.client, {"event": "complained", "recipient": "reader@example.org"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertSubscribed(self.reader, False)

    def test_a_temporary_failure_changes_nothing(self):
        response = mailgun_post(
            self.client,
            {"event": "failed", "severity": "temporary", "recipient": "reader@example.org"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertSubscribed(self.reader, True)

    def test_a_post_with_a_forged_signature_or_no_secret_is_refused_and_changes_nothing(self):
        bounce = {"event": "failed", "severity": "permanent", "recipient": "reader@example.org"}
        forged = mailgun_post(self.client, bounce, key="not-the-key")
        self.assertEqual(forged.status_code, 400)
        no_auth = mailgun_post(self.client, bounce, auth="carnet:guess")
        self.assertEqual(no_auth.status_code, 400)
        self.assertSubscribed(self.reader, True)


class WebhooksNeedTheSecretTests(TestCase):
    """anymail's webhooks for services without a signature of their own (Postmark, SES…)
    accept any post when WEBHOOK_SECRET is unset, with a mere warning: anyone could
    then unsubscribe any address. Carnet answers them only with the secret set."""

    def urls_with(self, anymail: dict) -> list[str]:
        try:
            with override_settings(ANYMAIL=anymail):
                urls = importlib.reload(config.urls)
                return [str(pattern.pattern) for pattern in urls.urlpatterns]
        finally:
            importlib.reload(config.urls)
            clear_url_caches()

    def test_a_service_configured_without_the_secret_has_no_webhooks(self):
        self.assertNotIn("anymail/", self.urls_with({"POSTMARK_SERVER_TOKEN": "token"}))

    def test_with_the_secret_the_webhooks_answer(self):
        secret = {"POSTMARK_SERVER_TOKEN": "token", "WEBHOOK_SECRET": "carnet:secret"}
        self.assertIn("anymail/", self.urls_with(secret))
        response = self.client.post(
            "/anymail/postmark/tracking/", "{}", content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)  # no basic auth: refused
