"""Pages get a preview: the form's unsaved content, and an unpublished page, shown as
readers would see them to whoever may edit pages; help texts that say what they mean."""

from django.test import TestCase

from pages.models import Page
from sitewide.models import SiteSettings
from tests.base import make_chief_editor, make_contributor, sign_in
from tests.pages.test_pages import page_form_data


class PagePreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.chief = make_chief_editor()
        cls.page = Page.objects.create(
            slug="mentions-legales", title="Mentions légales", body="<p>Avant.</p>"
        )

    def setUp(self):
        sign_in(self.client, self.chief)

    def test_the_form_offers_a_preview_and_says_what_the_address_is(self):
        response = self.client.get(f"/admin/pages/page/{self.page.pk}/change/")
        self.assertContains(response, f'formaction="/admin/pages/page/{self.page.pk}/preview/"')
        self.assertContains(response, "place la page à /pages/a-propos/.")
        self.assertNotContains(response, "/pages//")

    def test_the_preview_shows_unsaved_changes_and_saves_nothing(self):
        response = self.client.post(
            f"/admin/pages/page/{self.page.pk}/preview/",
            page_form_data(body="<p>Après.</p><script>alert(1)</script>"),
        )
        self.assertContains(response, "Aperçu des modifications non enregistrées")
        self.assertContains(response, "<p>Après.</p>", html=True)
        self.assertNotContains(response, "<script>alert")
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertIn("no-cache", response["Cache-Control"])
        self.page.refresh_from_db()
        self.assertEqual(self.page.body, "<p>Avant.</p>")

    def test_a_new_page_has_a_preview_too_and_errors_are_listed(self):
        response = self.client.post("/admin/pages/page/preview/", page_form_data(slug="neuve"))
        self.assertContains(response, "Éditeur")
        response = self.client.post("/admin/pages/page/preview/", page_form_data(title=""))
        self.assertContains(response, "Titre", status_code=400)
        self.assertFalse(Page.objects.filter(slug="neuve").exists())

    def test_an_unpublished_page_is_shown_to_its_editors_only(self):
        Page.objects.filter(pk=self.page.pk).update(published=False)
        response = self.client.get("/pages/mentions-legales/")
        self.assertContains(response, "cette page n’est pas publiée")
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.client.logout()
        self.assertEqual(self.client.get("/pages/mentions-legales/").status_code, 404)

    def test_who_may_not_edit_pages_gets_no_preview(self):
        self.client.force_login(make_contributor())
        response = self.client.post(f"/admin/pages/page/{self.page.pk}/preview/", page_form_data())
        # The admin's refusal page (which gives back what the form held), no preview.
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(response, "preview-banner", status_code=403)
