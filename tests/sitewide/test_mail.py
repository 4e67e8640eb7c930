from datetime import timedelta
from unittest import mock

from django.core import mail as outbox
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from sitewide import mail
from sitewide.models import FailedMail, SiteSettings
from tests.base import sign_in

LOCMEM_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "emails/probe-subject.txt": "{% load i18n %}[{{ site_name }}]\n"
                        "{% translate 'Name' %}\n",
                        "emails/probe-body.txt": "{% load i18n %}{% get_current_language as l %}"
                        "{{ l }} {% translate 'Name' %}: {{ name }}",
                    },
                )
            ]
        },
    }
]
INJECTION_NAMES = [
    "Eve\r\nX-Injected: yes",
    "Eve\nX-Injected: yes",
    "=?utf-8?b?eA0KWC1JbmplY3RlZDogeWVz?=",
]


class MailPathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")

    def send(self, name: str, context: dict, **kwargs) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            mail.send(name, ["author@carnet.example"], context, **kwargs)

    @override_settings(TEMPLATES=LOCMEM_TEMPLATES, LANGUAGE_CODE="fr")
    def test_subject_and_body_come_from_the_templates_in_the_site_language(self):
        with translation.override("en"):  # the reader who caused it reads English
            self.send("probe", {"name": "Zoé"})
        [message] = outbox.outbox
        self.assertEqual(message.subject, "[Le Carnet] Nom")
        self.assertEqual(message.body, "fr Nom: Zoé\n")
        self.assertEqual(message.to, ["author@carnet.example"])

    def test_every_message_has_both_templates(self):
        for name in ["comment-held", "comment-published", "author-contact"]:
            with self.subTest(name):
                message = mail.render(name, {"name": "Zoé", "article": "A", "url": "/"})
                self.assertTrue(message.subject.startswith("[Le Carnet] "))
                self.assertIn("Zoé", message.body)

    def test_text_is_not_html_escaped(self):
        message = mail.render("author-contact", {"name": "Tom & Jerry", "message": "a < b"})
        self.assertIn("Tom & Jerry", message.body)
        self.assertIn("a < b", message.body)

    def test_it_is_sent_only_after_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            mail.send("author-contact", ["a@carnet.example"], {"name": "Zoé", "message": "Hi"})
        self.assertEqual(outbox.outbox, [])
        callbacks[0]()
        self.assertEqual(len(outbox.outbox), 1)

    def test_nobody_to_write_to_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            mail.send("author-contact", [], {"name": "Zoé", "message": "Hi"})
        self.assertEqual((callbacks, outbox.outbox), ([], []))

    def test_a_failing_mail_server_is_logged_not_raised(self):
        with (
            mock.patch(
                "django.core.mail.backends.locmem.EmailBackend.send_messages",
                side_effect=ConnectionRefusedError,
            ),
            self.assertLogs("django.tasks", level="ERROR") as logs,
        ):
            self.send("author-contact", {"name": "Zoé", "message": "Hi"})
        self.assertIn("sitewide.mail.deliver", logs.output[0])
        self.assertIn("ConnectionRefusedError", logs.output[0])

    def test_a_queue_that_refuses_the_task_is_logged_not_raised(self):
        with (
            mock.patch(
                "django.tasks.backends.immediate.ImmediateBackend.enqueue",
                side_effect=OSError("queue down"),
            ),
            # The commit logs on django.db.backends.base; the test's capture on django.test.
            self.assertLogs(level="ERROR"),
        ):
            self.send("author-contact", {"name": "Zoé", "message": "Hi"})
        self.assertEqual(outbox.outbox, [])

    def test_no_header_carries_what_a_reader_typed(self):
        for name in INJECTION_NAMES:
            with self.subTest(name=name):
                outbox.outbox = []
                self.send(
                    "author-contact",
                    {"name": name, "message": "Hello"},
                    reply_to="reader@example.net",
                )
                [message] = outbox.outbox
                # A fixed subject, in the site's language, whatever the name.
                self.assertEqual(message.subject, "[Le Carnet] Un message d’un lecteur")
                self.assertIn(name, message.body)
                headers = message.message().as_string().split("\n\n", 1)[0]
                self.assertNotIn("X-Injected", headers)

    @override_settings(TEMPLATES=LOCMEM_TEMPLATES, LANGUAGE_CODE="fr")
    def test_a_message_may_ask_for_its_own_language(self):
        self.send("probe", {"name": "Zoé"}, language="en")
        [message] = outbox.outbox
        self.assertEqual(message.body, "en Name: Zoé\n")

    def test_only_plain_addresses_become_recipients(self):
        hostile = [
            '"victim@example.org"@example.net',
            "Victim <victim@example.org>",
            "a@x.org, b@y.org",
        ]
        with self.assertLogs("sitewide.mail", level="WARNING"):
            with self.captureOnCommitCallbacks(execute=True):
                mail.send(
                    "author-contact", [*hostile, "ok@example.org"], {"name": "Z", "message": "Hi"}
                )
        [message] = outbox.outbox
        self.assertEqual(message.to, ["ok@example.org"])

    def test_a_reply_to_that_is_not_a_plain_address_is_left_out(self):
        with self.assertLogs("sitewide.mail", level="WARNING"):
            self.send(
                "author-contact",
                {"name": "Zoé", "message": "Hi"},
                reply_to='"=?utf-8?b?eA0KWC1JbmplY3RlZDogeWVz?="@example.org',
            )
        [message] = outbox.outbox
        self.assertEqual(message.reply_to, [])
        self.assertNotIn("Reply-To", message.message())

    def test_a_subject_keeps_french_no_break_spaces_and_loses_every_line_break(self):
        site = SiteSettings.load()
        site.site_name = "Le Carnet\u00a0: «\u202finfos\u202f»\u2028\tdu  jour"
        site.save()
        message = mail.render("author-contact", {"name": "Zoé", "message": "Hi"})
        self.assertEqual(
            message.subject,
            "[Le Carnet\u00a0: «\u202finfos\u202f» du jour] Un message d’un lecteur",
        )

    def test_a_site_name_with_a_line_break_stays_on_one_subject_line(self):
        site = SiteSettings.load()
        site.site_name = "Le\r\nX-Injected: yes"
        site.save()
        message = mail.render("author-contact", {"name": "Zoé", "message": "Hi"})
        self.assertNotIn("\n", message.subject)
        headers = message.message().as_string().split("\n\n", 1)[0]
        self.assertNotIn("\nX-Injected", headers)


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_TASKS)
class QueuedMailTests(TestCase):
    """The queue `make run` uses: tasks in the database, sent by `manage.py db_worker`."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")

    def run_worker(self) -> None:
        """What `manage.py db_worker --batch` does: run every task that is due, then stop.

        Without closing connections between tasks as the worker does: that would close
        the test's transaction (on PostgreSQL).
        """
        with mock.patch(f"{Worker.__module__}.close_old_connections"):
            self._worker().run()

    def _worker(self) -> Worker:
        return Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )

    def make_retries_due(self) -> None:
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())

    def test_a_message_waits_in_the_queue_until_the_worker_sends_it(self):
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            mail.send(
                "author-contact",
                ["author@carnet.example"],
                {"name": "Zoé", "message": "Bonjour"},
                reply_to="reader@example.net",
            )
        self.assertEqual(outbox.outbox, [])  # nothing sent by the request
        [queued] = DBTaskResult.objects.all()
        self.assertEqual(queued.status, TaskResultStatus.READY)

        self.run_worker()

        [message] = outbox.outbox
        self.assertEqual(message.to, ["author@carnet.example"])
        self.assertEqual(message.reply_to, ["reader@example.net"])
        self.assertIn("Bonjour", message.body)
        queued.refresh_from_db()
        self.assertEqual(queued.status, TaskResultStatus.SUCCESSFUL)

    def test_a_task_rolled_back_with_its_transaction_is_never_sent(self):
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(RuntimeError):
            with transaction.atomic():
                mail.send("author-contact", ["a@carnet.example"], {"name": "Z", "message": "Hi"})
                self.assertEqual(DBTaskResult.objects.count(), 1)  # stored with the change
                raise RuntimeError("the change fails")
        self.assertFalse(DBTaskResult.objects.exists())
        self.run_worker()
        self.assertEqual(outbox.outbox, [])

    def test_a_failing_send_is_retried_later_then_kept_for_an_administrator(self):
        with self.captureOnCommitCallbacks(execute=True):
            mail.send("author-contact", ["author@carnet.example"], {"name": "Z", "message": "Hi"})
        with (
            mock.patch(
                "django.core.mail.backends.locmem.EmailBackend.send_messages",
                side_effect=TimeoutError("timed out"),
            ),
            self.assertLogs("sitewide.mail", level="WARNING") as logs,
        ):
            self.run_worker()
            # The retry waits: a worker run now finds nothing due.
            retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
            self.assertGreater(retry.run_after, timezone.now() + timedelta(seconds=50))
            self.assertFalse(FailedMail.objects.exists())
            for _attempt in mail.RETRY_DELAYS:
                self.make_retries_due()
                self.run_worker()

        attempts = len(mail.RETRY_DELAYS) + 1
        self.assertEqual(DBTaskResult.objects.failed().count(), attempts)
        self.assertFalse(DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists())
        self.assertIn("trying again in 60 s", logs.output[0])
        self.assertIn(f"failed after {attempts} attempts", logs.output[-1])
        [failed] = FailedMail.objects.all()
        self.assertEqual((failed.name, failed.attempts), ("author-contact", attempts))
        self.assertEqual(failed.to, ["author@carnet.example"])
        self.assertIn("TimeoutError", failed.error)
        self.assertEqual(outbox.outbox, [])

        # An administrator sends it again once the mail server is back.
        admin_user = User.objects.create_superuser("root", "root@carnet.example", "pw")
        sign_in(self.client, admin_user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:sitewide_failedmail_changelist"),
                {"action": "send_again", "_selected_action": [failed.pk]},
            )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(FailedMail.objects.exists())
        self.run_worker()
        [message] = outbox.outbox
        self.assertEqual(message.to, ["author@carnet.example"])

    def test_the_immediate_backend_keeps_a_failed_message_at_once(self):
        with (
            override_settings(
                TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
            ),
            mock.patch(
                "django.core.mail.backends.locmem.EmailBackend.send_messages",
                side_effect=ConnectionRefusedError,
            ),
            self.assertLogs("django.tasks", level="ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            mail.send("author-contact", ["author@carnet.example"], {"name": "Z", "message": "Hi"})
        self.assertEqual(FailedMail.objects.get().attempts, 1)
