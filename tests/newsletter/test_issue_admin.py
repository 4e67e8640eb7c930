"""The newsletter in the admin (in French, the site's language): the article form's
part, the preview, the test send and the issues' list; each through the article
admin's queryset rule."""

import datetime

from django.core import mail as outbox
from django.test import TestCase, override_settings

from blog.models import Article
from newsletter import sending
from newsletter.models import Issue
from tests.base import (
    make_article,
    make_category,
    make_chief_editor,
    make_contributor,
    make_draft,
    make_editor,
    make_subscriber,
    sign_in,
)
from tests.blog.test_admin import article_form_data


@override_settings(SITE_URL="https://carnet.example")
class ArticleFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor(email="editor@carnet.example")
        cls.science = make_category(name="Science")
        cls.draft = make_draft(author=cls.editor, title="Bientôt", category=cls.science)
        cls.others = make_draft(author=make_editor(), title="Pas à moi")
        make_subscriber(email="all@example.org")
        make_subscriber(email="science@example.org", categories=[cls.science])
        make_subscriber(email="politics@example.org", categories=[make_category()])
        make_subscriber(email="pending@example.org", confirmed_at=None)

    def setUp(self):
        sign_in(self.client, self.editor)

    def change_form(self, article: Article) -> str:
        response = self.client.get(f"/admin/blog/article/{article.pk}/change/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_form_says_how_many_confirmed_subscribers_the_article_would_reach(self):
        page = self.change_form(self.draft)
        self.assertIn("Il atteindrait 2 abonné(s) confirmé(s) à sa publication.", page)
        self.assertIn(f"/admin/blog/article/{self.draft.pk}/newsletter/preview/", page)
        self.assertNotIn("@example.org", page)

    def test_the_form_says_when_the_switch_is_off(self):
        self.draft.send_by_mail = False
        self.draft.save()
        self.assertIn(
            "Pas envoyé par courriel (son interrupteur est éteint).", self.change_form(self.draft)
        )

    def test_an_article_live_without_an_issue_is_not_said_to_be_sent_later(self):
        article = make_article(author=self.editor)  # imported, or before the newsletter
        self.assertIn(
            "Publié sans courriel\u00a0: il n’est pas envoyé après coup.",
            self.change_form(article),
        )

    def test_once_queued_the_form_shows_the_issues_state(self):
        self.draft.status = Article.Status.PUBLISHED
        self.draft.save()
        sending.queue_article(self.draft)
        self.assertIn("En attente", self.change_form(self.draft))
        Issue.objects.update(state=Issue.State.SENDING, sent=1, total=2)
        self.assertIn("Envoi en cours 1/2", self.change_form(self.draft))
        Issue.objects.update(state=Issue.State.FAILED, reason="ConnectionRefusedError")
        self.assertIn(
            "Échec, nouvel essai prévu 1/2 (ConnectionRefusedError)", self.change_form(self.draft)
        )

    def test_the_preview_is_the_mail_as_subscribers_would_read_it(self):
        response = self.client.get(f"/admin/blog/article/{self.draft.pk}/newsletter/preview/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Bientôt")
        self.assertContains(response, f'href="https://carnet.example/articles/{self.draft.slug}/"')

    def test_a_test_send_goes_to_the_editors_own_address_once_confirmed(self):
        url = f"/admin/blog/article/{self.draft.pk}/newsletter/test/"
        response = self.client.get(url)
        self.assertContains(response, "editor@carnet.example")
        self.assertEqual(outbox.outbox, [])  # asked, not sent
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        self.assertRedirects(
            response, f"/admin/blog/article/{self.draft.pk}/change/", fetch_redirect_response=False
        )
        [message] = outbox.outbox
        self.assertEqual(message.to, ["editor@carnet.example"])
        self.assertEqual(message.subject, "Bientôt")
        self.assertFalse(Issue.objects.exists())  # a test is no issue

    def test_another_authors_article_has_neither_preview_nor_test_send(self):
        for path in ["preview", "test"]:
            with self.subTest(path):
                url = f"/admin/blog/article/{self.others.pk}/newsletter/{path}/"
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(outbox.outbox, [])


class IssueAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        article = make_article(title="Une enquête")
        cls.issue = Issue.objects.create(
            article=article, language="fr", state=Issue.State.SENT, sent=3, total=3
        )

    def test_editors_read_the_issues_and_their_state(self):
        sign_in(self.client, self.editor)
        response = self.client.get("/admin/newsletter/issue/")
        self.assertContains(response, "Une enquête")
        self.assertContains(response, "Envoyé 3/3")
        detail = self.client.get(f"/admin/newsletter/issue/{self.issue.pk}/change/")
        self.assertEqual(detail.status_code, 200)
        self.assertNotContains(detail, 'name="_save"')  # read only

    def test_a_digest_is_named_by_its_end_in_the_press_style(self):
        end = datetime.datetime(2026, 12, 7, 5, tzinfo=datetime.UTC)  # 6 h in Paris
        Issue.objects.create(rhythm="daily", language="fr", period_end=end)
        sign_in(self.client, self.editor)
        response = self.client.get("/admin/newsletter/issue/")
        self.assertContains(
            response, "Un résumé chaque jour jusqu’au 7 décembre 2026 à 6\u00a0h\u00a000"
        )
        self.assertNotContains(response, "+00:00")

    def test_nobody_adds_changes_or_deletes_an_issue(self):
        sign_in(self.client, self.editor)
        self.assertEqual(self.client.get("/admin/newsletter/issue/add/").status_code, 403)
        delete = f"/admin/newsletter/issue/{self.issue.pk}/delete/"
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(Issue.objects.exists())

    def test_an_issue_of_another_authors_article_unpublished_since_is_hidden(self):
        self.issue.article.status = Article.Status.DRAFT
        self.issue.article.save()
        sign_in(self.client, self.editor)
        response = self.client.get("/admin/newsletter/issue/")
        self.assertNotContains(response, "Une enquête")
        detail = self.client.get(f"/admin/newsletter/issue/{self.issue.pk}/change/")
        self.assertEqual(detail.status_code, 302)  # the admin's "no such object"
        sign_in(self.client, make_chief_editor())  # a reviewer sees everyone's
        self.assertContains(self.client.get("/admin/newsletter/issue/"), "Une enquête")

    def test_contributors_do_not_see_the_issues(self):
        sign_in(self.client, make_contributor())
        self.assertEqual(self.client.get("/admin/newsletter/issue/").status_code, 403)


class SendByMailSwitchTests(TestCase):
    """The switch is the publisher's, as the time and "exclude from Google News" are: a
    contributor, who cannot publish, reads it and cannot turn on a mailing to everyone."""

    @classmethod
    def setUpTestData(cls):
        cls.contributor = make_contributor()
        quiet = make_category(name="Brèves", send_by_mail=False)
        cls.draft = make_draft(author=cls.contributor, slug="breve", category=quiet)

    def test_a_contributor_cannot_change_it(self):
        self.client.force_login(self.contributor)
        url = f"/admin/blog/article/{self.draft.pk}/change/"
        self.assertNotContains(self.client.get(url), 'name="send_by_mail"')
        self.client.post(
            url,
            article_form_data(
                slug="breve", status="draft", category=self.draft.category_id, send_by_mail="true"
            ),
        )
        self.draft.refresh_from_db()
        self.assertIsNone(self.draft.send_by_mail)
        self.assertFalse(self.draft.sends_by_mail())

    def test_an_editor_can(self):
        editor = make_editor()
        self.client.force_login(editor)
        article = make_draft(author=editor, slug="mine")
        url = f"/admin/blog/article/{article.pk}/change/"
        self.assertContains(self.client.get(url), 'name="send_by_mail"')
        self.client.post(url, article_form_data(slug="mine", status="draft", send_by_mail="false"))
        article.refresh_from_db()
        self.assertIs(article.send_by_mail, False)
