"""Article.comment_count, the stored number lists show, always equals the public count."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from blog.models import Article
from comments.models import Comment
from sitewide.models import SiteSettings
from sitewide.pagecache import pages_changed
from tests.base import make_article, make_comment, make_editor, make_moderator
from tests.comments.helpers import post_comment

CHANGELIST = "/admin/comments/comment/"
APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING


class CommentCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.moderator = make_moderator()

    def setUp(self):
        self.article = make_article()

    def assertCount(self, expected: int, article: Article | None = None) -> None:
        article = article or self.article
        article.refresh_from_db()
        self.assertEqual(article.comment_count, article.comments.approved().count())
        self.assertEqual(article.comment_count, expected)

    def comments(self, *statuses: str) -> list[Comment]:
        return [make_comment(article=self.article, status=status) for status in statuses]

    def test_a_staff_comment_is_counted_as_it_is_posted_and_a_held_one_is_not(self):
        post_comment(self.client, self.article, body="Held for now")
        self.assertCount(0)
        self.client.force_login(make_editor())
        response = post_comment(self.client, self.article, body="From the staff")
        self.assertEqual(response.status_code, 303)
        self.assertCount(1)

    def test_approving_rejecting_and_marking_one_as_spam(self):
        comment, other = self.comments(PENDING, PENDING)
        comment.approve(by=self.moderator)
        self.assertCount(1)
        other.approve(by=self.moderator)
        self.assertCount(2)
        comment.reject(by=self.moderator)
        self.assertCount(1)
        other.mark_spam(by=self.moderator)
        self.assertCount(0)

    def test_approving_rejecting_and_marking_as_spam_in_bulk(self):
        self.comments(PENDING, PENDING, PENDING)
        elsewhere = make_comment(status=PENDING)
        everything = Comment.objects.all()
        everything.approve(by=self.moderator)
        self.assertCount(3)
        self.assertCount(1, elsewhere.article)
        everything.filter(pk=elsewhere.pk).reject(by=self.moderator)
        self.assertCount(0, elsewhere.article)
        everything.filter(article=self.article).mark_spam(by=self.moderator)
        self.assertCount(0)

    def test_the_admin_actions(self):
        comments = self.comments(PENDING, PENDING, PENDING)
        self.client.force_login(self.moderator)
        for action, chosen, expected in [
            ("approve", comments, 3),
            ("reject", comments[:1], 2),
            ("mark_spam", comments[1:2], 1),
            ("approve", comments[:2], 3),
        ]:
            with self.subTest(action=action, expected=expected):
                self.client.post(
                    CHANGELIST,
                    {"action": action, "_selected_action": [c.pk for c in chosen]},
                )
                self.assertCount(expected)

    def test_changing_the_status_in_the_admin_form(self):
        [comment] = self.comments(PENDING)
        self.client.force_login(self.moderator)
        for status, expected in [(APPROVED, 1), (Comment.Status.REJECTED, 0)]:
            with self.subTest(status=status):
                response = self.client.post(
                    f"{CHANGELIST}{comment.pk}/change/",
                    {"name": comment.name, "website": "", "body": comment.body, "status": status},
                )
                self.assertEqual(response.status_code, 302)
                self.assertCount(expected)

    def test_a_rejected_parent_takes_its_approved_replies_out_of_the_count(self):
        parent, _other = self.comments(APPROVED, APPROVED)
        make_comment(article=self.article, parent=parent)
        make_comment(article=self.article, parent=parent)
        self.assertCount(4)
        parent.reject(by=self.moderator)
        self.assertCount(1)
        Comment.objects.filter(pk=parent.pk).approve(by=self.moderator)
        self.assertCount(4)

    def test_deleting_one_and_a_queryset(self):
        first, *_rest = self.comments(APPROVED, APPROVED, APPROVED, PENDING)
        first.delete()
        self.assertCount(2)
        Comment.objects.filter(article=self.article).delete()
        self.assertCount(0)

    def test_erasing_a_commenter_keeps_or_removes_their_comments_from_the_count(self):
        for email in ["keep@example.org", "gone@example.org"]:
            make_comment(article=self.article, email=email)
            make_comment(article=self.article, email=email)
        make_comment(article=self.article, email="other@example.org")
        self.assertCount(5)
        call_command("commenter", "erase", "keep@example.org", stdout=StringIO())
        self.assertCount(5)
        call_command("commenter", "erase", "gone@example.org", "--delete", stdout=StringIO())
        self.assertCount(3)

    def test_the_recount_command_repairs_a_wrong_number(self):
        self.comments(APPROVED, APPROVED, PENDING)
        right = make_article()
        make_comment(article=right)
        Article.objects.filter(pk=self.article.pk).update(comment_count=9)
        out = StringIO()
        call_command("recount_comments", stdout=out)
        self.assertIn(": 1 changed.", out.getvalue())
        self.assertCount(2)
        self.assertCount(1, right)
        out = StringIO()
        call_command("recount_comments", stdout=out)
        self.assertIn(": 0 changed.", out.getvalue())


class ListCountTests(TestCase):
    def test_the_home_card_shows_the_stored_number(self):
        SiteSettings.load()
        article = make_article(slug="talked-about")
        make_comment(article=article)
        make_comment(article=article)
        make_comment(article=article, status=PENDING)
        self.assertContains(self.client.get("/en/"), "2 comments")
        # The card reads the stored field; it does not count the comments again.
        Article.objects.filter(pk=article.pk).update(comment_count=7)
        pages_changed()  # the raw UPDATE went round the models that say so
        self.assertContains(self.client.get("/en/"), "7 comments")
