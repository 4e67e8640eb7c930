"""A review loop that talks: a send-back says why, authors hear what happens to their
articles, a contributor can take a submission back, and whoever may see a submission
can read it as readers will."""

import datetime

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import make_article, make_chief_editor, make_contributor, make_editor, sign_in
from tests.blog.test_admin import article_form_data, submission_form_data
from tests.blog.test_workflow import change_url, messages_of

Status = Article.Status


class ReviewLoopTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.contributor = make_contributor(display_name="Léa Marchand", email="lea@example.com")
        cls.chief = make_chief_editor(display_name="Houssen Moshinaly", email="chief@x.com")

    def setUp(self):
        self.article = make_article(
            author=self.contributor,
            status=Status.IN_REVIEW,
            published_at=None,
            title="Le canal de Qosh Tepa",
            body="<p>Un canal <strong>de 285 km</strong>.</p>",
        )

    def post_as_chief(self, **fields):
        sign_in(self.client, self.chief)
        data = submission_form_data(self.article, **fields)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(change_url(self.article), data)

    def test_the_reviewer_sees_where_to_say_why_on_a_submission_only(self):
        sign_in(self.client, self.chief)
        self.assertContains(self.client.get(change_url(self.article)), 'name="review_note"')
        draft = make_article(author=self.contributor, status=Status.DRAFT)
        self.assertNotContains(self.client.get(change_url(draft)), 'name="review_note"')

    def test_sending_back_without_a_reason_is_refused_and_keeps_the_text(self):
        response = self.post_as_chief(title="Mon titre retouché", _send_back="Renvoyer")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dites pourquoi l’article repart")
        self.assertContains(response, 'value="Mon titre retouché"')
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.IN_REVIEW)
        self.assertEqual(mail.outbox, [])

    def test_the_reason_is_kept_in_the_history_and_mailed_to_the_author(self):
        response = self.post_as_chief(
            review_note="Il manque la source des 285 km.", _send_back="Renvoyer"
        )
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.DRAFT)
        history = self.client.get(f"/admin/blog/article/{self.article.pk}/history/")
        self.assertContains(history, "Renvoyé à l’auteur comme brouillon.")
        self.assertContains(history, "Pourquoi\u00a0: Il manque la source des 285 km.")
        # The note is the reason, not a field of the article.
        self.assertNotContains(history, "review_note")

        [message] = mail.outbox
        self.assertEqual(message.to, ["lea@example.com"])
        self.assertEqual(message.subject, "[Carnet] Votre article vous revient")
        self.assertIn("Houssen Moshinaly vous a renvoyé", message.body)
        self.assertIn("Il manque la source des 285 km.", message.body)
        admin_url = f"http://testserver/admin/blog/article/{self.article.pk}/change/"
        self.assertIn(admin_url, message.body)

    def test_the_author_is_told_when_their_article_is_published(self):
        self.post_as_chief(_publish="Publier")
        self.article.refresh_from_db()
        [message] = mail.outbox
        self.assertEqual(message.to, ["lea@example.com"])
        self.assertEqual(message.subject, "[Carnet] Votre article est publié")
        self.assertIn("Houssen Moshinaly a publié", message.body)
        self.assertIn(f"http://testserver/articles/{self.article.slug}/", message.body)

    def test_the_author_is_told_when_their_article_is_scheduled_and_for_when(self):
        when = timezone.localtime() + datetime.timedelta(days=2)
        self.post_as_chief(
            _publish="Publier",
            published_at_0=when.date().isoformat(),
            published_at_1="08:00:00",
        )
        [message] = mail.outbox
        self.assertEqual(message.subject, "[Carnet] Votre article est programmé")
        self.assertIn(f"pour le {when.day} ", message.body)
        self.assertIn("à 8\u00a0h\u00a000", message.body)

    def test_nobody_is_mailed_what_they_did_themselves(self):
        editor = make_editor(email="editor@example.com")
        own = make_article(author=editor, status=Status.DRAFT, published_at=None)
        self.client.force_login(editor)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                change_url(own),
                article_form_data(slug=own.slug, status="draft", _publish="Publier"),
            )
        own.refresh_from_db()
        self.assertTrue(own.is_published())
        self.assertEqual(mail.outbox, [])


class ContributorSubmissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.contributor = make_contributor()
        cls.other = make_contributor()

    def setUp(self):
        self.article = make_article(
            author=self.contributor,
            status=Status.IN_REVIEW,
            published_at=None,
            body="<p>Un canal <strong>de 285 km</strong>.</p>",
        )
        self.client.force_login(self.contributor)

    def test_the_form_shows_the_body_as_readers_will_read_it(self):
        response = self.client.get(change_url(self.article))
        self.assertContains(response, "<p>Un canal <strong>de 285 km</strong>.</p>", html=True)
        self.assertNotContains(response, "&lt;strong&gt;")

    def test_a_submission_is_previewed_on_the_site_with_an_in_review_banner(self):
        response = self.client.get(change_url(self.article))
        url = self.article.get_absolute_url()
        self.assertContains(response, f'href="{url}" target="_blank">Aperçu</a>')
        page = self.client.get(url)
        self.assertContains(page, "cet article est en relecture")
        # The form's own preview button, sent from a tab opened before submitting.
        response = self.client.post(f"/admin/blog/article/{self.article.pk}/preview/")
        self.assertRedirects(response, url, status_code=303)

    def test_a_contributor_withdraws_a_submission(self):
        url = f"/admin/blog/article/{self.article.pk}/withdraw/"
        self.assertContains(self.client.get(change_url(self.article)), f'href="{url}"')
        confirm = self.client.get(url)
        self.assertContains(confirm, "Retirer")
        self.assertContains(confirm, 'id="site-name"')  # the admin around it
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.IN_REVIEW)  # asking changes nothing

        response = self.client.post(url)
        self.assertRedirects(response, change_url(self.article))
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.DRAFT)
        self.assertIn("Retiré de la relecture par son auteur", " ".join(messages_of(response)))
        history = self.client.get(f"/admin/blog/article/{self.article.pk}/history/")
        self.assertContains(history, "Retiré de la relecture par son auteur")

    def test_only_the_author_withdraws_and_only_a_submission(self):
        self.client.force_login(self.other)
        url = f"/admin/blog/article/{self.article.pk}/withdraw/"
        self.assertEqual(self.client.post(url).status_code, 404)  # not theirs to see
        self.client.force_login(self.contributor)
        self.client.post(url)
        response = self.client.post(url)  # a second time: a draft already
        self.assertRedirects(response, change_url(self.article))
        self.assertIn("plus en relecture", " ".join(messages_of(response)))

    def test_a_save_refused_by_the_role_gives_back_what_was_written(self):
        # The contributor's form was opened before the article was submitted elsewhere.
        response = self.client.post(
            change_url(self.article),
            article_form_data(
                slug=self.article.slug,
                title="Mon titre réécrit",
                body="<p>Trois heures de travail.</p>",
            ),
        )
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, 'id="site-name"', status_code=403)  # the admin around
        self.assertContains(
            response, "Rien de ce que vous avez écrit n’est perdu", status_code=403
        )
        self.assertContains(response, "Mon titre réécrit</textarea>", status_code=403)
        self.assertContains(
            response, "&lt;p&gt;Trois heures de travail.&lt;/p&gt;", status_code=403
        )
        self.article.refresh_from_db()
        self.assertNotEqual(self.article.title, "Mon titre réécrit")
