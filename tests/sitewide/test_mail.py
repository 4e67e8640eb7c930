from unittest import mock

from django.core import mail as outbox
from django.test import TestCase, override_settings
from django.utils import translation

from sitewide import mail
from sitewide.models import SiteSettings

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

    def test_a_site_name_with_a_line_break_stays_on_one_subject_line(self):
        site = SiteSettings.load()
        site.site_name = "Le\r\nX-Injected: yes"
        site.save()
        message = mail.render("author-contact", {"name": "Zoé", "message": "Hi"})
        self.assertNotIn("\n", message.subject)
        headers = message.message().as_string().split("\n\n", 1)[0]
        self.assertNotIn("\nX-Injected", headers)
