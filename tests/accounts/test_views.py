from datetime import timedelta
from unittest import mock

from django.core import mail
from django.test import TestCase, override_settings
from django.utils import timezone

from sitewide.models import PostingLimit, SiteSettings
from tests.base import make_article, make_editor

AUTHOR_EMAIL = "houssen.private@example.com"


class ContactTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        cls.author = make_editor(
            display_name="Houssen Moshinaly",
            slug="houssen",
            email=AUTHOR_EMAIL,
            accepts_contact=True,
        )
        # The contact form sends the reader back to the author page, which needs an article.
        make_article(author=cls.author)
        cls.url = "/author/houssen/contact/"

    def post(self, **overrides):
        data = {
            "name": "Pascal",
            "email": "pascal@example.net",
            "message": "Bonjour,\nune question.",
            "website": "",
            **overrides,
        }
        return self.client.post(self.url, data)

    def test_it_shows_the_form(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "accounts/contact.html")
        self.assertContains(response, 'name="message"')
        self.assertContains(response, '<meta name="robots" content="noindex">', html=True)
        self.assertNotContains(response, AUTHOR_EMAIL)

    def post_and_commit(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.post(**overrides)

    def test_it_sends_the_message_to_the_author_with_the_reader_as_reply_to(self):
        response = self.post_and_commit()
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], "/author/houssen/")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [AUTHOR_EMAIL])
        self.assertEqual(message.reply_to, ["pascal@example.net"])
        self.assertIn("Le Carnet", message.subject)
        # The reader's name and words are in the body; no header carries what they typed.
        self.assertNotIn("Pascal", message.subject)
        self.assertIn("Pascal", message.body)
        self.assertIn("Bonjour,\nune question.", message.body)

    def test_nothing_is_sent_before_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.post()
        self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)

    def test_a_failing_mail_server_is_logged_and_the_reader_is_not_failed(self):
        # Like every email, the message goes out in a task after the commit: a mail
        # server that is down is the task's failure, logged, not the reader's.
        with (
            mock.patch(
                "django.core.mail.backends.locmem.EmailBackend.send_messages",
                side_effect=ConnectionRefusedError,
            ),
            self.assertLogs("django.tasks", level="ERROR") as logs,
        ):
            response = self.post_and_commit()
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], "/author/houssen/")
        self.assertIn("ConnectionRefusedError", "\n".join(logs.output))
        self.assertNotIn("pascal@example.net", "\n".join(logs.output))

    def test_it_confirms_without_showing_the_authors_email(self):
        response = self.post()
        followed = self.client.get(response["Location"])
        self.assertContains(followed, 'class="message message--success"')
        self.assertNotContains(followed, AUTHOR_EMAIL)

    def test_an_invalid_message_is_400_with_errors(self):
        response = self.post(email="not-an-email", message="")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"email", "message"})
        self.assertContains(response, 'class="error"', status_code=400)
        self.assertNotContains(response, AUTHOR_EMAIL, status_code=400)
        self.assertEqual(mail.outbox, [])

    def test_a_name_with_a_line_break_is_refused(self):
        # It would end up in the subject header.
        response = self.post_and_commit(name="Pascal\nBcc: victim@example.com")
        self.assertEqual(response.status_code, 400)
        self.assertIn("name", response.context["form"].errors)
        self.assertEqual(mail.outbox, [])

    def test_an_empty_post_is_400(self):
        response = self.client.post(self.url, {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(mail.outbox, [])

    def test_a_filled_honeypot_sends_nothing_but_looks_the_same(self):
        response = self.post_and_commit(website="https://spam.example")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], "/author/houssen/")
        self.assertEqual(mail.outbox, [])

    def test_an_author_who_does_not_accept_messages_has_no_form(self):
        author = make_editor(slug="private", accepts_contact=False)
        make_article(author=author)
        self.assertEqual(self.client.get("/author/private/contact/").status_code, 404)
        response = self.client.post("/author/private/contact/", {"name": "x"})
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(self.client.get(author.get_absolute_url()), "/contact/")
        self.assertEqual(mail.outbox, [])

    def test_an_author_without_an_email_has_no_form(self):
        make_editor(slug="no-email", email="", accepts_contact=True)
        self.assertEqual(self.client.get("/author/no-email/contact/").status_code, 404)

    def test_other_methods_are_405(self):
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)


class ContactFloodLimitTests(TestCase):
    """The comment form's flood limit, in its own scope: one message per address per minute."""

    @classmethod
    def setUpTestData(cls):
        make_editor(slug="houssen", email=AUTHOR_EMAIL, accepts_contact=True)

    def post(self, ip: str = "203.0.113.9", **overrides):
        data = {"name": "Pascal", "email": "p@example.net", "message": "Bonjour", **overrides}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/en/author/houssen/contact/", data, REMOTE_ADDR=ip)

    def test_a_second_message_within_the_limit_is_refused_with_its_text_kept(self):
        self.assertEqual(self.post().status_code, 303)
        response = self.post(message="Encore moi")
        self.assertContains(response, "You are sending messages too fast.", status_code=429)
        self.assertContains(response, "Encore moi", status_code=429)
        self.assertEqual(response["Retry-After"], "60")
        self.assertEqual(len(mail.outbox), 1)

    def test_five_messages_in_a_row_send_one(self):
        statuses = [self.post(message=f"Message {n}").status_code for n in range(5)]
        self.assertEqual(statuses, [303, 429, 429, 429, 429])
        self.assertEqual(len(mail.outbox), 1)

    def test_other_addresses_and_the_comment_form_have_their_own_limits(self):
        self.assertEqual(self.post().status_code, 303)
        self.assertEqual(self.post(ip="198.51.100.1").status_code, 303)
        self.assertEqual(
            sorted(PostingLimit.objects.values_list("scope", flat=True)), ["contact", "contact"]
        )

    def test_the_limit_lifts_after_the_interval(self):
        self.post()
        PostingLimit.objects.update(last_posted_at=timezone.now() - timedelta(seconds=61))
        self.assertEqual(self.post().status_code, 303)

    def test_a_bot_filling_the_honeypot_is_limited_too(self):
        self.assertEqual(self.post(website="http://spam.example").status_code, 303)
        self.assertEqual(self.post().status_code, 429)
        self.assertEqual(mail.outbox, [])

    @override_settings(CONTACT_FLOOD_SECONDS=0)
    def test_zero_turns_the_limit_off(self):
        self.assertEqual([self.post().status_code for _ in range(3)], [303, 303, 303])
        self.assertFalse(PostingLimit.objects.exists())
