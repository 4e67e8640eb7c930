"""No input to the contact or comment form puts a line into a mail header, or a 500.

Each hostile value goes through the form as a reader would send it; the messages the
site generates are read back as bytes and parsed: only the fixed headers are there.
"""

import email
from email import policy

from django.core import mail
from django.test import TestCase

from accounts.models import User
from sitewide.models import SiteSettings
from tests.base import make_article, make_editor
from tests.comments.helpers import post_comment

ENCODED_WORD = "=?utf-8?b?eA0KWC1JbmplY3RlZDogeWVz?="  # "x\r\nX-Injected: yes"
LINE_BREAKS = ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
HOSTILE_NAMES = [
    ENCODED_WORD,
    f"Eve {ENCODED_WORD} Doe",
    "=?utf-8?q?x=0D=0AX-Injected:_yes?=",
    *(f"Eve{br}X-Injected: yes" for br in LINE_BREAKS),
]
HOSTILE_EMAILS = [
    '"a\r\nb"@example.org',
    f'"{ENCODED_WORD}"@example.org',
    f"{ENCODED_WORD}@example.org",
    "eve@example.org\u2028X-Injected: yes",
    "eve@example.org\x85X-Injected: yes",
    "Eve <eve@example.org>, X-Injected: yes",
]
FIXED_HEADERS = {
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "Subject",
    "From",
    "To",
    "Reply-To",
    "Date",
    "Message-ID",
}


class NoReaderTextInHeadersMixin:
    def assertHeadersAreFixed(self, message) -> None:
        raw = message.message().as_bytes()
        head = raw.split(b"\n\n", 1)[0]
        self.assertNotIn(b"X-Injected", head)
        parsed = email.message_from_bytes(raw, policy=policy.default)
        self.assertLessEqual(set(parsed.keys()), FIXED_HEADERS)
        for name, value in parsed.items():
            self.assertNotIn("X-Injected", str(value), name)
        if parsed["Reply-To"] is not None:
            self.assertEqual(len(parsed["Reply-To"].addresses), 1)


class ContactFormHeaderTests(NoReaderTextInHeadersMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        make_editor(slug="houssen", email="houssen@example.com", accepts_contact=True)

    def post(self, **overrides):
        data = {"name": "Pascal", "email": "pascal@example.net", "message": "Hi", **overrides}
        mail.outbox = []
        with self.settings(CONTACT_FLOOD_SECONDS=0), self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/en/author/houssen/contact/", data)

    def test_hostile_names_never_reach_a_header(self):
        for name in HOSTILE_NAMES:
            with self.subTest(name=name):
                response = self.post(name=name)
                self.assertIn(response.status_code, {303, 400})
                for message in mail.outbox:
                    self.assertHeadersAreFixed(message)
                    self.assertIn(name.strip(), message.body)

    def test_names_with_any_line_break_are_refused(self):
        for br in LINE_BREAKS:
            with self.subTest(br=br):
                response = self.post(name=f"Eve{br}X-Injected: yes")
                self.assertContains(
                    response, "Your name cannot contain control characters.", status_code=400
                )
                self.assertEqual(mail.outbox, [])

    def test_an_encoded_word_in_the_name_stays_text_in_the_body(self):
        response = self.post(name=ENCODED_WORD)
        self.assertEqual(response.status_code, 303)
        [message] = mail.outbox
        self.assertHeadersAreFixed(message)
        self.assertIn(ENCODED_WORD, message.body)

    def test_addresses_that_are_not_plain_are_refused_and_never_become_reply_to(self):
        for address in HOSTILE_EMAILS:
            with self.subTest(address=address):
                response = self.post(email=address)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(mail.outbox, [])

    def test_a_plain_address_is_the_reply_to(self):
        self.post(email="pascal.o+blog@example.net")
        [message] = mail.outbox
        self.assertHeadersAreFixed(message)
        self.assertEqual(message.reply_to, ["pascal.o+blog@example.net"])


class CommentFormHeaderTests(NoReaderTextInHeadersMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        cls.article = make_article(slug="open")
        User.objects.create_superuser("root", "root@carnet.example", "pw")

    def post(self, number: int, **overrides):
        mail.outbox = []
        with self.settings(COMMENTS_FLOOD_SECONDS=0), self.captureOnCommitCallbacks(execute=True):
            return post_comment(self.client, self.article, body=f"Comment {number}", **overrides)

    def test_hostile_names_and_addresses_never_reach_a_header(self):
        cases = [{"name": name} for name in HOSTILE_NAMES]
        cases += [{"email": address} for address in HOSTILE_EMAILS]
        cases += [{"website": f"https://example.org/{br}X-Injected: yes"} for br in LINE_BREAKS]
        for number, overrides in enumerate(cases):
            with self.subTest(**overrides):
                response = self.post(number, **overrides)
                self.assertIn(response.status_code, {303, 400})
                for message in mail.outbox:
                    self.assertHeadersAreFixed(message)

    def test_one_line_fields_refuse_every_line_break(self):
        for number, br in enumerate(LINE_BREAKS):
            for field, value in [
                ("name", f"Eve{br}X"),
                ("email", f"eve@example.org{br}x"),
                ("website", f"https://example.org/{br}x"),
            ]:
                with self.subTest(field=field, br=br):
                    response = self.post(number, **{field: value})
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(mail.outbox, [])

    def test_the_moderators_message_carries_the_name_in_its_body_only(self):
        response = self.post(0, name=ENCODED_WORD)
        self.assertEqual(response.status_code, 303)
        [message] = [m for m in mail.outbox if m.to == ["root@carnet.example"]]
        self.assertHeadersAreFixed(message)
        self.assertIn(ENCODED_WORD, message.body)
