"""The newsroom's workflow in the admin: contributors submit, editors publish, the
editor-in-chief reviews; statuses in words, save messages that say what happened."""

import datetime

from django.contrib.messages import get_messages
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_chief_editor,
    make_contributor,
    make_draft,
    make_editor,
    make_scheduled,
    sign_in,
)
from tests.blog.test_admin import article_form_data

Status = Article.Status


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_url(article: Article) -> str:
    return f"/admin/blog/article/{article.pk}/change/"


class ContributorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.contributor = make_contributor(display_name="Léa Contributor")
        cls.chief = make_chief_editor(email="chief@example.com")
        cls.editor = make_editor(email="editor@example.com")

    def setUp(self):
        self.client.force_login(self.contributor)

    def test_the_admin_home_tells_the_editor_in_chief_what_awaits_review(self):
        make_article(author=self.contributor, status=Status.IN_REVIEW)
        sign_in(self.client, self.chief)
        response = self.client.get("/admin/")
        self.assertContains(response, "1 article attend sa relecture")
        self.assertContains(response, 'href="/admin/blog/article/?state=review"')
        self.client.force_login(self.contributor)
        self.assertNotContains(self.client.get("/admin/"), "attend sa relecture")

    def test_a_contributor_writes_a_draft_even_when_asking_for_published(self):
        response = self.client.post(
            "/admin/blog/article/add/", article_form_data(status="published")
        )
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="from-the-admin")
        self.assertEqual((article.status, article.author), (Status.DRAFT, self.contributor))

    def test_a_contributor_cannot_publish_with_the_publish_button(self):
        self.client.post("/admin/blog/article/add/", article_form_data(_publish="Publish"))
        self.assertEqual(Article.objects.get(slug="from-the-admin").status, Status.DRAFT)

    def test_the_form_offers_submit_for_review_but_no_status_to_choose(self):
        response = self.client.get("/admin/blog/article/add/")
        self.assertContains(response, 'name="_submit_review"')
        self.assertNotContains(response, 'name="_publish"')
        self.assertNotContains(response, 'name="status"')
        self.assertNotContains(response, 'name="featured"')

    def test_submitting_for_review_says_so_and_emails_the_editor_in_chief(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/admin/blog/article/add/",
                article_form_data(title="Une enquête", _submit_review="Submit for review"),
            )
        article = Article.objects.get(slug="from-the-admin")
        self.assertEqual(article.status, Status.IN_REVIEW)
        self.assertIn(
            "«\u202fUne enquête\u202f»\u00a0: Soumis à la relecture.", messages_of(response)
        )
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["chief@example.com"])
        self.assertEqual(message.subject, "[Carnet] Un article attend sa relecture")
        self.assertIn(
            "Léa Contributor a soumis «\u202fUne enquête\u202f» à la relecture.", message.body
        )
        self.assertIn(f"http://testserver/admin/blog/article/{article.pk}/change/", message.body)

    def test_an_article_in_review_is_read_only_for_its_contributor(self):
        article = make_article(author=self.contributor, status=Status.IN_REVIEW)
        response = self.client.get(change_url(article))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="title"')
        response = self.client.post(change_url(article), article_form_data(slug=article.slug))
        self.assertEqual(response.status_code, 403)
        article.refresh_from_db()
        self.assertNotEqual(article.title, "From the admin")

    def test_sent_back_it_is_theirs_again(self):
        article = make_article(author=self.contributor, status=Status.IN_REVIEW)
        sign_in(self.client, self.chief)
        response = self.client.post(
            change_url(article),
            article_form_data(
                slug=article.slug,
                author=self.contributor.pk,
                status="review",
                review_note="Sources, please.",
                _send_back="Send back",
            ),
        )
        sent_back = "«\u202fFrom the admin\u202f»\u00a0: Renvoyé à l’auteur comme brouillon."
        self.assertIn(sent_back, messages_of(response))
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)
        self.client.force_login(self.contributor)
        response = self.client.post(
            change_url(article), article_form_data(slug=article.slug, title="Fixed")
        )
        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.title, "Fixed")

    def test_a_contributor_cannot_change_a_published_article_of_theirs(self):
        article = make_article(author=self.contributor)
        response = self.client.post(change_url(article), article_form_data(slug=article.slug))
        self.assertEqual(response.status_code, 403)

    def test_a_contributor_cannot_pin_a_lead_story(self):
        article = make_draft(author=self.contributor)
        self.assertNotContains(self.client.get("/admin/blog/article/"), "pin_as_lead_story")
        self.client.post(
            "/admin/blog/article/",
            {"action": "pin_as_lead_story", "_selected_action": [article.pk]},
        )
        article.refresh_from_db()
        self.assertFalse(article.featured)


class EditorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.editor = make_editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_publishing_in_the_future_says_it_is_scheduled_and_when(self):
        response = self.client.post(
            "/admin/blog/article/add/",
            article_form_data(
                status="published", published_at_0="2099-12-01", published_at_1="08:00:00"
            ),
        )
        scheduled = (
            "«\u202fFrom the admin\u202f»\u00a0: "
            "Programmé pour le 1er décembre 2099 à 8\u00a0h\u00a000."
        )
        self.assertIn(scheduled, messages_of(response))
        self.assertTrue(Article.objects.get(slug="from-the-admin").is_scheduled())

    def test_the_publish_button_publishes_a_draft(self):
        article = make_draft(author=self.editor)
        response = self.client.post(
            change_url(article),
            article_form_data(slug=article.slug, status="draft", _publish="Publier"),
        )
        self.assertIn("«\u202fFrom the admin\u202f»\u00a0: Publié.", messages_of(response))
        article.refresh_from_db()
        self.assertTrue(article.is_published())

    def test_a_plain_save_of_a_published_article_says_nothing_more(self):
        article = make_article(author=self.editor)
        response = self.client.post(
            change_url(article),
            article_form_data(
                slug=article.slug,
                published_at_0=timezone.localtime(article.published_at).date().isoformat(),
                published_at_1=timezone.localtime(article.published_at).strftime("%H:%M:%S"),
            ),
        )
        self.assertEqual(len(messages_of(response)), 1)  # the admin's own

    def test_the_list_shows_statuses_in_words_and_filters_by_them(self):
        make_draft(author=self.editor, title="A draft")
        make_article(author=self.editor, status=Status.IN_REVIEW, title="Under review")
        scheduled = make_scheduled(author=self.editor, title="Coming soon")
        make_article(author=self.editor, title="Out now")
        response = self.client.get("/admin/blog/article/")
        when = timezone.localtime(scheduled.published_at)
        self.assertContains(response, "Brouillon")
        self.assertContains(response, "En relecture")
        self.assertContains(response, f"Programmé pour le {when.day} ")
        self.assertContains(response, "Publié")
        for state, title in [
            ("draft", "A draft"),
            ("review", "Under review"),
            ("scheduled", "Coming soon"),
            ("published", "Out now"),
        ]:
            with self.subTest(state=state):
                response = self.client.get(f"/admin/blog/article/?state={state}")
                self.assertEqual(
                    [article.title for article in response.context["cl"].result_list], [title]
                )

    def test_pinning_an_article_makes_it_the_lead_story(self):
        first = make_article(author=self.editor, featured=True)
        second = make_article(author=self.editor)
        response = self.client.post(
            "/admin/blog/article/",
            {"action": "pin_as_lead_story", "_selected_action": [second.pk]},
            follow=True,
        )
        self.assertContains(response, "est désormais l’article à la une")
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((first.featured, second.featured), (False, True))
        self.assertEqual(Article.objects.lead(), second)
        # The pin is in the article's history, with who did it.
        history = self.client.get(f"/admin/blog/article/{second.pk}/history/")
        self.assertContains(history, "à la une")
        self.assertEqual(history.context["versions"][0].revision.user, self.editor)

    def test_pinning_needs_exactly_one_article(self):
        articles = [make_article(author=self.editor) for _ in range(2)]
        self.client.post(
            "/admin/blog/article/",
            {"action": "pin_as_lead_story", "_selected_action": [a.pk for a in articles]},
        )
        self.assertFalse(Article.objects.filter(featured=True).exists())

    def test_an_editor_without_the_review_permission_gets_no_review_email(self):
        self.assertTrue(self.editor.email)
        self.client.force_login(make_contributor())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                "/admin/blog/article/add/",
                article_form_data(_submit_review="Submit"),
            )
        self.assertEqual(Article.objects.get().status, Status.IN_REVIEW)
        self.assertEqual(mail.outbox, [])


class WorkflowEventTests(TestCase):
    def test_an_article_moved_within_the_past_is_no_event(self):
        from blog.workflow import event_of

        article = make_article()
        before = (Status.PUBLISHED, article.published_at - datetime.timedelta(hours=1))
        self.assertIsNone(event_of(before, article))
        self.assertEqual(event_of((Status.DRAFT, article.published_at), article).key, "published")
        self.assertEqual(event_of(None, make_scheduled()).key, "scheduled")
