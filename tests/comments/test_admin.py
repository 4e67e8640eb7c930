import datetime
import re

from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone, translation

from comments.admin import PublishedArticleFilter, decision_message, history_text, undo_message
from comments.models import Comment, commenter_key_for
from comments.notifications import moderator_addresses
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_chief_editor,
    make_comment,
    make_contributor,
    make_draft,
    make_editor,
    make_moderator,
    make_scheduled,
    make_superuser,
    make_user,
    sign_in,
)

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

    def test_the_editor_in_chief_moderates_as_the_moderators_do(self):
        permissions = Group.objects.get(name="Editor-in-chief").permissions.filter(
            content_type__app_label="comments"
        )
        self.assertEqual(
            sorted(permissions.values_list("codename", flat=True)),
            ["change_comment", "view_comment"],
        )
        held = make_comment(status=Comment.Status.PENDING)
        sign_in(self.client, make_chief_editor())
        self.assertContains(self.client.get(CHANGELIST), "private@example.org")
        self.assertContains(self.client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en"), "await")
        response = self.client.post(decide_url(held), {"decision": "approve"})
        self.assertEqual(response.status_code, 302)
        held.refresh_from_db()
        self.assertEqual(held.status, Comment.Status.APPROVED)
        # Only Moderators and superusers delete nothing more than before: no deletion.
        self.assertEqual(self.client.get(f"{CHANGELIST}{held.pk}/delete/").status_code, 403)

    def test_held_comments_are_announced_to_everyone_who_may_moderate_them(self):
        make_moderator(email="mod@example.org")
        make_chief_editor(email="chief@example.org")
        make_superuser(email="root@example.org")
        make_moderator(email="gone@example.org", is_active=False)
        make_editor(email="editor@example.org")
        make_contributor(email="contributor@example.org")
        own = make_user(email="own@example.org", is_staff=True)
        own.user_permissions.add(Permission.objects.get(codename="change_comment"))
        self.assertEqual(
            moderator_addresses(),
            ["chief@example.org", "mod@example.org", "own@example.org", "root@example.org"],
        )

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

    def test_the_article_filter_lists_published_articles_with_comments_only(self):
        draft = make_draft(title="A draft with a comment")
        scheduled = make_scheduled(title="A scheduled story with a comment")
        make_comment(article=draft)
        make_comment(article=scheduled)
        make_article(title="Published, no comment")
        response = self.client.get(CHANGELIST)
        changelist = response.context["cl"]
        (spec,) = [f for f in changelist.filter_specs if isinstance(f, PublishedArticleFilter)]
        self.assertEqual([c["display"] for c in spec.choices(changelist)], ["All", "Talked about"])
        # The draft's comments are still listed, and still found by the old parameter.
        found = self.client.get(CHANGELIST, {"article__id__exact": draft.pk})
        self.assertEqual(len(found.context["cl"].result_list), 1)
        for value in ["x", "9" * 30, "١"]:
            with self.subTest(value):
                response = self.client.get(CHANGELIST, {"article__id__exact": value})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["cl"].result_list), 0)

    def test_the_admin_index_shows_how_many_comments_await_moderation(self):
        self.assertContains(self.client.get("/admin/"), "1 comment awaits moderation")

    def test_the_moderator_sees_what_became_of_this_commenters_earlier_comments(self):
        email = self.pending.email
        earlier = self.pending.submitted_at - datetime.timedelta(days=1)
        make_comment(email=email.upper(), submitted_at=earlier)
        make_comment(email=f" {email} ", status=Comment.Status.SPAM, submitted_at=earlier)
        # Later comments are not history: they were not known when this one came.
        make_comment(email=email, status=Comment.Status.REJECTED)
        response = self.client.get(f"{CHANGELIST}{self.pending.pk}/change/")
        self.assertContains(response, ">1 approved, 1 spam<")

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


def without_stamp(content: bytes) -> bytes:
    return re.sub(rb'name="token" value="[^"]*"', b'name="token" value=""', content)


def decide_url(comment: Comment) -> str:
    return f"{CHANGELIST}{comment.pk}/decide/"


class OneClickDecisionTests(TestCase):
    """The Approve / Reject / Spam buttons on each pending row."""

    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_moderator()
        cls.article = make_article(title="Discussed")
        cls.pending = make_comment(
            article=cls.article, name="Held Hugo", status=Comment.Status.PENDING
        )
        cls.approved = make_comment(article=cls.article, name="Shown Sara")

    def setUp(self):
        self.client.force_login(self.moderator)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def decide(self, comment: Comment, decision: str, **data):
        return self.client.post(decide_url(comment), {"decision": decision, **data})

    def test_pending_rows_carry_the_three_buttons_and_the_others_none(self):
        response = self.client.get(CHANGELIST)
        self.assertContains(response, f'id="decide-{self.pending.pk}"')
        self.assertNotContains(response, f'id="decide-{self.approved.pk}"')
        for value, key in [("approve", "a"), ("reject", "r"), ("spam", "s")]:
            self.assertContains(
                response,
                f'formaction="{decide_url(self.pending)}" name="decision" value="{value}"'
                f' aria-keyshortcuts="{key}"',
            )
        # The buttons post a form of their own, with the CSRF token and the page to come back to.
        self.assertContains(response, '<form id="decide-form" method="post">')
        self.assertContains(response, 'name="next" value="/admin/comments/comment/"')
        self.assertContains(response, "<kbd>a</kbd> approve")

    def test_approving_records_who_emails_the_author_and_returns_to_the_filtered_page(self):
        back = f"{CHANGELIST}?status__exact=pending&q=Hugo"
        with self.captureOnCommitCallbacks(execute=True):
            response = self.decide(self.pending, "approve", next=back)
        self.assertRedirects(response, back, fetch_redirect_response=False)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, Comment.Status.APPROVED)
        self.assertEqual(self.pending.moderated_by, self.moderator)
        self.assertEqual([m.to for m in mail.outbox], [[self.article.author.email]])
        self.assertNotIn(self.pending.email, mail.outbox[0].body)
        self.assertContains(self.client.get(back), "1 comment approved.")
        self.article.refresh_from_db()
        self.assertEqual(self.article.comment_count, 2)

    def test_reject_and_spam_change_the_status_and_email_nobody(self):
        for decision, status in [
            ("reject", Comment.Status.REJECTED),
            ("spam", Comment.Status.SPAM),
        ]:
            with self.subTest(decision):
                comment = make_comment(status=Comment.Status.PENDING)
                with self.captureOnCommitCallbacks(execute=True):
                    response = self.decide(comment, decision)
                self.assertRedirects(response, CHANGELIST, fetch_redirect_response=False)
                comment.refresh_from_db()
                self.assertEqual(comment.status, status)
                self.assertEqual(comment.moderated_by, self.moderator)
        self.assertEqual(mail.outbox, [])

    def test_a_note_posted_with_the_decision_is_stored_and_shown_beside_the_reason(self):
        Comment.objects.filter(pk=self.pending.pk).update(reason="Held: the word “casino”")
        self.decide(self.pending, "reject", moderator_note="  Off topic, and rude.  ")
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.moderator_note, "Off topic, and rude.")
        response = self.client.get(CHANGELIST)
        self.assertContains(
            response,
            '<span class="comment-row__reason">Held: the word “casino”</span>'
            '<span class="comment-row__note">Moderator’s note: Off topic, and rude.</span>',
            html=False,
        )

    def test_a_decision_without_a_note_keeps_an_earlier_note(self):
        Comment.objects.filter(pk=self.pending.pk).update(moderator_note="Asked the author.")
        self.decide(self.pending, "approve")
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.moderator_note, "Asked the author.")

    def test_a_second_click_changes_nothing_and_says_so(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.decide(self.pending, "approve")
            self.decide(self.pending, "approve")
        self.assertEqual(len(mail.outbox), 1)
        self.assertContains(self.client.get(CHANGELIST), "0 comments approved.")

    def test_it_never_sends_the_moderator_to_another_site(self):
        for unsafe in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
            with self.subTest(unsafe):
                response = self.decide(self.pending, "reject", next=unsafe)
                self.assertRedirects(response, CHANGELIST, fetch_redirect_response=False)

    def test_bad_requests_get_a_clear_4xx_and_change_nothing(self):
        cases = [
            (lambda: self.client.get(decide_url(self.pending)), 405),
            (lambda: self.decide(self.pending, "delete"), 400),
            (lambda: self.decide(self.pending, "approve", moderator_note="x" * 2001), 400),
            (lambda: self.client.post(f"{CHANGELIST}999999/decide/", {"decision": "spam"}), 404),
        ]
        for send, status in cases:
            with self.subTest(status):
                self.assertEqual(send().status_code, status)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, Comment.Status.PENDING)

    def test_a_user_who_may_only_view_comments_gets_no_buttons(self):
        viewer = make_user(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
        self.client.force_login(viewer)
        response = self.client.get(CHANGELIST)
        self.assertContains(response, "Held Hugo")
        self.assertNotContains(response, f'id="decide-{self.pending.pk}"')
        self.assertEqual(self.decide(self.pending, "approve").status_code, 403)

    def test_only_moderators_may_decide(self):
        self.client.force_login(make_editor())
        self.assertEqual(self.decide(self.pending, "approve").status_code, 403)
        self.client.logout()
        response = self.decide(self.pending, "approve")
        self.assertTrue(response["Location"].startswith("/admin/login/"))
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, Comment.Status.PENDING)

    def test_the_buttons_require_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.moderator)
        response = client.post(decide_url(self.pending), {"decision": "spam"})
        self.assertEqual(response.status_code, 403)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, Comment.Status.PENDING)

    def test_the_change_page_buttons_save_the_note_then_decide(self):
        url = f"{CHANGELIST}{self.pending.pk}/change/"
        page = self.client.get(url)
        self.assertContains(page, '<button type="submit" name="_decision" value="approve">')
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                url,
                {
                    "name": self.pending.name,
                    "website": "",
                    "body": self.pending.body,
                    "status": Comment.Status.PENDING,
                    "moderator_note": "A regular; fine.",
                    "_decision": "approve",
                },
            )
        self.assertEqual(response.status_code, 302)
        self.pending.refresh_from_db()
        self.assertEqual(self.pending.status, Comment.Status.APPROVED)
        self.assertEqual(self.pending.moderator_note, "A regular; fine.")
        self.assertEqual(self.pending.moderated_by, self.moderator)
        self.assertEqual(len(mail.outbox), 1)
        # Decided: the page no longer offers the buttons.
        self.assertNotContains(self.client.get(url), 'name="_decision"')


class CommenterHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_moderator()
        now = timezone.now()
        cls.first = make_comment(
            email="Regular@Example.org", submitted_at=now - datetime.timedelta(days=3)
        )
        cls.second = make_comment(
            email="regular@example.org",
            status=Comment.Status.REJECTED,
            submitted_at=now - datetime.timedelta(days=2),
        )
        cls.current = make_comment(
            email="regular@example.org ",
            status=Comment.Status.PENDING,
            submitted_at=now - datetime.timedelta(days=1),
        )
        cls.later = make_comment(email="regular@example.org", submitted_at=now)
        cls.stranger = make_comment(
            email="stranger@example.org", submitted_at=now - datetime.timedelta(days=5)
        )

    def setUp(self):
        self.client.force_login(self.moderator)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def test_one_commenter_has_one_key_that_is_not_the_email(self):
        key = self.current.commenter_key
        self.assertEqual(len(key), 32)
        self.assertEqual({self.first.commenter_key, self.later.commenter_key}, {key})
        self.assertNotEqual(self.stranger.commenter_key, key)
        self.assertNotIn("regular", key)
        self.assertEqual(commenter_key_for(""), "")

    def test_erasing_a_commenter_drops_their_key(self):
        self.first.anonymise()
        self.assertEqual(self.first.commenter_key, "")

    def test_the_history_links_to_the_earlier_comments_by_key_never_by_email(self):
        response = self.client.get(CHANGELIST)
        link = (
            f'<a href="{CHANGELIST}?commenter={self.current.commenter_key}'
            f'&amp;before={self.current.pk}" aria-label="This commenter before: 1 approved, '
            '1 rejected">1 approved, 1 rejected</a>'
        )
        self.assertContains(response, link, html=False)
        self.assertNotContains(response, "?commenter=regular")
        self.assertContains(response, "no earlier comment")

    def test_the_link_lists_only_that_commenters_earlier_comments(self):
        response = self.client.get(
            CHANGELIST, {"commenter": self.current.commenter_key, "before": self.current.pk}
        )
        self.assertEqual(
            {comment.pk for comment in response.context["cl"].result_list},
            {self.first.pk, self.second.pk},
        )
        self.assertContains(response, "This commenter’s earlier comments")

    def test_a_tampered_link_lists_nothing_rather_than_failing(self):
        for params in [{"commenter": "nobody"}, {"commenter": "x", "before": "abc"}]:
            with self.subTest(params):
                response = self.client.get(CHANGELIST, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.context["cl"].result_list), [])
        # An impossible comment id is ignored: all of this commenter's comments.
        key = self.current.commenter_key
        response = self.client.get(CHANGELIST, {"commenter": key, "before": "9" * 40})
        self.assertEqual(len(response.context["cl"].result_list), 4)

    def test_the_data_migration_keys_the_comments_stored_before_it(self):
        from importlib import import_module

        from django.apps import apps

        migration = import_module("comments.migrations.0006_moderator_note_and_commenter_key")
        Comment.objects.update(commenter_key="")
        migration.fill_commenter_keys(apps, None)
        self.assertEqual(
            Comment.objects.filter(commenter_key=commenter_key_for("regular@example.org")).count(),
            4,
        )


class ChangelistQueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.moderator = make_moderator()
        cls.articles = [make_article() for _ in range(3)]

    def add_comments(self, count: int) -> None:
        statuses = list(Comment.Status)
        for n in range(count):
            make_comment(
                article=self.articles[n % 3],
                email=f"reader{n % 4}@example.org",
                status=statuses[n % len(statuses)],
                moderator_note="Checked." if n % 2 else "",
            )

    def test_the_changelist_costs_the_same_with_5_or_50_comments(self):
        self.client.force_login(self.moderator)
        self.client.get(CHANGELIST)  # the first request loads the session's user permissions
        for count in [5, 45]:
            self.add_comments(count)
            # 1 session, 2 user, 3 whether the account needs a second step (a moderator
            # without a device does not), 4-5 their permissions (own and groups), 6 the
            # article filter's choices, 7-8 the filtered and the total counts, 9 the page of
            # comments with their articles and commenter histories (subqueries), 10-11 the
            # date hierarchy, 12-14 the staff session's new expiry, in a savepoint.
            with self.subTest(count), self.assertNumQueries(14):
                response = self.client.get(CHANGELIST)
            self.assertEqual(len(response.context["cl"].result_list), Comment.objects.count())


class ViewOnSiteTests(TestCase):
    """A held comment shown to its moderator on the article page, with the buttons."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.moderator = make_moderator()
        cls.article = make_article(slug="held-here")
        cls.shown = make_comment(article=cls.article, name="Shown Sara")
        cls.held = make_comment(
            article=cls.article,
            name="Held Hugo",
            body="A held remark.",
            email="held@example.org",
            status=Comment.Status.PENDING,
        )
        cls.url = f"/en/articles/held-here/?moderate={cls.held.pk}"

    def test_view_on_site_of_a_held_comment_opens_it_on_the_article_page(self):
        self.client.force_login(self.moderator)
        page = self.client.get(f"{CHANGELIST}{self.held.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(
            page, f'href="/en/articles/held-here/?moderate={self.held.pk}#comment-{self.held.pk}"'
        )
        shown = self.client.get(f"{CHANGELIST}{self.shown.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(shown, f'href="/en/articles/held-here/comments/{self.shown.pk}/"')

    def test_no_view_on_site_while_the_article_is_unpublished(self):
        comment = make_comment(article=make_article(status="draft"))
        self.client.force_login(self.moderator)
        page = self.client.get(f"{CHANGELIST}{comment.pk}/change/")
        self.assertNotContains(page, "viewsitelink")

    def test_the_moderator_sees_it_marked_with_the_buttons_on_a_private_page(self):
        self.client.force_login(self.moderator)
        response = self.client.get(self.url)
        self.assertContains(response, "A held remark.")
        self.assertContains(response, "Moderation: Pending. Readers cannot see this comment.")
        self.assertContains(response, f'action="{decide_url(self.held)}"')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(
            response, f'name="next" value="{self.url}#comment-{self.held.pk}"', html=False
        )
        self.assertNotContains(response, "held@example.org")
        self.assertIn("private", response["Cache-Control"])
        self.assertNotIn("public", response["Cache-Control"])

    def test_approving_from_the_article_page_returns_there_with_the_comment_published(self):
        self.client.force_login(self.moderator)
        back = f"{self.url}#comment-{self.held.pk}"
        response = self.client.post(
            decide_url(self.held), {"decision": "approve", "next": back}, HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertRedirects(response, back, fetch_redirect_response=False)
        page = self.client.get(self.url)
        self.assertContains(page, "1 comment approved.")
        self.assertContains(page, "A held remark.")
        self.assertNotContains(page, "Moderation: Pending")

    def test_readers_and_editors_never_see_the_held_comment(self):
        anonymous = self.client.get(self.url)
        # The same cacheable bytes for every reader, without the held comment (but for the
        # form's signed stamp, which may carry the second it was signed in).
        self.assertEqual(
            without_stamp(self.client.get(self.url).content), without_stamp(anonymous.content)
        )
        self.assertIn("public", anonymous["Cache-Control"])
        self.assertNotContains(anonymous, "A held remark.")
        self.assertNotContains(anonymous, "csrfmiddlewaretoken")
        self.client.force_login(make_editor())
        self.assertNotContains(self.client.get(self.url), "A held remark.")

    def test_a_comment_of_another_article_is_not_shown(self):
        self.client.force_login(self.moderator)
        other = make_comment(body="Elsewhere.", status=Comment.Status.PENDING)
        response = self.client.get(f"/en/articles/held-here/?moderate={other.pk}")
        self.assertNotContains(response, "Elsewhere.")


class NoForbiddenLinkTests(TestCase):
    """Every link of the comment admin opens for a moderator: none answers 403."""

    def test_no_link_on_the_changelist_or_the_change_page_answers_403(self):
        moderator = make_moderator()
        article = make_article()
        parent = make_comment(article=article)
        comment = make_comment(
            article=article, parent=parent, status=Comment.Status.PENDING, email="a@example.org"
        )
        make_comment(article=article, email="a@example.org", submitted_at=parent.submitted_at)
        comment.approve(by=moderator)
        self.client.force_login(moderator)
        pages = [CHANGELIST, f"{CHANGELIST}{comment.pk}/change/"]
        for page in pages:
            content = self.client.get(page).content.decode()
            links = set(re.findall(r'href="([^"#]+)', content)) - {"/admin/logout/"}
            self.assertIn(article.get_absolute_url(), links | {""}) if "change" in page else None
            for link in sorted(links):
                if link.startswith("/static/"):
                    continue
                with self.subTest(page=page, link=link):
                    status = self.client.get(link.replace("&amp;", "&")).status_code
                    self.assertNotEqual(status, 403)


class PluralTests(TestCase):
    """Each count in its own plural, in both languages ("1 approuvés" was wrong)."""

    CASES = {
        "en": [
            ((1, 0, 0), "1 approved"),
            ((2, 1, 0), "2 approved, 1 rejected"),
            ((0, 0, 3), "3 spam"),
        ],
        "fr": [
            ((1, 0, 0), "1 approuvé"),
            ((2, 1, 0), "2 approuvés, 1 refusé"),
            ((1, 2, 1), "1 approuvé, 2 refusés, 1 spam"),
            ((0, 0, 3), "3 spams"),
        ],
    }

    def test_the_commenter_history(self):
        for language, cases in self.CASES.items():
            for counts, text in cases:
                with (
                    self.subTest(language=language, counts=counts),
                    translation.override(language),
                ):
                    self.assertEqual(history_text(*counts), text)

    def test_the_decision_and_undo_messages(self):
        expected = {
            "en": ["1 comment approved.", "2 comments rejected.", "1 comment marked as spam.",
                   "Undone: 1 comment is back as it was.",
                   "Undone: 2 comments are back as they were. 1 comment changed since, by "
                   "someone else or by its author, is left as it is."],
            "fr": ["1 commentaire approuvé.", "2 commentaires refusés.",
                   "1 commentaire marqué comme spam.",
                   "Annulé\u00a0: 1 commentaire est revenu comme avant.",
                   "Annulé\u00a0: 2 commentaires sont revenus comme avant. 1 commentaire changé "
                   "depuis, par quelqu’un d’autre ou par son auteur, est laissé tel quel."],
        }  # fmt: skip
        for language, texts in expected.items():
            with self.subTest(language), translation.override(language):
                self.assertEqual(
                    [
                        decision_message("approve", 1),
                        decision_message("reject", 2),
                        decision_message("spam", 1),
                        undo_message(1, 0),
                        undo_message(2, 1),
                    ],
                    texts,
                )

    def test_the_changelist_in_french(self):
        email = "regular@example.org"
        before = timezone.now() - datetime.timedelta(days=1)
        make_comment(email=email, submitted_at=before)
        current = make_comment(email=email, status=Comment.Status.PENDING)
        self.client.force_login(make_moderator())
        response = self.client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, ">1 approuvé<")
        self.assertNotContains(response, "1 approuvés")
        self.assertContains(response, "Modérer les commentaires")
        self.assertContains(response, f'id="decide-{current.pk}"')
