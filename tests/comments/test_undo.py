"""Undo: the message that confirms a moderation decision carries the button that takes it
back, exactly, unless someone changed the comment since."""

import datetime
import re

from django.test import TestCase
from django.utils import timezone

from blog.models import Article
from comments.admin import LAST_DECISION
from comments.models import Comment, Decision
from tests.base import make_article, make_comment, make_editor, make_moderator

CHANGELIST = "/admin/comments/comment/"
UNDO = f"{CHANGELIST}undo/"


def decide_url(comment: Comment) -> str:
    return f"{CHANGELIST}{comment.pk}/decide/"


class DecisionTests(TestCase):
    """The queryset side: what a decision records, and undoing it."""

    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_moderator()
        cls.other = make_moderator()
        cls.article = make_article()

    def test_a_decision_records_each_comment_as_it_was(self):
        earlier = timezone.now() - datetime.timedelta(days=2)
        waiting = make_comment(article=self.article, status=Comment.Status.PENDING)
        refused = make_comment(article=self.article, status=Comment.Status.REJECTED)
        Comment.objects.filter(pk=refused.pk).update(
            moderated_by=self.other, moderated_at=earlier, moderator_note="Rude."
        )
        approved = make_comment(article=self.article)
        decision = Comment.objects.filter(pk__in=[waiting.pk, refused.pk, approved.pk]).decide(
            Comment.Status.APPROVED, by=self.moderator, note="Fine after all."
        )
        self.assertEqual(decision.ids, [waiting.pk, refused.pk])
        self.assertEqual(
            decision.before,
            (
                (waiting.pk, "pending", None, None, ""),
                (refused.pk, "rejected", self.other.pk, earlier, "Rude."),
            ),
        )
        self.assertEqual(Decision.from_json(decision.as_json()), decision)

    def test_undo_puts_back_status_moderator_time_note_and_the_count(self):
        earlier = timezone.now() - datetime.timedelta(days=2)
        waiting = make_comment(article=self.article, status=Comment.Status.PENDING)
        refused = make_comment(article=self.article, status=Comment.Status.REJECTED)
        Comment.objects.filter(pk=refused.pk).update(
            moderated_by=self.other, moderated_at=earlier, moderator_note="Rude."
        )
        before = {c.pk: c for c in Comment.objects.filter(pk__in=[waiting.pk, refused.pk])}
        decision = Comment.objects.filter(pk__in=before).decide(
            Comment.Status.APPROVED, by=self.moderator, note="Fine."
        )
        self.assertEqual(Article.objects.get(pk=self.article.pk).comment_count, 2)

        restored, left = Comment.objects.undo(Decision.from_json(decision.as_json()))

        self.assertEqual((restored, left), ([waiting.pk, refused.pk], []))
        fields = ["status", "moderated_by_id", "moderated_at", "moderator_note"]
        for comment in Comment.objects.filter(pk__in=before):
            with self.subTest(comment.pk):
                self.assertEqual(
                    [getattr(comment, f) for f in fields],
                    [getattr(before[comment.pk], f) for f in fields],
                )
        self.assertEqual(Article.objects.get(pk=self.article.pk).comment_count, 0)

    def test_undo_leaves_a_comment_someone_changed_since(self):
        first, second = (
            make_comment(article=self.article, status=Comment.Status.PENDING) for _ in range(2)
        )
        decision = Comment.objects.filter(pk__in=[first.pk, second.pk]).decide(
            Comment.Status.APPROVED, by=self.moderator
        )
        # Another moderator rejects the first, then approves it again: not this decision's.
        Comment.objects.filter(pk=first.pk).reject(by=self.other)
        Comment.objects.filter(pk=first.pk).approve(by=self.other)
        restored, left = Comment.objects.undo(decision)
        self.assertEqual((restored, left), ([second.pk], [first.pk]))
        first.refresh_from_db()
        self.assertEqual((first.status, first.moderated_by), ("approved", self.other))
        self.assertEqual(Article.objects.get(pk=self.article.pk).comment_count, 1)

    def test_undo_leaves_a_deleted_comment_and_a_comment_its_author_edited_back_to_pending(self):
        gone, edited = (
            make_comment(article=self.article, status=Comment.Status.PENDING) for _ in range(2)
        )
        decision = Comment.objects.filter(pk__in=[gone.pk, edited.pk]).decide(
            Comment.Status.APPROVED, by=self.moderator
        )
        gone_pk = gone.pk
        gone.delete()
        Comment.objects.filter(pk=edited.pk).update(status=Comment.Status.PENDING)
        self.assertEqual(Comment.objects.undo(decision), ([], [gone_pk, edited.pk]))


class UndoButtonTests(TestCase):
    """The admin side: the button in the message, the session, the answers."""

    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_moderator()
        cls.article = make_article(slug="talk", title="Talk")
        cls.held = make_comment(
            article=cls.article, name="Held Hugo", body="Held words.", status="pending"
        )

    def setUp(self):
        self.client.force_login(self.moderator)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def decide(self, comment: Comment, decision: str = "approve", **data):
        return self.client.post(decide_url(comment), {"decision": decision, **data})

    def undo_form(self, response) -> dict[str, str]:
        """The Undo form the message on this page carries."""
        page = response.content.decode()
        form = re.search(
            r'<form class="undo-form" method="post" action="([^"]+)">(.*?)</form>', page
        )
        self.assertIsNotNone(form, "no Undo button on the page")
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
        self.assertEqual(form.group(1), UNDO)
        self.assertIn("csrfmiddlewaretoken", fields)
        self.assertIn('aria-keyshortcuts="u">Undo</button>', form.group(2))
        return fields

    def test_the_message_of_a_decision_carries_undo_and_undo_puts_it_all_back(self):
        queue = f"{CHANGELIST}?status__exact=pending"
        self.decide(self.held, next=f"{queue}#next-999")
        page = self.client.get(queue)
        self.assertContains(page, "1 comment approved.")
        fields = self.undo_form(page)
        self.assertEqual(fields["next"], queue.replace("&", "&amp;"))
        self.assertContains(self.client.get("/en/articles/talk/"), "Held words.")

        response = self.client.post(UNDO, {"decision": fields["decision"], "next": queue})

        # Back to the queue, the keyboard on the comment put back.
        self.assertRedirects(
            response, f"{queue}#next-{self.held.pk}", fetch_redirect_response=False
        )
        self.held.refresh_from_db()
        self.assertEqual(
            (self.held.status, self.held.moderated_by, self.held.moderated_at),
            ("pending", None, None),
        )
        self.assertEqual(Article.objects.get(pk=self.article.pk).comment_count, 0)
        self.assertContains(self.client.get(queue), "Undone: 1 comment is back as it was.")
        # What readers see: the page has no trace of it again.
        self.client.logout()
        self.assertNotContains(self.client.get("/en/articles/talk/"), "Held words.")

    def test_a_bulk_action_is_undone_whole(self):
        others = [make_comment(article=self.article, status="pending") for _ in range(2)]
        chosen = [self.held, *others]
        self.client.post(
            CHANGELIST, {"action": "reject", "_selected_action": [c.pk for c in chosen]}
        )
        fields = self.undo_form(self.client.get(CHANGELIST))
        self.client.post(UNDO, {"decision": fields["decision"], "next": CHANGELIST})
        self.assertEqual(
            set(Comment.objects.filter(pk__in=[c.pk for c in chosen]).values_list("status")),
            {("pending",)},
        )
        self.assertContains(
            self.client.get(CHANGELIST), "Undone: 3 comments are back as they were."
        )

    def test_the_change_page_buttons_offer_undo_too(self):
        self.client.post(
            f"{CHANGELIST}{self.held.pk}/change/",
            {"name": "Held Hugo", "website": "", "body": "Held words.", "status": "pending",
             "moderator_note": "", "_decision": "spam"},
        )  # fmt: skip
        page = self.client.get(CHANGELIST)
        self.assertContains(page, "1 comment marked as spam.")
        fields = self.undo_form(page)
        self.client.post(UNDO, {"decision": fields["decision"], "next": CHANGELIST})
        self.held.refresh_from_db()
        self.assertEqual(self.held.status, "pending")

    def test_a_decision_from_the_article_page_is_undone_from_its_message_there(self):
        back = f"/en/articles/talk/?moderate={self.held.pk}#comment-{self.held.pk}"
        self.decide(self.held, next=back)
        page = self.client.get(back)
        self.assertContains(page, "1 comment approved.")
        fields = self.undo_form(page)
        self.assertEqual(fields["next"], back.replace("&", "&amp;"))
        response = self.client.post(UNDO, {"decision": fields["decision"], "next": back})
        self.assertRedirects(response, back, fetch_redirect_response=False)
        self.held.refresh_from_db()
        self.assertEqual(self.held.status, "pending")

    def test_someone_else_acted_in_between_their_decision_stands_and_the_message_says_so(self):
        self.decide(self.held, "approve")
        fields = self.undo_form(self.client.get(CHANGELIST))
        other = self.client_class()
        other.force_login(make_moderator())
        other.post(decide_url(self.held), {"decision": "reject"})
        self.client.post(UNDO, {"decision": fields["decision"], "next": CHANGELIST})
        self.held.refresh_from_db()
        self.assertEqual(self.held.status, "rejected")
        self.assertContains(
            self.client.get(CHANGELIST),
            "Undone: 0 comments are back as they were. 1 comment changed since, by someone "
            "else or by its author, is left as it is.",
        )

    def test_only_the_last_decision_can_be_undone_and_only_once(self):
        second = make_comment(article=self.article, status="pending")
        self.decide(self.held, "approve")
        first_undo = self.undo_form(self.client.get(CHANGELIST))["decision"]
        self.decide(second, "reject")
        last_undo = self.undo_form(self.client.get(CHANGELIST))["decision"]
        self.client.post(UNDO, {"decision": first_undo})
        self.assertContains(
            self.client.get(CHANGELIST),
            "This decision can no longer be undone: only your last one can, once.",
        )
        self.held.refresh_from_db()
        self.assertEqual(self.held.status, "approved")
        self.client.post(UNDO, {"decision": last_undo})
        self.client.post(UNDO, {"decision": last_undo})
        second.refresh_from_db()
        self.assertEqual(second.status, "pending")
        self.assertNotIn(LAST_DECISION, self.client.session)

    def test_a_decision_that_changed_nothing_offers_no_undo_and_keeps_the_last_one(self):
        self.decide(self.held, "approve")
        self.client.get(CHANGELIST)  # its message is read
        kept = self.client.session[LAST_DECISION]
        response = self.decide(self.held, "approve")
        page = self.client.get(response["Location"])
        self.assertContains(page, "0 comments approved.")
        self.assertNotContains(page, "undo-form")
        self.assertEqual(self.client.session[LAST_DECISION], kept)

    def test_bad_undo_requests_get_a_clear_answer_and_change_nothing(self):
        self.decide(self.held, "approve")
        self.assertEqual(self.client.get(UNDO).status_code, 405)
        self.assertEqual(self.client.post(UNDO, {}).status_code, 400)
        name = self.client.session[LAST_DECISION]["name"]
        response = self.client.post(UNDO, {"decision": name, "next": "https://evil.example/"})
        self.assertRedirects(
            response, f"{CHANGELIST}#next-{self.held.pk}", fetch_redirect_response=False
        )

    def test_undo_needs_the_permission_and_the_csrf_token(self):
        self.decide(self.held, "approve")
        name = self.client.session[LAST_DECISION]["name"]
        strict = self.client_class(enforce_csrf_checks=True)
        strict.force_login(self.moderator)
        self.assertEqual(strict.post(UNDO, {"decision": name}).status_code, 403)
        self.client.force_login(make_editor())
        self.assertEqual(self.client.post(UNDO, {"decision": name}).status_code, 403)
        self.held.refresh_from_db()
        self.assertEqual(self.held.status, "approved")
