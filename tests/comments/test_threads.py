"""Replies to replies join the thread of their first comment, naming whom they answer."""

from django.test import TestCase

from comments.models import Comment
from sitewide.models import SiteSettings
from tests.base import make_article, make_comment
from tests.comments.helpers import post_comment


class ReplyToReplyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="threaded")
        cls.top = make_comment(article=cls.article, name="Léa", body="Top")
        cls.reply = make_comment(article=cls.article, parent=cls.top, name="pascal", body="Mid")

    def test_a_reply_offers_its_own_reply_link(self):
        response = self.client.get("/en/articles/threaded/")
        self.assertContains(response, f'href="?reply_to={self.reply.pk}#comment-form"')
        form = self.client.get(f"/en/articles/threaded/?reply_to={self.reply.pk}")
        self.assertContains(form, "Reply to pascal")
        self.assertContains(form, f'<input type="hidden" name="parent" value="{self.reply.pk}">')

    def test_the_reply_form_shows_what_it_answers(self):
        form = self.client.get(f"/en/articles/threaded/?reply_to={self.reply.pk}")
        self.assertContains(
            form,
            '<blockquote class="quoted-comment comment-form__answering"><p>Mid</p></blockquote>',
            html=True,
        )

    def test_a_trace_cannot_be_answered(self):
        self.reply.remove(by=Comment.Removed.AUTHOR)  # answered by nobody: gone
        self.top.remove(by=Comment.Removed.AUTHOR)  # answered by nobody now: gone too
        trace_of = make_comment(article=self.article, name="Kept")
        make_comment(article=self.article, parent=trace_of, name="Answer")
        trace_of.remove(by=Comment.Removed.AUTHOR)
        form = self.client.get(f"/en/articles/threaded/?reply_to={trace_of.pk}")
        self.assertNotContains(form, "comment-form__answering")
        self.assertContains(form, "Leave a comment")

    def test_it_joins_the_thread_and_names_whom_it_answers(self):
        response = post_comment(self.client, self.article, body="Deep", parent=str(self.reply.pk))
        self.assertEqual(response.status_code, 303)
        deep = Comment.objects.get(body="Deep")
        self.assertEqual(deep.parent, self.top)
        self.assertEqual(deep.answers, self.reply)
        Comment.objects.filter(pk=deep.pk).update(status=Comment.Status.APPROVED)
        page = self.client_class().get("/en/articles/threaded/")
        self.assertContains(
            page,
            f'<p class="comment__answers"><a href="#comment-{self.reply.pk}">'
            "In reply to pascal</a></p>",
            html=True,
        )
        french = self.client_class().get("/articles/threaded/")
        self.assertContains(french, "En réponse à pascal")
        content = page.content.decode()
        self.assertLess(content.index("Mid"), content.index("Deep"))

    def test_a_direct_reply_names_nobody(self):
        post_comment(self.client, self.article, body="Direct", parent=str(self.top.pk))
        Comment.objects.filter(body="Direct").update(status=Comment.Status.APPROVED)
        self.assertNotContains(self.client_class().get("/en/articles/threaded/"), "In reply to")

    def test_a_withdrawn_answered_reply_is_not_named(self):
        deep = make_comment(article=self.article, parent=self.top, answers=self.reply)
        Comment.objects.filter(pk=self.reply.pk).update(status=Comment.Status.REJECTED)
        page = self.client_class().get("/en/articles/threaded/")
        self.assertContains(page, deep.body)
        self.assertNotContains(page, "In reply to")
