"""Self-service by emailed link: ask, list, edit, delete, download, erase."""

import datetime
import json
from io import StringIO
from unittest import mock

from django.core import mail, signing
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from comments import links
from comments.models import Comment, Subscription
from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_comment, make_moderator, make_subscriber
from tests.comments.helpers import emailed_links, open_link

OWNER = "owner@example.org"


class ManageRequestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        make_comment(email=OWNER)

    def ask(self, email: str, ip: str = "203.0.113.7"):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/en/comments/manage/", {"email": email}, REMOTE_ADDR=ip)

    def test_the_page_asks_for_an_email(self):
        response = self.client.get("/en/comments/manage/")
        self.assertContains(response, '<label for="id_email">Your email')
        self.assertIn("public", response["Cache-Control"])

    def test_it_answers_the_same_whether_or_not_the_address_commented(self):
        known = self.ask(OWNER, ip="198.51.100.1")
        unknown = self.ask("stranger@example.org", ip="198.51.100.2")
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known.content, unknown.content)
        self.assertContains(known, "If this address has comments here")
        # Only the owner learns the difference, by email.
        self.assertEqual([m.to for m in mail.outbox], [[OWNER]])
        self.assertIn("/comments/manage/", mail.outbox[0].body)

    def test_an_invalid_address_answers_400(self):
        self.assertEqual(self.ask("not an address").status_code, 400)

    @override_settings(COMMENTS_FLOOD_SECONDS=15)
    def test_it_is_flood_limited_per_client_address(self):
        self.ask(OWNER)
        response = self.ask("stranger@example.org")
        self.assertContains(response, "You are asking too fast", status_code=429)
        self.assertEqual(response["Retry-After"], "15")
        self.assertEqual(len(mail.outbox), 1)

    def test_a_commenter_gets_one_link_in_ten_minutes_however_many_ask(self):
        self.ask(OWNER, ip="198.51.100.1")
        # From other client addresses, in another case: no mail, and the answer says why.
        for n, email in enumerate([OWNER, OWNER.upper(), OWNER], start=2):
            again = self.ask(email, ip=f"198.51.100.{n}")
            self.assertContains(
                again,
                "A link was emailed to this address less than 10 minutes ago",
                status_code=429,
            )
            self.assertContains(again, "You can ask for a new one in 10 minutes", status_code=429)
            self.assertEqual(again["Retry-After"], "600")
        self.assertEqual([m.to for m in mail.outbox], [[OWNER]])
        later = timezone.now() + datetime.timedelta(minutes=11)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertContains(self.ask(OWNER, ip="198.51.100.9"), "If this address has comments")
        self.assertEqual(len(mail.outbox), 2)

    def test_asking_again_answers_the_same_whether_or_not_the_address_commented(self):
        for email, ip in [(OWNER, "198.51.100.1"), ("stranger@example.org", "198.51.100.2")]:
            self.ask(email, ip=ip)
        known = self.ask(OWNER, ip="198.51.100.3")
        unknown = self.ask("stranger@example.org", ip="198.51.100.4")
        self.assertEqual((known.status_code, known.content), (429, unknown.content))
        self.assertContains(known, "at ", status_code=429)

    def test_a_quoted_or_named_address_is_refused_and_sent_nothing(self):
        make_comment(email='"owner@example.org"@example.net')
        for typed in ['"owner@example.org"@example.net', "Owner <owner@example.org>"]:
            with self.subTest(typed):
                response = self.ask(typed)
                self.assertContains(response, "plain email address", status_code=400)
        self.assertEqual(mail.outbox, [])


class ManagePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.moderator = make_moderator()
        cls.article = make_article(slug="mine", title="My article")
        cls.approved_long_ago = make_comment(
            article=cls.article,
            email=OWNER,
            body="Old and approved",
            moderated_at=timezone.now() - datetime.timedelta(hours=1),
        )
        cls.pending = make_comment(
            article=cls.article, email=OWNER, body="Still waiting", status=Comment.Status.PENDING
        )
        cls.other = make_comment(article=cls.article, email="other@example.org", body="Not mine")

    def setUp(self):
        opened = open_link(self.client, self.link())
        self.assertRedirects(opened, "/en/comments/manage/mine/", status_code=303)

    def link(self) -> str:
        return f"/en/comments/manage/open/#{links.make_manage(OWNER)}"

    def url(self, suffix: str = "") -> str:
        return f"/en/comments/manage/mine/{suffix}"

    def test_it_lists_the_owners_comments_with_their_status_only(self):
        response = self.client.get(self.url())
        self.assertContains(response, "Old and approved")
        self.assertContains(response, "Still waiting")
        self.assertContains(response, "Pending")
        self.assertContains(response, "Approved")
        self.assertNotContains(response, "Not mine")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex")

    def test_its_queries_do_not_grow_with_the_comments(self):
        self.client.get(self.url())  # the site settings and the header's menu into the cache
        # the owner's comments with their articles
        with self.assertNumQueries(1):
            self.client.get(self.url())
        for n in range(10):
            make_comment(article=make_article(), email=OWNER, body=f"More {n}")
        with self.assertNumQueries(1):
            response = self.client.get(self.url())
        self.assertContains(response, "More 9")

    def test_a_pending_comment_can_be_edited_and_is_marked_edited(self):
        response = self.client.post(self.url(f"{self.pending.pk}/edit/"), {"body": "Better words"})
        self.assertEqual(response.status_code, 303)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.body, "Better words")
        self.assertIsNotNone(self.pending.edited_at)
        self.assertEqual(self.pending.status, Comment.Status.PENDING)

    def test_an_approved_comment_is_editable_for_15_minutes_and_goes_back_to_moderation(self):
        recent = make_comment(
            article=self.article, email=OWNER, moderated_at=timezone.now(), body="Fresh"
        )
        page = self.client.get(self.url())
        self.assertContains(page, f"/{recent.pk}/edit/")
        self.assertNotContains(page, f"/{self.approved_long_ago.pk}/edit/")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(f"{recent.pk}/edit/"), {"body": "Bait, switched"})
        self.assertContains(self.client.get(response["Location"]), "it awaits moderation again")
        recent.refresh_from_db()
        self.assertEqual(recent.status, Comment.Status.PENDING)
        self.assertEqual(recent.body, "Bait, switched")
        self.assertIn("après son approbation", recent.reason)  # the site's language
        self.assertEqual([m.to for m in mail.outbox], [[self.moderator.email]])
        article_page = self.client_class().get("/en/articles/mine/")
        self.assertNotContains(article_page, "Bait, switched")
        self.assertNotContains(article_page, "Fresh")

    def test_a_trusted_regulars_edit_stays_published(self):
        site = SiteSettings.load()
        site.comments_trust_confirmed = True
        site.save()
        recent = make_comment(
            article=self.article, email=OWNER, moderated_at=timezone.now(), body="Fresh"
        )
        self.client.post(self.url(f"{recent.pk}/edit/"), {"body": "Fresh, corrected"})
        recent.refresh_from_db()
        self.assertEqual(recent.status, Comment.Status.APPROVED)
        article_page = self.client_class().get("/en/articles/mine/")
        self.assertContains(article_page, "Fresh, corrected")
        self.assertContains(article_page, '<span class="comment__edited">edited</span>')

    def test_an_old_approved_comment_cannot_be_edited_and_the_page_says_why(self):
        url = self.url(f"{self.approved_long_ago.pk}/edit/")
        response = self.client.post(url, {"body": "Rewriting history"})
        # The correction sent too late stays in the box; the reason is beside it.
        self.assertContains(
            response, "corrected for 15 minutes after its publication", status_code=403
        )
        self.assertContains(response, "Rewriting history</textarea>", status_code=403)
        self.approved_long_ago.refresh_from_db()
        self.assertEqual(self.approved_long_ago.body, "Old and approved")
        response = self.client.get(url)
        self.assertRedirects(response, self.url(), status_code=303, fetch_redirect_response=False)
        self.assertContains(self.client.get(self.url()), "this one was published on")

    @override_settings(COMMENTS_MAX_LINKS=0)
    def test_an_edit_that_a_check_would_hold_goes_back_to_moderation(self):
        recent = make_comment(article=self.article, email=OWNER, moderated_at=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url(f"{recent.pk}/edit/"), {"body": "See https://spam.example"})
        # The moderators are told it waits again.
        self.assertEqual([m.to for m in mail.outbox], [[self.moderator.email]])
        recent.refresh_from_db()
        self.assertEqual(recent.status, Comment.Status.PENDING)
        self.assertIn("liens", recent.reason)  # the site's language
        self.assertNotContains(self.client_class().get("/en/articles/mine/"), "spam.example")

    def test_an_empty_edit_answers_400_and_keeps_the_text(self):
        response = self.client.post(self.url(f"{self.pending.pk}/edit/"), {"body": ""})
        self.assertEqual(response.status_code, 400)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.body, "Still waiting")

    def test_someone_elses_comment_is_404(self):
        for suffix in [f"{self.other.pk}/edit/", f"{self.other.pk}/delete/"]:
            with self.subTest(suffix):
                self.assertEqual(self.client.post(self.url(suffix)).status_code, 404)
        self.assertTrue(Comment.objects.filter(pk=self.other.pk).exists())

    def test_delete_asks_first(self):
        page = self.client.get(self.url(f"{self.pending.pk}/delete/"))
        self.assertContains(page, "Delete my comment</button>")
        self.assertContains(page, "Still waiting")
        self.assertTrue(Comment.objects.filter(pk=self.pending.pk).exists())

    def test_the_mailed_link_keeps_working_after_deletions(self):
        response = self.client.post(self.url(f"{self.pending.pk}/delete/"))
        self.assertRedirects(response, self.url(), status_code=303, fetch_redirect_response=False)
        self.assertFalse(Comment.objects.filter(pk=self.pending.pk).exists())
        page = self.client.get(response["Location"])
        self.assertContains(page, "Old and approved")
        self.assertContains(page, "Your comment is deleted.")
        # The same mailed link, opened again in another browser, after every deletion.
        self.client.post(self.url(f"{self.approved_long_ago.pk}/delete/"))
        elsewhere = self.client_class()
        self.assertRedirects(open_link(elsewhere, self.link()), self.url(), status_code=303)
        self.assertContains(elsewhere.get(self.url()), "No comments are left with this address.")

    def test_a_link_mailed_for_one_comment_opens_its_addresss_comments(self):
        legacy = signing.dumps(
            {"c": self.pending.pk, "h": links._digest(OWNER)}, salt="comments.manage"
        )
        browser = self.client_class()
        response = browser.get(f"/en/comments/manage/{legacy}/")
        self.assertRedirects(response, self.url(), status_code=303)
        self.assertContains(browser.get(self.url()), "Old and approved")

    def test_the_pages_do_not_open_without_the_link(self):
        stranger = self.client_class()
        for suffix in [
            "",
            f"{self.pending.pk}/edit/",
            f"{self.pending.pk}/delete/",
            "download/",
            "erase/",
        ]:
            with self.subTest(suffix):
                response = stranger.get(self.url(suffix))
                self.assertContains(response, "opens from the link we email you", status_code=403)
        self.assertEqual(stranger.post(self.url(f"{self.pending.pk}/delete/")).status_code, 403)
        self.assertTrue(Comment.objects.filter(pk=self.pending.pk).exists())

    def test_the_opened_link_is_an_httponly_cookie_of_cookie_octets(self):
        cookie = self.client.cookies["carnet_manage"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertRegex(cookie.value, r"^[A-Za-z0-9_:.-]+$")

    def test_a_comment_others_answered_is_withdrawn_but_their_replies_stay(self):
        reply = make_comment(article=self.article, parent=self.approved_long_ago, body="Reply")
        self.client.post(self.url(f"{self.approved_long_ago.pk}/delete/"))
        self.approved_long_ago.refresh_from_db()
        self.assertEqual(self.approved_long_ago.email, "")
        self.assertEqual(self.approved_long_ago.removed, Comment.Removed.AUTHOR)
        self.assertEqual((self.approved_long_ago.name, self.approved_long_ago.body), ("", ""))
        self.assertTrue(Comment.objects.filter(pk=reply.pk).exists())

    def test_download_gives_everything_stored_as_json(self):
        Subscription.objects.create(comment=self.pending, confirmed_at=timezone.now())
        response = self.client.get(self.url("download/"))
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("attachment", response["Content-Disposition"])
        data = json.loads(response.content)
        self.assertEqual(data["email"], OWNER)
        self.assertEqual(
            {c["body"] for c in data["comments"]}, {"Old and approved", "Still waiting"}
        )
        self.assertTrue(
            next(c for c in data["comments"] if c["body"] == "Still waiting")[
                "reply_notifications"
            ]
        )

    def test_erase_asks_first_then_does_what_the_command_does(self):
        Subscription.objects.create(comment=self.pending, confirmed_at=timezone.now())
        confirm = self.client.get(self.url("erase/"))
        self.assertContains(confirm, "your 2 comments")
        self.assertEqual(Comment.objects.from_email(OWNER).count(), 2)
        done = self.client.post(self.url("erase/"))
        self.assertContains(done, "Your data is erased")
        self.assertFalse(Comment.objects.from_email(OWNER).exists())
        self.assertFalse(Subscription.objects.exists())
        self.assertEqual(Comment.objects.filter(name="Anonymous").count(), 0)  # site: French
        self.assertEqual(Comment.objects.filter(name="Anonyme").count(), 2)
        # This browser forgets the link and the remembered details.
        self.assertEqual(done.cookies["carnet_manage"]["max-age"], 0)
        self.assertEqual(done.cookies["carnet_commenter"]["max-age"], 0)
        # The link opens on nothing.
        open_link(self.client, self.link())
        self.assertContains(self.client.get(self.url()), "No comments are left")

    def test_the_download_lists_the_newsletter_subscription_of_the_address(self):
        make_subscriber(email=OWNER.upper(), rhythm="weekly", categories=[make_category()])
        make_subscriber(email="someone.else@example.org")
        data = json.loads(self.client.get(self.url("download/")).content)
        [subscription] = data["newsletter"]
        self.assertEqual(subscription["email"], "OWNER@example.org")
        self.assertEqual(subscription["rhythm"], "weekly")
        self.assertEqual(len(subscription["categories"]), 1)
        self.assertIsNotNone(subscription["confirmed_at"])

    def test_erasing_deletes_the_newsletter_subscription_of_the_address_only(self):
        from newsletter.models import Subscriber

        make_subscriber(email=OWNER)
        other = make_subscriber(email="someone.else@example.org")
        self.assertContains(self.client.get(self.url("erase/")), "subscription to the newsletter")
        self.client.post(self.url("erase/"))
        self.assertQuerySetEqual(Subscriber.objects.all(), [other])

    def test_the_command_exports_and_erases_a_subscriber_without_comments(self):
        from newsletter.models import Subscriber

        make_subscriber(email="reader.only@example.org")
        out = StringIO()
        call_command("commenter", "export", "reader.only@example.org", stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual((data["comments"], len(data["newsletter"])), ([], 1))
        out = StringIO()
        call_command("commenter", "erase", "Reader.Only@example.org", stdout=out)
        self.assertIn("Deleted 1 newsletter subscriptions", out.getvalue())
        self.assertFalse(Subscriber.objects.exists())

    def test_the_command_erases_the_same_way(self):
        Subscription.objects.create(comment=self.pending, confirmed_at=timezone.now())
        call_command("commenter", "erase", OWNER, stdout=open("/dev/null", "w"))
        self.assertFalse(Comment.objects.from_email(OWNER).exists())
        self.assertFalse(Subscription.objects.exists())


class EveryEmailCarriesTheManageLinkTests(TestCase):
    def test_the_confirmation_and_the_manage_mail_open_the_owners_page(self):
        from comments.notifications import ask_confirmation, send_manage_link

        comment = make_comment(email=OWNER, body="Owned words")
        request = self.client.get("/").wsgi_request
        with self.captureOnCommitCallbacks(execute=True):
            ask_confirmation(request, comment, notify=True)
            send_manage_link(request, OWNER)
        self.assertEqual(len(mail.outbox), 2)
        for message in mail.outbox:
            with self.subTest(message.subject):
                [link] = emailed_links(message, "manage")
                browser = self.client_class()
                open_link(browser, link)
                self.assertContains(browser.get("/comments/manage/mine/"), "Owned words")
