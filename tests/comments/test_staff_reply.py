"""Replying in the site's name from the moderation screen: published at once, in the
thread of the comment answered, marked as the staff's on the public page."""

import re

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from blog.models import Article
from comments.models import Comment, Subscription
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_chief_editor,
    make_comment,
    make_editor,
    make_moderator,
    sign_in,
)

CHANGELIST = "/admin/comments/comment/"


def reply_url(comment: Comment) -> str:
    return f"{CHANGELIST}{comment.pk}/reply/"


class StaffReplyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = SiteSettings.load()
        site.site_name = "Le Carnet"
        site.save()
        cls.moderator = make_moderator(username="mona")
        cls.article = make_article(slug="talk", title="Talk")
        cls.top = make_comment(
            article=cls.article, name="Alice", email="alice@example.org", body="First words."
        )
        cls.answer = make_comment(
            article=cls.article, name="Bob", parent=cls.top, answers=cls.top, body="Bob's."
        )

    def setUp(self):
        self.client.force_login(self.moderator)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def form(self, comment: Comment, **data) -> dict[str, str]:
        page = self.client.get(reply_url(comment), HTTP_REFERER=f"{CHANGELIST}?q=x")
        self.assertEqual(page.status_code, 200)
        key = re.search(r'name="key" value="([^"]+)"', page.content.decode()).group(1)
        return {"key": key, "next": f"{CHANGELIST}?q=x", "body": "Thank you.", **data}

    def test_the_row_links_to_the_reply_page_which_shows_the_comment(self):
        self.assertContains(
            self.client.get(CHANGELIST),
            f'<a class="reply-link" href="{reply_url(self.top)}" '
            'aria-label="Reply to the comment by Alice">Reply</a>',
            html=True,
        )
        page = self.client.get(reply_url(self.top))
        self.assertContains(page, "First words.")
        self.assertContains(page, "Published at once under the name “Le Carnet”")
        self.assertContains(page, 'value="Publish the reply"')

    def test_a_reply_is_published_at_once_in_the_site_name_in_the_thread(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reply_url(self.top), self.form(self.top))
        self.assertRedirects(response, f"{CHANGELIST}?q=x", fetch_redirect_response=False)
        reply = Comment.objects.get(from_site=True)
        self.assertEqual(
            (reply.name, reply.email, reply.status, reply.parent, reply.answers, reply.body),
            ("Le Carnet", "", "approved", self.top, self.top, "Thank you."),
        )
        self.assertEqual(reply.moderated_by, self.moderator)
        self.assertIn("mona", reply.reason)  # in the site's language
        self.assertEqual(Article.objects.get(pk=self.article.pk).comment_count, 3)
        # The article's author is told, as of any comment published.
        self.assertEqual([m.to for m in mail.outbox], [[self.article.author.email]])
        message = self.client.get(CHANGELIST).content.decode()
        self.assertIn("Your reply to Alice is published in the site’s name.", message)
        self.assertIn(
            f'<a href="/en/articles/talk/comments/{reply.pk}/">See it on the site', message
        )

    def test_the_public_page_marks_it_as_the_staff_in_the_thread(self):
        self.client.post(reply_url(self.answer), self.form(self.answer, body="Right, Bob."))
        reply = Comment.objects.get(from_site=True)
        # Answering a reply joins its thread and names whom it answers.
        self.assertEqual((reply.parent, reply.answers), (self.top, self.answer))
        self.client.logout()
        page = self.client.get("/en/articles/talk/").content.decode()
        replies = re.search(
            r'<ol class="comment-list comment-list--replies">(.*?)</ol>', page, re.S
        ).group(1)
        self.assertIn(f'class="comment comment--staff" id="comment-{reply.pk}"', replies)
        self.assertIn('<span class="comment__staff">Staff reply</span>', replies)
        self.assertIn("Right, Bob.", replies)
        self.assertIn("In reply to Bob", replies)
        french = self.client.get("/articles/talk/").content.decode()
        self.assertIn('<span class="comment__staff">Réponse de la rédaction</span>', french)

    def test_answering_a_held_comment_approves_it_and_its_subscribers_hear_of_the_reply(self):
        held = make_comment(
            article=self.article, name="Chloé", email="chloe@example.org", status="pending",
            parent=self.top, answers=self.top,
        )  # fmt: skip
        Subscription.objects.create(comment=self.top, confirmed_at=timezone.now())
        page = self.client.get(reply_url(held))
        self.assertContains(page, 'value="Approve and publish the reply"')
        self.assertContains(page, "publishing your reply approves it too")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reply_url(held), self.form(held))
        held.refresh_from_db()
        self.assertEqual((held.status, held.moderated_by), ("approved", self.moderator))
        self.assertTrue(Comment.objects.filter(from_site=True, answers=held).exists())
        self.assertEqual(Article.objects.get(pk=self.article.pk).comment_count, 4)
        # Chloé answered Alice, who asked to hear of replies: she hears of the site's too.
        self.assertIn(["alice@example.org"], [m.to for m in mail.outbox])
        self.assertNotIn("chloe@example.org", str([m.to for m in mail.outbox]))

    def test_the_same_form_sent_twice_stores_one_reply(self):
        data = self.form(self.top)
        self.client.post(reply_url(self.top), data)
        response = self.client.post(reply_url(self.top), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.filter(from_site=True).count(), 1)

    def test_an_empty_or_too_long_reply_comes_back_with_its_error_and_text(self):
        response = self.client.post(reply_url(self.top), self.form(self.top, body="   "))
        self.assertContains(response, "Write the reply first.", status_code=400)
        long = "x" * 5001
        response = self.client.post(reply_url(self.top), self.form(self.top, body=long))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, long, status_code=400)
        self.assertFalse(Comment.objects.filter(from_site=True).exists())

    def test_a_comment_rejected_meanwhile_is_not_answered_and_the_text_is_kept(self):
        data = self.form(self.top, body="My careful answer.")
        Comment.objects.filter(pk=self.top.pk).reject(by=make_moderator())
        response = self.client.post(reply_url(self.top), data)
        self.assertContains(response, "This comment was rejected in the meantime", status_code=409)
        self.assertContains(response, "My careful answer.", status_code=409)
        self.assertFalse(Comment.objects.filter(from_site=True).exists())

    def test_spam_and_rejected_comments_and_their_threads_offer_no_reply(self):
        spam = make_comment(article=self.article, status="spam")
        under_rejected = make_comment(
            article=self.article, parent=make_comment(article=self.article, status="rejected")
        )
        changelist = self.client.get(CHANGELIST)
        for comment in (spam, under_rejected):
            with self.subTest(comment.status):
                self.assertNotContains(changelist, f'href="{reply_url(comment)}"')
                page = self.client.get(reply_url(comment))
                self.assertContains(page, "the site cannot answer it")
                self.assertNotContains(page, 'name="body"')

    def test_a_comment_on_an_unpublished_article_offers_no_reply(self):
        hidden = make_comment(article=make_article(status="draft"))
        self.assertNotContains(self.client.get(CHANGELIST), f'href="{reply_url(hidden)}"')
        page = self.client.get(reply_url(hidden))
        self.assertContains(page, "Its article is not published")
        self.assertNotContains(page, 'name="body"')
        response = self.client.post(reply_url(hidden), self.form(self.top))
        self.assertContains(response, "Its article is not published", status_code=409)
        self.assertContains(response, "Thank you.", status_code=409)
        self.assertFalse(Comment.objects.filter(from_site=True).exists())

    def test_only_those_who_may_moderate_reply(self):
        self.client.force_login(make_editor())
        self.assertEqual(self.client.get(reply_url(self.top)).status_code, 403)
        sign_in(self.client, make_chief_editor())
        self.assertEqual(self.client.get(reply_url(self.top)).status_code, 200)
        self.client.logout()
        response = self.client.get(reply_url(self.top))
        self.assertTrue(response["Location"].startswith("/admin/login/"))
        self.assertEqual(self.client.get(f"{CHANGELIST}99999/reply/").status_code, 302)
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.get(f"{CHANGELIST}99999/reply/").status_code, 404)

    def test_it_never_sends_the_moderator_to_another_site(self):
        response = self.client.post(
            reply_url(self.top), self.form(self.top, next="https://evil.example/")
        )
        self.assertRedirects(response, CHANGELIST, fetch_redirect_response=False)

    def test_the_reply_needs_the_csrf_token(self):
        strict = self.client_class(enforce_csrf_checks=True)
        strict.force_login(self.moderator)
        self.assertEqual(strict.post(reply_url(self.top), self.form(self.top)).status_code, 403)
