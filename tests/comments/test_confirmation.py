"""The emailed confirmation, trusted approval, reply notices and their one-click stop."""

import datetime
import re
from unittest import mock

from django.core import mail, signing
from django.test import TestCase
from django.utils import timezone

from comments import links
from comments.models import Comment, Confirmation, Subscription
from sitewide.models import SiteSettings
from tests.base import make_article, make_comment, make_moderator, sign_in
from tests.comments.helpers import comment_data, emailed_links, post_comment

REGULAR = "regular@example.org"


def link_in(message, path: str) -> str:
    """The path of the first link to path in an email's body."""
    found = re.search(rf"http://testserver(/(?:en/)?comments/{path}/[^/\s]+/)", message.body)
    assert found, message.body
    # Mail is in the site's language (French at the root); the tests read English.
    path = found.group(1)
    return path if path.startswith("/en/") else f"/en{path}"


def confirm_in(client, message):
    """Press the button of the message's confirmation link, as its reader would."""
    [link] = emailed_links(message, "confirm")
    path, _, token = link.partition("#")
    return client.post(path, {"token": token, "confirm": "1"})


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


class ConfirmationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="confirmed", title="The confirmed article")
        make_moderator(email="mod@carnet.example")

    def setUp(self):
        self.site = SiteSettings.load()

    def post(self, ip: str = "203.0.113.7", **fields):
        with self.captureOnCommitCallbacks(execute=True):
            return post_comment(self.client, self.article, ip=ip, **fields)

    def trust_regulars(self) -> None:
        self.site.comments_trust_confirmed = True
        self.site.save()

    def test_the_commenter_is_sent_a_confirmation_in_the_language_of_their_page(self):
        self.post(email="camille@example.org", name="Camille", body="My words")
        [message] = sent_to("camille@example.org")
        # Written from the English page: English mail, links into the English edition.
        self.assertEqual(Comment.objects.get().language, "en")
        self.assertIn("Confirm your email", message.subject)
        self.assertIn("The confirmed article", message.body)
        self.assertEqual(
            [
                link.partition("#")[0]
                for kind in ["confirm", "manage"]
                for link in emailed_links(message, kind)
            ],
            ["/en/comments/confirm/", "/en/comments/manage/open/"],
        )
        # An address not yet confirmed is sent no word a reader typed.
        self.assertNotIn("My words", message.body)
        self.assertNotIn("Camille", message.body)
        self.assertIsNone(Comment.objects.get().confirmation.confirmed_at)

    def test_a_french_page_gets_french_mail_with_french_links(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                "/articles/confirmed/comment/",
                comment_data(self.article, email="claude@example.org"),
                REMOTE_ADDR="203.0.113.9",
            )
        [message] = sent_to("claude@example.org")
        self.assertEqual(Comment.objects.get().language, "fr")
        self.assertIn("Confirmez votre e-mail", message.subject)
        self.assertIn("/comments/confirm/#", message.body)
        self.assertNotIn("/en/", message.body)

    def test_one_confirmation_per_address_per_hour_whoever_asks(self):
        for n in range(3):
            self.post(ip=f"198.51.100.{n}", email="victim@example.org", body=f"Bait {n}")
        self.assertEqual(len(sent_to("victim@example.org")), 1)
        self.assertEqual(Comment.objects.count(), 3)

    def test_an_address_confirmed_before_is_not_asked_again(self):
        self.post(email="camille@example.org", body="First")
        confirm_in(self.client, sent_to("camille@example.org")[0])
        mail.outbox = []
        later = timezone.now() + datetime.timedelta(hours=2)
        with mock.patch("django.utils.timezone.now", return_value=later):
            response = self.post(ip="198.51.100.77", email="camille@example.org", body="Second")
        self.assertEqual(sent_to("camille@example.org"), [])
        self.assertNotContains(self.client.get(response["Location"]), "Check your mail")
        # Reply notices still need their owner's yes, each time.
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.post(ip="198.51.100.78", email="camille@example.org", body="Third", notify="on")
        self.assertEqual(len(sent_to("camille@example.org")), 1)

    def test_only_a_plain_address_may_comment(self):
        for typed in ['"victim@example.org"@example.net', "Victim <victim@example.org>"]:
            with self.subTest(typed):
                response = self.post(email=typed)
                self.assertContains(response, "plain email address", status_code=400)
        self.assertEqual(mail.outbox, [])

    def test_spam_sends_the_typed_address_nothing(self):
        self.site.comment_refuse_words = "casino"
        self.site.save()
        self.post(email="victim@example.org", body="casino")
        self.assertEqual(sent_to("victim@example.org"), [])

    def test_opening_the_link_changes_nothing_the_button_confirms_once(self):
        self.post(email="camille@example.org", body="My words")
        [link] = emailed_links(sent_to("camille@example.org")[0], "confirm")
        path, _, token = link.partition("#")
        # Written from the English page: the link opens the English edition.
        self.assertEqual(path, "/en/comments/confirm/")
        opener = self.client.get("/en/comments/confirm/")
        self.assertContains(opener, "data-link-opener")
        self.assertIn("no-store", opener["Cache-Control"])
        page = self.client.post("/en/comments/confirm/", {"token": token})
        self.assertContains(page, "Yes, I wrote it: confirm")
        self.assertContains(page, "My words")
        self.assertIn("no-store", page["Cache-Control"])
        self.assertIsNone(Confirmation.objects.get().confirmed_at)
        done = confirm_in(self.client, sent_to("camille@example.org")[0])
        self.assertContains(done, "Your email is confirmed")
        self.assertContains(done, "Your comment awaits moderation.")
        self.assertIsNotNone(Confirmation.objects.get().confirmed_at)
        # The button opened "Manage my comments" for this browser.
        self.assertContains(self.client.get("/en/comments/manage/mine/"), "My words")
        # Single use: the second click is told so, with a 4xx.
        again = confirm_in(self.client, sent_to("camille@example.org")[0])
        self.assertContains(again, "already been used", status_code=410)
        opened = self.client.post("/en/comments/confirm/", {"token": token})
        self.assertContains(opened, "already been used", status_code=410)

    def test_a_link_mailed_with_its_token_in_the_path_still_confirms(self):
        self.post(email="camille@example.org")
        url = f"/en/comments/confirm/{links.make(links.CONFIRM, Comment.objects.get())}/"
        self.assertContains(self.client.get(url), "Yes, I wrote it: confirm")
        self.assertIsNone(Confirmation.objects.get().confirmed_at)
        self.assertContains(self.client.post(url), "Your email is confirmed")

    def test_trusted_approval_needs_the_setting(self):
        make_comment(article=self.article, email=REGULAR)
        self.post(email=REGULAR, body="Second comment")
        confirm_in(self.client, sent_to(REGULAR)[0])
        self.assertEqual(Comment.objects.get(body="Second comment").status, Comment.Status.PENDING)

    def test_a_confirmed_regular_is_approved_at_once(self):
        self.trust_regulars()
        make_comment(article=self.article, email=REGULAR)
        self.post(email="Regular@Example.org", body="Second comment")
        done = confirm_in(self.client, sent_to("Regular@Example.org")[0])
        self.assertContains(done, "Your comment is published.")
        comment = Comment.objects.get(body="Second comment")
        self.assertEqual(comment.status, Comment.Status.APPROVED)
        self.assertIn("adresse confirmée", comment.reason)  # the site's language
        self.assertContains(self.client.get("/en/articles/confirmed/"), "Second comment")

    def test_a_confirmed_newcomer_still_waits(self):
        self.trust_regulars()
        self.post(email="new@example.org")
        confirm_in(self.client, sent_to("new@example.org")[0])
        self.assertEqual(Comment.objects.get().status, Comment.Status.PENDING)

    def test_an_unconfirmed_regular_waits(self):
        self.trust_regulars()
        make_comment(article=self.article, email=REGULAR)
        self.post(email=REGULAR, body="Unconfirmed")
        self.assertEqual(Comment.objects.get(body="Unconfirmed").status, Comment.Status.PENDING)

    def test_a_held_comment_stays_held_when_its_regular_confirms(self):
        self.trust_regulars()
        self.site.comment_hold_words = "bitcoin"
        self.site.save()
        make_comment(article=self.article, email=REGULAR)
        self.post(email=REGULAR, body="About bitcoin")
        confirm_in(self.client, sent_to(REGULAR)[0])
        held = Comment.objects.get(body="About bitcoin")
        self.assertEqual(held.status, Comment.Status.PENDING)
        self.assertIn("bitcoin", held.reason)

    def test_a_link_only_confirms_its_own_comment(self):
        """Confirming one comment says nothing of a later one with the same address."""
        self.trust_regulars()
        make_comment(article=self.article, email=REGULAR)
        self.post(email=REGULAR, body="First, confirmed")
        confirm_in(self.client, sent_to(REGULAR)[0])
        self.post(email=REGULAR, body="Second, by someone else", ip="198.51.100.50")
        self.assertEqual(
            Comment.objects.get(body="Second, by someone else").status, Comment.Status.PENDING
        )

    def test_a_visitor_typing_a_regulars_email_gets_nothing_and_the_regular_is_asked(self):
        self.trust_regulars()
        make_comment(article=self.article, email=REGULAR, name="Regular")
        response = self.post(email=REGULAR, name="Regular", body="Impostor words")
        self.assertEqual(response.status_code, 303)
        impostor = Comment.objects.get(body="Impostor words")
        self.assertEqual(impostor.status, Comment.Status.PENDING)
        # The only link that could approve it went to the regular's mailbox, without a
        # word the visitor typed: nobody can make Carnet mail their text to someone.
        [message] = sent_to(REGULAR)
        self.assertNotIn("Impostor words", message.body)
        self.assertNotIn("Regular", message.body + message.subject)
        self.assertIn("If you did not write this comment, ignore this email", message.body)
        passer_by = self.client_class()
        self.assertNotContains(passer_by.get("/en/articles/confirmed/"), "Impostor words")


class LinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.comment = make_comment(email="owner@example.org", status=Comment.Status.PENDING)
        Confirmation.objects.create(comment=cls.comment)

    def test_a_tampered_link_answers_400(self):
        token = links.make(links.CONFIRM, self.comment)
        for bad in [token[:-2] + "xx", "nonsense", token.replace(":", "")]:
            with self.subTest(bad):
                response = self.client.get(f"/en/comments/confirm/{bad}/")
                self.assertContains(response, "altered", status_code=400)

    def test_an_expired_link_answers_410(self):
        token = links.make(links.CONFIRM, self.comment)
        later = timezone.now() + datetime.timedelta(days=8)
        with mock.patch("time.time", return_value=later.timestamp()):
            response = self.client.get(f"/en/comments/confirm/{token}/")
        self.assertContains(response, "expired", status_code=410)

    def test_expired_manage_and_unsubscribe_links_answer_410(self):
        later = timezone.now() + datetime.timedelta(days=366)
        for purpose, url in [
            (links.MANAGE, "/en/comments/manage/{}/"),
            (links.UNSUBSCRIBE, "/en/comments/unsubscribe/{}/"),
        ]:
            with self.subTest(purpose.name):
                token = links.make(purpose, self.comment)
                with mock.patch("time.time", return_value=later.timestamp()):
                    response = self.client.get(url.format(token))
                self.assertContains(response, "expired", status_code=410)

    def test_a_link_for_one_purpose_does_not_open_another(self):
        token = links.make(links.MANAGE, self.comment)
        response = self.client.get(f"/en/comments/confirm/{token}/")
        self.assertEqual(response.status_code, 400)
        response = self.client.post(f"/en/comments/unsubscribe/{token}/")
        self.assertEqual(response.status_code, 400)

    def test_a_well_signed_link_to_erased_data_answers_404(self):
        token = links.make(links.CONFIRM, self.comment)
        Comment.objects.filter(pk=self.comment.pk).anonymise()
        response = self.client.post("/en/comments/confirm/", {"token": token})
        self.assertContains(response, "nothing left", status_code=404)

    def test_a_signed_payload_of_the_wrong_shape_answers_400(self):
        token = signing.dumps(["x"], salt="comments.manage")
        self.assertEqual(self.client.get(f"/en/comments/manage/{token}/").status_code, 400)


class ReplyNotificationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="answered", title="The answered article")
        cls.moderator = make_moderator(email="mod@carnet.example")

    def setUp(self):
        SiteSettings.load()

    def post(self, ip: str, **fields):
        with self.captureOnCommitCallbacks(execute=True):
            return post_comment(self.client, self.article, ip=ip, **fields)

    def subscribe(self, email: str = "asker@example.org", confirm: bool = True) -> Comment:
        self.post("198.51.100.1", email=email, name="Asker", body="Tell me", notify="on")
        comment = Comment.objects.get(body="Tell me")
        comment.approve(by=self.moderator)
        if confirm:
            confirm_in(self.client, sent_to(email)[-1])
        return comment

    def reply(self, to: Comment, body: str = "An answer", email: str = "replier@example.net"):
        self.post(
            f"198.51.100.{len(body)}", email=email, name="Replier", body=body, parent=str(to.pk)
        )
        reply = Comment.objects.get(body=body)
        mail.outbox = []
        with self.captureOnCommitCallbacks(execute=True):
            ids = Comment.objects.filter(pk=reply.pk).approve(by=self.moderator)
            from comments.notifications import notify_authors

            notify_authors(self.client.get("/").wsgi_request, ids)
        return reply

    def test_the_confirmation_mentions_the_reply_notices(self):
        self.subscribe(confirm=False)
        self.assertIn(
            "be emailed when someone replies to it", sent_to("asker@example.org")[0].body
        )
        self.assertIsNone(Subscription.objects.get().confirmed_at)

    def test_no_notice_goes_to_an_unconfirmed_address(self):
        top = self.subscribe(confirm=False)
        self.reply(top)
        self.assertEqual(sent_to("asker@example.org"), [])

    def test_a_confirmed_subscriber_is_told_of_an_approved_reply_without_the_repliers_email(
        self,
    ):
        top = self.subscribe()
        self.reply(top, body="Here is my answer")
        [notice] = sent_to("asker@example.org")
        # In the language of the page the subscriber wrote from.
        self.assertIn("A reply to your comment", notice.subject)
        self.assertIn("http://testserver/en/", notice.body)
        self.assertIn("Replier", notice.body)
        self.assertIn("Here is my answer", notice.body)
        self.assertNotIn(
            "replier@example.net", notice.body + notice.subject + str(notice.extra_headers)
        )
        self.assertIn("/comments/manage/", notice.body)
        unsubscribe = link_in(notice, "unsubscribe")
        self.assertEqual(
            notice.extra_headers["List-Unsubscribe"],
            f"<http://testserver{unsubscribe}>",
        )
        self.assertEqual(
            notice.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )

    def test_a_pending_reply_tells_nobody(self):
        top = self.subscribe()
        mail.outbox = []
        self.post("198.51.100.2", email="r@example.net", body="Not yet", parent=str(top.pk))
        self.assertEqual(sent_to("asker@example.org"), [])

    def test_ones_own_reply_is_not_notified(self):
        top = self.subscribe()
        self.reply(top, email="asker@example.org", body="Adding to my own comment")
        self.assertEqual(sent_to("asker@example.org"), [])

    def test_a_reply_to_a_reply_tells_the_answered_subscriber(self):
        top = make_comment(article=self.article, name="pascal")
        self.post(
            "198.51.100.1",
            email="mid@example.org",
            name="Mid",
            body="Middle",
            notify="on",
            parent=str(top.pk),
        )
        middle = Comment.objects.get(body="Middle")
        middle.approve(by=self.moderator)
        confirm_in(self.client, sent_to("mid@example.org")[-1])
        self.reply(middle, body="Answering the middle")
        [notice] = sent_to("mid@example.org")
        self.assertIn("Answering the middle", notice.body)

    def test_the_unsubscribed_page_offers_an_undo(self):
        top = self.subscribe()
        self.reply(top)
        unsubscribe = link_in(sent_to("asker@example.org")[0], "unsubscribe")
        done = self.client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
        self.assertContains(done, "Email me the replies again</button>")
        self.assertContains(done, 'href="/en/articles/answered/"')
        self.assertFalse(Subscription.objects.exists())
        again = self.client.post(unsubscribe, {"resubscribe": "1"})
        self.assertContains(again, "We will email you again")
        self.assertIsNotNone(Subscription.objects.get(comment=top).confirmed_at)
        self.reply(top, body="After the undo")
        [notice] = sent_to("asker@example.org")
        self.assertIn("After the undo", notice.body)

    def test_one_click_unsubscribe_works_without_a_session_or_origin(self):
        top = self.subscribe()
        self.reply(top)
        unsubscribe = link_in(sent_to("asker@example.org")[0], "unsubscribe")
        # What a mail client sends (RFC 8058): a bare POST, no cookie, no Origin.
        response = self.client_class().post(unsubscribe, {"List-Unsubscribe": "One-Click"})
        self.assertContains(response, "You will receive no more emails")
        self.assertFalse(Subscription.objects.exists())
        self.reply(top, body="A second answer")
        self.assertEqual(sent_to("asker@example.org"), [])

    def test_the_visible_unsubscribe_link_shows_a_button_and_a_get_changes_nothing(self):
        top = self.subscribe()
        self.reply(top)
        unsubscribe = link_in(sent_to("asker@example.org")[0], "unsubscribe")
        page = self.client.get(unsubscribe)
        self.assertContains(page, "Unsubscribe</button>")
        self.assertTrue(Subscription.objects.exists())


class SettingTests(TestCase):
    def test_trusted_approval_is_off_by_default_and_in_the_admin(self):
        from tests.base import make_superuser

        self.assertFalse(SiteSettings.load().comments_trust_confirmed)
        sign_in(self.client, make_superuser())
        response = self.client.get("/admin/sitewide/sitesettings/1/change/")
        self.assertContains(response, 'name="comments_trust_confirmed"')

    def test_a_staff_comment_asks_no_confirmation_unless_it_wants_reply_notices(self):
        from tests.base import make_editor

        article = make_article()
        editor = make_editor(email="editor@carnet.example")
        self.client.force_login(editor)
        with self.captureOnCommitCallbacks(execute=True):
            post_comment(self.client, article, email="editor@carnet.example", body="Staff")
        self.assertEqual(sent_to("editor@carnet.example"), [])
        self.assertEqual(Comment.objects.get().status, Comment.Status.APPROVED)
