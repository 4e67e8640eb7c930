"""Sending the newsletter (newsletter/sending.py): on publish, through the queue, once."""

import datetime
import zoneinfo
from unittest import mock

from django.core import mail as outbox
from django.test import TestCase, override_settings
from django.utils import timezone, translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from blog import workflow
from blog.models import Article
from newsletter import sending
from newsletter.models import Delivery, Issue, Subscriber
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_category,
    make_draft,
    make_editor,
    make_scheduled,
    make_subscriber,
    sign_in,
)
from tests.blog.test_admin import article_form_data
from tests.newsletter import smtp_sink

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def run_worker() -> None:
    """What `manage.py db_worker --batch` does: run every task that is due, then stop
    (without closing connections, which would end the test's transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch(f"{Worker.__module__}.close_old_connections"):
        worker.run()


def make_due() -> None:
    """Bring every deferred task (a retry, a rate-limited batch) to now."""
    DBTaskResult.objects.update(run_after=timezone.now() - datetime.timedelta(seconds=1))


def recipients(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


@override_settings(TASKS=DATABASE_TASKS, SITE_URL="https://carnet.example")
class PublishingSendsTheNewsletterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        cls.editor = make_editor()
        cls.reader = make_subscriber(email="reader@example.org")

    def publish(self, **overrides) -> Article:
        sign_in(self.client, self.editor)
        data = article_form_data(
            published_at_0="", published_at_1="", status="draft", _publish="1", **overrides
        )
        response = self.client.post("/admin/blog/article/add/", data)
        self.assertEqual(response.status_code, 302)
        return Article.objects.get(slug=data["slug"])

    def test_a_published_article_reaches_each_subscriber_once_with_one_click_unsubscribe(self):
        article = self.publish(title="Une nouvelle", slug="une-nouvelle", standfirst="Le chapô")
        self.assertEqual(outbox.outbox, [])  # queued, not sent by the request
        [issue] = Issue.objects.all()
        self.assertEqual((issue.article, issue.state, issue.total), (article, "queued", 1))

        run_worker()

        [message] = outbox.outbox
        self.assertEqual(message.to, ["reader@example.org"])
        self.assertEqual(message.subject, "Une nouvelle")
        unsubscribe = "https://carnet.example" + self.reader.unsubscribe_url()
        self.assertEqual(message.extra_headers["List-Unsubscribe"], f"<{unsubscribe}>")
        self.assertEqual(
            message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )
        self.assertIn("https://carnet.example/articles/une-nouvelle/", message.body)
        self.assertIn("Le chapô", message.body)
        [(html, kind)] = message.alternatives
        self.assertEqual(kind, "text/html")
        self.assertIn('href="https://carnet.example/articles/une-nouvelle/"', html)
        self.assertNotIn("<img", html)  # no tracking pixel
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent, issue.total), ("sent", 1, 1))
        with translation.override("en"):
            self.assertEqual(issue.progress(), "Sent 1/1")

        # The one-click POST a mail client makes: no cookie, the RFC 8058 body.
        self.client.logout()
        response = self.client.post(
            self.reader.unsubscribe_url(), {"List-Unsubscribe": "One-Click"}
        )
        self.assertEqual(response.status_code, 200)
        self.reader.refresh_from_db()
        self.assertIsNotNone(self.reader.unsubscribed_at)

        outbox.outbox.clear()
        self.publish(title="La suivante", slug="la-suivante")
        run_worker()
        self.assertEqual(outbox.outbox, [])  # nobody who left

    def test_it_reaches_only_confirmed_subscribers_of_each_article_in_its_language(self):
        science, politics = make_category(name="Science"), make_category(name="Politique")
        make_subscriber(email="science@example.org", categories=[science])
        make_subscriber(email="politics@example.org", categories=[politics])
        make_subscriber(email="daily@example.org", rhythm=Subscriber.Rhythm.DAILY)
        make_subscriber(email="english@example.org", language="en")
        make_subscriber(email="pending@example.org", confirmed_at=None)
        make_subscriber(email="gone@example.org", unsubscribed_at=timezone.now())

        self.publish(category=science.pk)
        run_worker()

        self.assertEqual(recipients(outbox.outbox), ["reader@example.org", "science@example.org"])

    def test_an_article_whose_switch_is_off_is_not_sent(self):
        self.publish(send_by_mail="false")
        run_worker()
        self.assertEqual(outbox.outbox, [])
        self.assertFalse(Issue.objects.exists())

    def test_an_article_follows_its_categorys_switch_unless_it_says(self):
        quiet = make_category(name="Brèves", send_by_mail=False)
        self.publish(category=quiet.pk)
        self.publish(category=quiet.pk, slug="dite", send_by_mail="true")
        run_worker()
        self.assertEqual([m.subject for m in outbox.outbox], ["From the admin"])

    def test_an_article_published_again_is_not_sent_again(self):
        article = self.publish()
        run_worker()
        article.status = Article.Status.DRAFT
        article.save()
        change = f"/admin/blog/article/{article.pk}/change/"
        data = article_form_data(
            slug=article.slug,
            author=self.editor.pk,
            status="draft",
            published_at_0="",
            published_at_1="",
            _publish="1",
        )
        self.assertEqual(self.client.post(change, data).status_code, 302)
        run_worker()
        self.assertEqual(len(outbox.outbox), 1)
        self.assertEqual(Issue.objects.count(), 1)

    def test_a_scheduled_article_is_sent_when_it_goes_live_once(self):
        article = make_scheduled(author=self.editor)
        Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
        self.assertEqual(workflow.sweep(), 1)
        self.assertEqual(workflow.sweep(), 0)  # once
        run_worker()
        # Beside the author's notice, which is not the newsletter's.
        newsletters = [m for m in outbox.outbox if "List-Id" in m.extra_headers]
        self.assertEqual(recipients(newsletters), ["reader@example.org"])

    def test_an_article_saved_published_outside_the_workflow_sends_nothing(self):
        # An import or the demo: no publish click, no scheduled time coming.
        make_article(author=self.editor)
        run_worker()
        self.assertEqual(outbox.outbox, [])


@override_settings(TASKS=DATABASE_TASKS, NEWSLETTER_BATCH_SIZE=2, NEWSLETTER_RATE_PER_MINUTE=0)
class BatchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.subscribers = [make_subscriber() for _ in range(5)]
        cls.article = make_draft()

    def queue(self) -> Issue:
        self.article.status = Article.Status.PUBLISHED
        self.article.save()
        return sending.queue_article(self.article)

    def test_an_issue_goes_out_in_batches_each_its_own_task(self):
        issue = self.queue()
        run_worker()
        self.assertEqual(len(outbox.outbox), 5)
        # Batches of 2, 2 and the last 1.
        self.assertEqual(DBTaskResult.objects.count(), 3)
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent, issue.cursor), ("sent", 5, issue.cursor))
        self.assertIsNotNone(issue.finished_at)

    def test_an_article_unpublished_while_it_is_sent_reaches_nobody_else(self):
        issue = self.queue()
        sending.send_batch.call(issue.pk, 0)  # the first two
        Article.objects.filter(pk=self.article.pk).update(status=Article.Status.DRAFT)
        run_worker()
        self.assertEqual(len(outbox.outbox), 2)
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent), (Issue.State.STOPPED, 2))
        self.assertIsNotNone(issue.finished_at)
        # Done with: the sweep does not take it up again.
        later = timezone.now() + datetime.timedelta(days=1)
        self.assertFalse(Issue.objects.stalled(later).exists())

    def test_a_retried_batch_sends_nobody_twice(self):
        issue = self.queue()
        [first] = DBTaskResult.objects.all()
        sending.send_batch.call(issue.pk, 0)  # the same batch, run twice (two workers)
        run_worker()
        self.assertEqual(len(outbox.outbox), 5)
        self.assertEqual(recipients(outbox.outbox), sorted(s.email for s in self.subscribers))
        first.refresh_from_db()
        self.assertEqual(first.return_value, 0)  # the copy found its batch done

    def test_a_subscriber_already_written_down_is_left_out(self):
        issue = self.queue()
        Delivery.objects.create(issue=issue, subscriber=self.subscribers[0])
        run_worker()
        self.assertNotIn(self.subscribers[0].email, recipients(outbox.outbox))
        self.assertEqual(len(outbox.outbox), 4)

    def test_the_database_refuses_a_second_copy(self):
        issue = self.queue()
        Delivery.objects.create(issue=issue, subscriber=self.subscribers[0])
        self.assertIsNone(sending._claim(issue, self.subscribers[0]))
        self.assertEqual(Delivery.objects.count(), 1)

    @override_settings(NEWSLETTER_RATE_PER_MINUTE=60)
    def test_the_next_batch_waits_as_the_rate_says(self):
        self.queue()
        start = timezone.now()
        run_worker()  # the first batch only: the next is not due yet
        self.assertEqual(len(outbox.outbox), 2)
        waiting = DBTaskResult.objects.filter(status="READY").get()
        # 2 messages at 60 a minute: 2 seconds after the first batch began.
        self.assertGreaterEqual(waiting.run_after, start + datetime.timedelta(seconds=2))
        self.assertLess(waiting.run_after, start + datetime.timedelta(seconds=5))
        # The sweep leaves it alone until its next batch is due, then as long as it lasts.
        self.assertEqual(sending.sweep(waiting.run_after), 0)

    @override_settings(NEWSLETTER_RATE_PER_MINUTE=1)
    def test_a_slow_rate_is_not_taken_for_a_stalled_issue(self):
        self.queue()
        run_worker()
        waiting = DBTaskResult.objects.filter(status="READY").get()
        self.assertGreater(waiting.run_after, timezone.now() + datetime.timedelta(minutes=1))
        # Past NEWSLETTER_STALL_SECONDS, before the batch is due: nothing stalled.
        self.assertEqual(sending.sweep(timezone.now() + datetime.timedelta(seconds=301)), 0)


@override_settings(TASKS=DATABASE_TASKS, NEWSLETTER_BATCH_SIZE=2, NEWSLETTER_RATE_PER_MINUTE=0)
class OutageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.subscribers = [make_subscriber() for _ in range(5)]
        article = make_draft()
        article.status = Article.Status.PUBLISHED
        article.save()
        cls.article = article

    def test_an_outage_leaves_the_issue_failed_will_retry_then_it_is_sent_once(self):
        issue = sending.queue_article(self.article)
        real_send = outbox.backends.locmem.EmailBackend.send_messages
        calls = []

        def refuse_after_three(backend, messages):
            calls.append(messages)
            if len(calls) > 3:
                raise ConnectionRefusedError(111, "Connection refused")
            return real_send(backend, messages)

        with (
            mock.patch(LOCMEM, refuse_after_three),
            self.assertLogs("newsletter.sending", "WARNING") as logs,
        ):
            run_worker()
        self.assertEqual(len(outbox.outbox), 3)  # half-sent…
        issue.refresh_from_db()
        self.assertEqual(issue.state, "failed")
        self.assertEqual(issue.reason, "ConnectionRefusedError: Connection refused")
        with translation.override("en"):
            self.assertEqual(
                issue.progress(),
                "Failed, will retry 3/5 (ConnectionRefusedError: Connection refused)",
            )
        self.assertIn("trying again in 60 s", logs.output[0])
        self.assertNotIn("@", "".join(logs.output))
        # …and not forgotten: the same batch waits for its retry.
        retry = DBTaskResult.objects.get(status="READY")
        self.assertEqual(retry.task_result.args, [issue.pk, issue.cursor])
        self.assertGreater(retry.run_after, timezone.now() + datetime.timedelta(seconds=50))

        make_due()
        run_worker()  # the mail server is back
        self.assertEqual(recipients(outbox.outbox), sorted(s.email for s in self.subscribers))
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent, issue.reason), ("sent", 5, ""))

    def test_the_sweep_takes_up_a_stalled_issue_and_only_once(self):
        issue = sending.queue_article(self.article)
        DBTaskResult.objects.all().delete()  # its task lost with a killed worker
        later = timezone.now() + datetime.timedelta(hours=1)
        self.assertEqual(sending.sweep(timezone.now()), 0)  # not stalled yet
        with self.assertLogs("newsletter.sending", "WARNING"):
            self.assertEqual(sending.sweep(later), 1)
        self.assertEqual(sending.sweep(later), 0)
        run_worker()
        self.assertEqual(len(outbox.outbox), 5)
        issue.refresh_from_db()
        self.assertEqual(issue.state, "sent")


@override_settings(TASKS=DATABASE_TASKS, NEWSLETTER_BATCH_SIZE=500, NEWSLETTER_RATE_PER_MINUTE=0)
class SMTPTests(TestCase):
    """The default path: SMTP to a real server (aiosmtpd), our commit before the final "."."""

    @classmethod
    def setUpTestData(cls):
        cls.readers = [make_subscriber(email=f"reader{n}@example.org") for n in range(3)]
        cls.bounce = make_subscriber(email="bounce@example.org")
        article = make_draft(title="Par SMTP")
        article.status = Article.Status.PUBLISHED
        article.save()
        cls.article = article

    def setUp(self):
        port = smtp_sink.free_port()
        self.controller, self.sink = smtp_sink.start(port)
        self.addCleanup(self.controller.stop)
        mailers = {
            "default": smtp_sink.mailer(port),
            "newsletter": smtp_sink.mailer(port),
        }
        self.enterContext(override_settings(MAILERS=mailers))

    def test_each_reader_gets_one_message_and_a_refused_address_is_noted_not_retried(self):
        issue = sending.queue_article(self.article)
        run_worker()
        self.assertEqual(self.sink.recipients(), [r.email for r in self.readers])
        message = self.sink.messages[0]
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertTrue(message["List-Unsubscribe"].startswith("<http"))
        self.assertEqual(message["Subject"], "Par SMTP")
        kinds = [part.get_content_type() for part in message.walk()]
        self.assertEqual(kinds, ["multipart/alternative", "text/plain", "text/html"])
        refused = Delivery.objects.get(subscriber=self.bounce)
        self.assertEqual(refused.error, "550")
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent, issue.total), ("sent", 3, 4))

        sending.send_batch.call(issue.pk, 0)  # run again: nobody twice, the refused not retried
        issue.refresh_from_db()
        sending.send_batch.call(issue.pk, issue.cursor)
        self.assertEqual(len(self.sink.messages), 3)

    def test_a_message_cut_short_before_its_final_dot_is_dropped_by_the_server(self):
        issue = sending.queue_article(self.article)
        DBTaskResult.objects.all().delete()
        with (
            mock.patch.object(sending, "_claim", side_effect=RuntimeError("database gone")),
            self.assertRaises(RuntimeError),
        ):
            sending.send_batch.call(issue.pk, 0)
        self.assertEqual(self.sink.messages, [])  # its text reached the server, not its end
        self.assertFalse(Delivery.objects.exists())
        # The worker died with it: the sweep takes the issue up, and it is sent whole.
        with self.assertLogs("newsletter.sending", "WARNING"):
            sending.sweep(timezone.now() + datetime.timedelta(hours=1))
        run_worker()
        self.assertEqual(self.sink.recipients(), [r.email for r in self.readers])

    def test_a_refused_connection_leaves_the_issue_failed_will_retry(self):
        issue = sending.queue_article(self.article)
        closed = smtp_sink.free_port()
        nobody = {
            "default": smtp_sink.mailer(closed),
            "newsletter": smtp_sink.mailer(closed),
        }
        with override_settings(MAILERS=nobody), self.assertLogs("newsletter.sending", "WARNING"):
            run_worker()
        issue.refresh_from_db()
        self.assertEqual(issue.state, "failed")
        self.assertEqual(issue.reason, "ConnectionRefusedError: Connection refused")
        self.assertEqual(DBTaskResult.objects.filter(status="READY").count(), 1)


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A time in November 2026, Paris time (the 2nd is a Monday)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


@override_settings(
    TASKS=DATABASE_TASKS,
    TIME_ZONE="Europe/Paris",
    NEWSLETTER_DIGEST_HOUR=7,
    NEWSLETTER_WEEKLY_DAY=1,
    NEWSLETTER_RATE_PER_MINUTE=0,
)
class DigestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        cls.science, cls.quiet = make_category(name="Science"), make_category(name="Brèves")
        cls.quiet.send_by_mail = False
        cls.quiet.save()
        cls.daily = make_subscriber(email="daily@example.org", rhythm="daily")
        cls.science_daily = make_subscriber(
            email="science@example.org", rhythm="daily", categories=[cls.science]
        )
        cls.weekly = make_subscriber(email="weekly@example.org", rhythm="weekly")
        make_subscriber(email="each@example.org")  # each article: in no digest
        make_article(title="Sciences du lundi", category=cls.science, published_at=paris(2, 9))
        make_article(title="Autre du lundi", published_at=paris(2, 10))
        make_article(title="Brève", category=cls.quiet, published_at=paris(2, 11))
        make_article(title="Lue en anglais", language="en", published_at=paris(2, 12))

    def digests(self) -> dict[str, list[str]]:
        """Each reader's digest subjects and the titles in them."""
        found = {}
        for message in outbox.outbox:
            titles = [line for line in message.body.splitlines() if "du lundi" in line]
            found[message.to[0]] = [message.subject, *titles]
        return found

    def test_the_daily_digest_goes_at_its_hour_with_the_days_articles_once(self):
        self.assertEqual(sending.queue_digests(paris(3, 6, 59)), [])  # not yet
        [issue] = sending.queue_digests(paris(3, 7, 1))
        self.assertEqual(sending.queue_digests(paris(3, 7, 2)), [])  # once
        self.assertEqual((issue.period_start, issue.period_end), (paris(2, 7), paris(3, 7)))
        run_worker()
        self.assertEqual(
            self.digests(),
            {
                "daily@example.org": [
                    "Le Carnet\u00a0: les articles du jour",
                    "Sciences du lundi",
                    "Autre du lundi",
                ],
                # Its one category only.
                "science@example.org": [
                    "Le Carnet\u00a0: les articles du jour",
                    "Sciences du lundi",
                ],
            },
        )
        issue.refresh_from_db()
        self.assertEqual((issue.state, issue.sent, issue.total), ("sent", 2, 2))

    def test_the_next_digest_takes_what_was_published_since_the_previous(self):
        sending.queue_digests(paris(3, 7))
        run_worker()
        outbox.outbox.clear()
        self.assertEqual(sending.queue_digests(paris(4, 7)), [])  # nothing new: no mail
        make_article(title="Mardi du lundi", published_at=paris(3, 20))
        [issue] = sending.queue_digests(paris(5, 7))
        self.assertEqual(issue.period_start, paris(3, 7))  # since the last one sent
        run_worker()
        self.assertEqual(self.digests()["daily@example.org"][1:], ["Mardi du lundi"])
        self.assertNotIn("science@example.org", self.digests())  # not its category

    def test_the_weekly_digest_goes_on_its_day(self):
        sending.queue_digests(paris(3, 7))  # the daily one, on a Tuesday
        self.assertFalse(Issue.objects.filter(rhythm="weekly").exists())
        issues = sending.queue_digests(paris(9, 7, 30))  # Monday
        self.assertEqual(
            [(i.rhythm, i.period_start, i.period_end) for i in issues],
            # The daily one has nothing new since the 3rd; the weekly one has the week's.
            [("weekly", paris(2, 7), paris(9, 7))],
        )


class MessageTests(TestCase):
    def test_a_title_puts_no_line_into_the_headers_and_french_keeps_its_spaces(self):
        for breaks in ["\n", "\r", "\u2028", "\x85"]:
            with self.subTest(repr(breaks)):
                article = make_draft(title=f"Titre{breaks}Bcc: eve@example.org\u202f!")
                message = sending.preview(article)
                self.assertEqual(message.subject, "Titre Bcc: eve@example.org\u202f!")
                headers = message.message().as_string().split("\n\n", 1)[0]
                self.assertNotIn("\nBcc", headers)
