"""A removed comment that others answered leaves a trace, so the conversation holds."""

from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory, TestCase

from comments.admin import CommentAdmin
from comments.models import Comment
from sitewide.models import SiteSettings
from tests.base import make_article, make_comment
from tests.comments.helpers import post_comment

OWNER = "owner@example.org"


class RemovalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="talk")
        cls.top = make_comment(article=cls.article, name="Léa", body="The first word")
        cls.mid = make_comment(
            article=cls.article,
            parent=cls.top,
            answers=cls.top,
            name="Owner",
            email=OWNER,
            body="My secret opinion",
        )
        cls.deep = make_comment(
            article=cls.article, parent=cls.top, answers=cls.mid, name="Sacha", body="Answering"
        )

    def page(self) -> str:
        return self.client_class().get("/en/articles/talk/").content.decode()

    def test_a_reply_that_was_answered_leaves_a_trace_and_its_answer_keeps_its_line(self):
        self.mid.remove(by=Comment.Removed.AUTHOR)
        trace = Comment.objects.get(pk=self.mid.pk)
        self.assertEqual(
            (trace.name, trace.email, trace.body, trace.ip_address), ("", "", "", None)
        )
        page = self.page()
        self.assertIn(f'id="comment-{self.mid.pk}"', page)
        self.assertIn("Comment deleted by its author", page)
        self.assertNotIn("My secret opinion", page)
        self.assertNotIn("Owner", page)
        self.assertIn("Answering", page)
        self.assertInHTML(
            f'<p class="comment__answers"><a href="#comment-{self.mid.pk}">'
            "In reply to a deleted comment</a></p>",
            page,
        )
        # The trace is not counted, and cannot be answered.
        self.article.refresh_from_db()
        self.assertEqual(self.article.comment_count, 2)
        self.assertNotIn(f"reply_to={self.mid.pk}", page)
        response = post_comment(self.client, self.article, parent=str(self.mid.pk))
        self.assertContains(response, "not available", status_code=400)

    def test_the_trace_is_in_french_on_the_french_page(self):
        self.mid.remove(by=Comment.Removed.AUTHOR)
        page = self.client_class().get("/articles/talk/").content.decode()
        self.assertIn("Commentaire supprimé par son auteur", page)
        self.assertIn("En réponse à un commentaire supprimé", page)

    def test_a_comment_nobody_answered_disappears(self):
        self.deep.remove(by=Comment.Removed.AUTHOR)
        self.assertFalse(Comment.objects.filter(pk=self.deep.pk).exists())
        self.assertNotIn("Comment deleted", self.page())

    def test_a_trace_goes_with_the_last_answer_to_it(self):
        self.mid.remove(by=Comment.Removed.AUTHOR)
        self.top.remove(by=Comment.Removed.AUTHOR)
        self.assertEqual(Comment.objects.exclude(removed="").count(), 2)
        self.deep.remove(by=Comment.Removed.MODERATOR)
        # Nothing answers the traces any more: the whole thread is gone.
        self.assertFalse(Comment.objects.exists())
        self.article.refresh_from_db()
        self.assertEqual(self.article.comment_count, 0)

    def test_the_comments_feed_leaves_traces_out(self):
        self.mid.remove(by=Comment.Removed.AUTHOR)
        self.article.status = self.article.status  # published by make_article
        feed = self.client_class().get("/en/feed/comments/").content.decode()
        self.assertIn("Answering", feed)
        self.assertEqual(feed.count("<item>"), 2)

    def test_a_moderators_deletion_in_the_admin_leaves_a_trace_too(self):
        admin = CommentAdmin(Comment, AdminSite())
        request = RequestFactory().post("/admin/")
        admin.delete_queryset(request, Comment.objects.filter(pk__in=[self.top.pk, self.deep.pk]))
        # The first comment, answered by mid, stays as a trace; deep, unanswered, is gone.
        self.assertEqual(Comment.objects.get(pk=self.top.pk).removed, "moderator")
        self.assertFalse(Comment.objects.filter(pk=self.deep.pk).exists())
        admin.delete_model(request, Comment.objects.get(pk=self.mid.pk))
        self.assertFalse(Comment.objects.exists())

    def test_a_moderators_trace_says_so(self):
        admin = CommentAdmin(Comment, AdminSite())
        admin.delete_model(RequestFactory().post("/admin/"), self.top)
        page = self.page()
        self.assertIn("Comment removed by the moderators", page)
        self.assertNotIn("The first word", page)
        self.assertIn("My secret opinion", page)
