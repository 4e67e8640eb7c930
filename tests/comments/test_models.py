import datetime

from django.test import TestCase
from django.utils import timezone

from blog.models import Article
from comments.models import Comment
from sitewide.models import SiteSettings
from tests.base import make_article, make_comment, make_moderator


class CommentQuerySetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.approved = make_comment(article=cls.article)
        cls.pending = make_comment(article=cls.article, status=Comment.Status.PENDING)
        cls.spam = make_comment(article=cls.article, status=Comment.Status.SPAM)
        cls.rejected = make_comment(article=cls.article, status=Comment.Status.REJECTED)

    def test_approved_holds_only_approved_comments(self):
        self.assertQuerySetEqual(Comment.objects.approved(), [self.approved])

    def test_in_moderation_holds_only_pending_comments(self):
        self.assertQuerySetEqual(Comment.objects.in_moderation(), [self.pending])

    def test_an_approved_reply_to_a_hidden_comment_is_not_public(self):
        reply = make_comment(article=self.article, parent=self.rejected)
        self.assertNotIn(reply, Comment.objects.approved())
        self.assertFalse(reply.is_public())

    def test_an_approved_reply_to_an_approved_comment_is_public(self):
        reply = make_comment(article=self.article, parent=self.approved)
        self.assertIn(reply, Comment.objects.approved())
        self.assertTrue(reply.is_public())


class ModerationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_moderator()

    def test_approve_records_who_and_when(self):
        comment = make_comment(status=Comment.Status.PENDING)
        comment.approve(by=self.moderator)
        comment.refresh_from_db()
        self.assertEqual(comment.status, Comment.Status.APPROVED)
        self.assertEqual(comment.moderated_by, self.moderator)
        self.assertAlmostEqual(
            comment.moderated_at, timezone.now(), delta=datetime.timedelta(seconds=5)
        )

    def test_reject_and_mark_spam_record_who(self):
        first = make_comment(status=Comment.Status.PENDING)
        second = make_comment(status=Comment.Status.PENDING)
        first.reject(by=self.moderator)
        second.mark_spam(by=self.moderator)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual(
            (first.status, second.status), (Comment.Status.REJECTED, Comment.Status.SPAM)
        )
        self.assertEqual(first.moderated_by, self.moderator)
        self.assertEqual(second.moderated_by, self.moderator)

    def test_bulk_approve_returns_only_the_newly_approved(self):
        pending = [make_comment(status=Comment.Status.PENDING) for _ in range(3)]
        already = make_comment()
        ids = Comment.objects.filter(pk__in=[c.pk for c in [*pending, already]]).approve(
            by=self.moderator
        )
        self.assertEqual(sorted(ids), sorted(c.pk for c in pending))
        recorded = Comment.objects.filter(moderated_by=self.moderator, moderated_at__isnull=False)
        self.assertEqual(recorded.count(), 3)

    def test_bulk_reject_and_mark_spam(self):
        a, b = make_comment(), make_comment()
        Comment.objects.filter(pk=a.pk).reject(by=self.moderator)
        Comment.objects.filter(pk=b.pk).mark_spam(by=self.moderator)
        self.assertEqual(Comment.objects.get(pk=a.pk).status, Comment.Status.REJECTED)
        self.assertEqual(Comment.objects.get(pk=b.pk).status, Comment.Status.SPAM)

    def test_commenter_history_counts_other_comments_from_the_same_email(self):
        email = "Returning@Example.org"
        make_comment(email=email.lower())
        make_comment(email=email, status=Comment.Status.SPAM)
        make_comment(email=email, status=Comment.Status.SPAM)
        make_comment(email=email, status=Comment.Status.REJECTED)
        current = make_comment(email=email, status=Comment.Status.PENDING)
        make_comment(email="someone-else@example.org")
        annotated = Comment.objects.with_commenter_history().get(pk=current.pk)
        self.assertEqual(
            (annotated.history_approved, annotated.history_rejected, annotated.history_spam),
            (1, 1, 2),
        )

    def test_erased_comments_share_no_history(self):
        for _ in range(2):
            make_comment(email="", status=Comment.Status.SPAM)
        current = make_comment(email="", status=Comment.Status.PENDING)
        annotated = Comment.objects.with_commenter_history().get(pk=current.pk)
        self.assertEqual(
            (annotated.history_approved, annotated.history_rejected, annotated.history_spam),
            (0, 0, 0),
        )


class RenderingTests(TestCase):
    def test_the_body_is_rendered_on_save(self):
        comment = make_comment(body="First line\nsecond line\n\nSee https://example.com")
        self.assertEqual(
            comment.body_html,
            '<p>First line<br>second line</p><p>See <a href="https://example.com" '
            'rel="nofollow ugc noopener">https://example.com</a></p>',
        )

    def test_avatars_come_from_the_name_never_the_email(self):
        a = make_comment(name="Jean Dupont", email="one@example.org")
        b = make_comment(name="Jean Dupont", email="two@example.org")
        self.assertEqual(a.initials, "JD")
        self.assertEqual(a.avatar_colour_index, b.avatar_colour_index)

    def test_anonymise_keeps_the_text(self):
        comment = make_comment(
            name="Jean", email="jean@example.org", website="https://jean.example",
            ip_address="198.51.100.1", user_agent="Browser",
        )  # fmt: skip
        comment.reason = "Held: “jean@example.org” is on the hold list."
        comment.anonymise()
        comment.refresh_from_db()
        self.assertEqual(
            (comment.email, comment.website, comment.ip_address, comment.user_agent),
            ("", "", None, ""),
        )
        self.assertEqual(comment.reason, "")
        self.assertIn(comment.name, {"Anonymous", "Anonyme"})
        self.assertTrue(comment.body)


class CommentCountTests(TestCase):
    def test_listing_counts_approved_comments_only(self):
        article = make_article()
        make_comment(article=article)
        top = make_comment(article=article)
        make_comment(article=article, parent=top)
        make_comment(article=article, status=Comment.Status.PENDING)
        make_comment(article=article, status=Comment.Status.SPAM)
        other = make_article()
        listed = {a.pk: a.comment_count for a in Article.objects.published().for_listing()}
        self.assertEqual(listed, {article.pk: 3, other.pk: 0})


class AcceptsCommentsTests(TestCase):
    def test_comments_close_after_the_site_age_limit(self):
        site = SiteSettings.load()
        old = make_article(published_at=timezone.now() - datetime.timedelta(days=40))
        self.assertTrue(old.accepts_comments(site))
        site.comments_close_after_days = 30
        self.assertFalse(old.accepts_comments(site))
        recent = make_article(published_at=timezone.now() - datetime.timedelta(days=2))
        self.assertTrue(recent.accepts_comments(site))

    def test_closed_drafts_and_scheduled_articles_take_no_comments(self):
        site = SiteSettings.load()
        self.assertFalse(make_article(comments_open=False).accepts_comments(site))
        self.assertFalse(make_article(status=Article.Status.DRAFT).accepts_comments(site))
        scheduled = make_article(published_at=timezone.now() + datetime.timedelta(days=1))
        self.assertFalse(scheduled.accepts_comments(site))
