from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase

from comments.models import Comment
from tests.base import make_article, make_comment, make_editor, make_moderator

CHANGELIST = "/admin/comments/comment/"


class AccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.comment = make_comment(email="private@example.org")
        cls.change_url = f"{CHANGELIST}{cls.comment.pk}/change/"

    def test_the_moderators_group_may_view_and_change_comments_only(self):
        permissions = Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
        self.assertEqual(
            sorted(permissions), [("comments", "change_comment"), ("comments", "view_comment")]
        )

    def test_a_moderator_opens_the_changelist_and_the_comment(self):
        self.client.force_login(make_moderator())
        self.assertContains(self.client.get(CHANGELIST), "private@example.org")
        self.assertContains(self.client.get(self.change_url), "private@example.org")

    def test_a_moderator_cannot_add_or_delete_comments(self):
        self.client.force_login(make_moderator())
        self.assertEqual(self.client.get(f"{CHANGELIST}add/").status_code, 403)
        self.assertEqual(
            self.client.get(f"{CHANGELIST}{self.comment.pk}/delete/").status_code, 403
        )

    def test_an_editor_cannot_open_the_comment_admin(self):
        self.client.force_login(make_editor())
        self.assertEqual(self.client.get(CHANGELIST).status_code, 403)
        self.assertEqual(self.client.get(self.change_url).status_code, 403)

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self):
        for url in [CHANGELIST, self.change_url]:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/admin/login/"))
                self.assertNotContains(response, "private@example.org", status_code=302)

    def test_an_editor_does_not_see_the_pending_count_on_the_admin_index(self):
        make_comment(status=Comment.Status.PENDING)
        self.client.force_login(make_editor())
        self.assertNotContains(self.client.get("/admin/"), "await moderation")


class ChangelistTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_moderator()
        cls.article = make_article(title="Talked about")
        cls.old_approved = make_comment(article=cls.article, name="Approved Alice")
        cls.pending = make_comment(
            article=cls.article,
            name="Pending Paul",
            status=Comment.Status.PENDING,
            reason="Held: 3 links (more than 2)",
        )

    def setUp(self):
        self.client.force_login(self.moderator)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def test_pending_comments_come_first_with_their_reason(self):
        response = self.client.get(CHANGELIST)
        content = response.content.decode()
        self.assertLess(content.index("Pending Paul"), content.index("Approved Alice"))
        self.assertContains(response, "Held: 3 links (more than 2)")

    def test_it_filters_by_status_and_article_and_searches_email(self):
        response = self.client.get(CHANGELIST, {"status__exact": "pending"})
        self.assertContains(response, "Pending Paul")
        self.assertNotContains(response, "Approved Alice")
        response = self.client.get(CHANGELIST, {"article__id__exact": make_article().pk})
        self.assertNotContains(response, "Pending Paul")
        response = self.client.get(CHANGELIST, {"q": self.old_approved.email})
        self.assertContains(response, "Approved Alice")
        self.assertNotContains(response, "Pending Paul")

    def test_the_admin_index_shows_how_many_comments_await_moderation(self):
        self.assertContains(self.client.get("/admin/"), "1 comment awaits moderation")

    def test_the_moderator_sees_what_became_of_this_email_before(self):
        email = self.pending.email
        make_comment(email=email)
        make_comment(email=email, status=Comment.Status.SPAM)
        response = self.client.get(f"{CHANGELIST}{self.pending.pk}/change/")
        self.assertContains(response, "1 approved, 0 rejected, 1 spam")

    def act(self, action: str, *comments: Comment):
        return self.client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [c.pk for c in comments]},
        )

    def test_approve_reject_and_mark_spam_act_in_bulk_and_record_who(self):
        others = [make_comment(status=Comment.Status.PENDING) for _ in range(4)]
        for action, status, chosen in [
            ("approve", Comment.Status.APPROVED, [self.pending, others[0]]),
            ("reject", Comment.Status.REJECTED, others[1:3]),
            ("mark_spam", Comment.Status.SPAM, others[3:]),
        ]:
            with self.subTest(action):
                response = self.act(action, *chosen)
                self.assertEqual(response.status_code, 302)
                for comment in chosen:
                    comment.refresh_from_db()
                    self.assertEqual(comment.status, status)
                    self.assertEqual(comment.moderated_by, self.moderator)
                    self.assertIsNotNone(comment.moderated_at)

    def test_approving_emails_the_author_without_the_commenter_email(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.act("approve", self.pending)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.article.author.email])
        self.assertIn("Pending Paul", message.body)
        self.assertIn(
            f"http://testserver/articles/{self.article.slug}/comments/{self.pending.pk}/",
            message.body,
        )
        self.assertNotIn(self.pending.email, message.body + message.subject)

    def test_changing_the_status_in_the_form_records_who(self):
        url = f"{CHANGELIST}{self.pending.pk}/change/"
        response = self.client.post(
            url,
            {
                "name": self.pending.name,
                "website": "",
                "body": self.pending.body,
                "status": Comment.Status.REJECTED,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, Comment.Status.REJECTED)
        self.assertEqual(self.pending.moderated_by, self.moderator)


class ArticleDeletionTests(TestCase):
    def test_an_editor_can_delete_their_article_with_its_comments(self):
        editor = make_editor()
        article = make_article(author=editor)
        make_comment(article=article, email="gone@example.org")
        self.client.force_login(editor)
        url = f"/admin/blog/article/{article.pk}/delete/"
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "gone@example.org")
        response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Comment.objects.exists())
