"""The site's standing pages: public, sanitised, in the footer and the sitemap, edited in
the admin with revisions."""

from django.test import Client, TestCase
from django.utils import translation
from reversion.models import Version

from pages.models import Page, footer_links
from sitewide.models import SiteSettings
from tests.base import make_chief_editor, make_editor, make_superuser, sign_in


def page_form_data(**overrides) -> dict:
    return {
        "title": "Mentions légales",
        "slug": "mentions-legales",
        "body": "<p>Éditeur : nous.</p>",
        "language": "fr",
        "published": "on",
        **overrides,
    }


class EnglishVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        Page.objects.create(
            slug="a-propos",
            title="À propos",
            body="<p>Qui nous sommes.</p>",
            title_en="About",
            body_en="<p>Who we are.</p><script>alert(1)</script>",
        )
        Page.objects.create(slug="contact", title="Contact", body="<p>Écrivez-nous.</p>")

    def test_the_english_edition_shows_the_english_version_sanitised(self):
        response = self.client.get("/en/pages/a-propos/")
        self.assertContains(response, "<title>About — ")
        self.assertContains(response, '<article class="article">\n  <h1 class="page-title">About')
        self.assertContains(response, "<p>Who we are.</p>")
        self.assertNotContains(response, "Qui nous sommes")
        self.assertNotContains(response, "<script>alert")
        french = self.client.get("/pages/a-propos/")
        self.assertContains(french, "<p>Qui nous sommes.</p>")
        self.assertNotContains(french, "Who we are")

    def test_without_an_english_version_the_page_says_its_language(self):
        response = self.client.get("/en/pages/contact/")
        self.assertContains(response, '<article class="article" lang="fr">')
        self.assertContains(response, "Écrivez-nous")

    def test_the_footer_names_each_page_in_the_editions_language(self):
        footer = self.client.get("/en/").content.decode()
        self.assertIn('<a href="/en/pages/a-propos/">About</a>', footer)
        self.assertIn('<a href="/en/pages/contact/" lang="fr">Contact</a>', footer)
        footer = self.client.get("/").content.decode()
        self.assertIn('<a href="/pages/a-propos/">À propos</a>', footer)
        with translation.override("en"):
            self.assertEqual(footer_links()[0]["title"], "About")


class PublicPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.page = Page.objects.create(
            slug="a-propos",
            title="À propos",
            body='<p>Qui nous sommes.</p><script>alert(1)</script><p onclick="x()">Hi</p>',
        )
        Page.objects.create(slug="brouillon", title="Brouillon caché", body="x", published=False)

    def test_a_page_is_public_at_its_address_and_sanitised(self):
        response = self.client.get("/pages/a-propos/")
        self.assertContains(response, '<h1 class="page-title">À propos</h1>', html=True)
        self.assertContains(response, "<p>Qui nous sommes.</p>")
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "onclick")
        self.assertEqual(self.client.get("/en/pages/a-propos/").status_code, 200)

    def test_an_unpublished_page_is_a_404(self):
        self.assertEqual(self.client.get("/pages/brouillon/").status_code, 404)

    def test_the_footer_links_the_published_pages_in_both_languages(self):
        for url, link in [("/", "/pages/a-propos/"), ("/en/", "/en/pages/a-propos/")]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, f'<a href="{link}"', count=1)
                self.assertNotContains(response, "Brouillon caché")

    def test_the_english_footer_marks_a_french_title(self):
        response = self.client.get("/en/")
        self.assertContains(response, '<a href="/en/pages/a-propos/" lang="fr">À propos</a>')

    def test_the_footer_comes_from_the_cache_and_follows_a_change(self):
        footer_links()
        with self.assertNumQueries(0):
            self.assertEqual([link["slug"] for link in footer_links()], ["a-propos"])
        Page.objects.create(slug="contact", title="Contact", body="<p>x</p>")
        self.assertEqual([link["slug"] for link in footer_links()], ["a-propos", "contact"])
        self.page.delete()
        self.assertEqual([link["slug"] for link in footer_links()], ["contact"])

    def test_a_page_change_refreshes_the_kept_copies_of_pages(self):
        first = Client().get("/pages/a-propos/")
        self.page.body = "<p>Nouveau texte.</p>"
        self.page.save()
        second = Client().get("/pages/a-propos/")
        self.assertNotEqual(first.content, second.content)
        self.assertContains(second, "Nouveau texte.")

    def test_published_pages_are_in_the_sitemap(self):
        response = self.client.get("/sitemap-pages.xml")
        self.assertContains(response, "<loc>http://testserver/pages/a-propos/</loc>")
        self.assertNotContains(response, "brouillon")


class PageAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.chief = make_chief_editor()

    def setUp(self):
        sign_in(self.client, self.chief)

    def test_the_editor_in_chief_writes_a_page_with_a_revision(self):
        response = self.client.get("/admin/pages/page/add/")
        # The articles' rich-text editor, and the form's autosave.
        self.assertContains(response, "/static/editing/prose-library.js")
        self.assertContains(response, 'class="autosave"')
        response = self.client.post("/admin/pages/page/add/", page_form_data())
        self.assertEqual(response.status_code, 302)
        page = Page.objects.get(slug="mentions-legales")
        self.assertEqual(page.body_html, "<p>Éditeur : nous.</p>")
        version = Version.objects.get_for_object(page).get()
        self.assertEqual(version.revision.user, self.chief)

    def test_a_page_revision_is_compared_and_restored(self):
        self.client.post("/admin/pages/page/add/", page_form_data())
        page = Page.objects.get()
        self.client.post(
            f"/admin/pages/page/{page.pk}/change/", page_form_data(body="<p>Autre texte.</p>")
        )
        first, second = Version.objects.get_for_object(page).order_by("pk")
        history = f"/admin/pages/page/{page.pk}/history/"
        response = self.client.get(f"{history}compare/?from={first.pk}&to={second.pk}")
        self.assertContains(response, "<ins>Autre</ins>", html=False)
        self.client.post(f"{history}{first.pk}/restore/")
        page.refresh_from_db()
        self.assertEqual(page.body_html, "<p>Éditeur : nous.</p>")
        self.assertEqual(Version.objects.get_for_object(page).count(), 3)

    def test_an_editor_does_not_edit_pages(self):
        self.client.force_login(make_editor())
        self.assertEqual(self.client.get("/admin/pages/page/add/").status_code, 403)

    def test_the_history_of_a_page_is_reachable_by_a_superuser(self):
        page = Page.objects.create(slug="x", title="X", body="<p>x</p>")
        sign_in(self.client, make_superuser())
        self.assertEqual(self.client.get(f"/admin/pages/page/{page.pk}/history/").status_code, 200)

    def test_an_image_from_another_site_is_dropped_and_the_editor_told(self):
        body = '<p>Texte</p><p><img src="https://elsewhere.example/logo.png" alt="Logo"></p>'
        response = self.client.post(
            "/admin/pages/page/add/", page_form_data(body=body), follow=True
        )
        warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("https://elsewhere.example/logo.png", warnings[0])
        self.assertNotIn("elsewhere.example", Page.objects.get().body_html)

    def test_a_page_embeds_videos_and_drops_other_frames_as_articles_do(self):
        body = (
            "<p>Notre chaîne</p><p>https://vimeo.com/76979871</p>"
            '<iframe src="https://tracker.example/widget"></iframe>'
        )
        response = self.client.post(
            "/admin/pages/page/add/", page_form_data(body=body), follow=True
        )
        warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("https://tracker.example/widget", warnings[0])
        page = Page.objects.get()
        self.assertIn('data-embed-url="https://vimeo.com/76979871"', page.body)
        self.assertNotIn("tracker.example", page.body)
        public = self.client.get("/pages/mentions-legales/")
        self.assertContains(public, 'data-embed-player="https://player.vimeo.com/video/76979871')
        self.assertContains(public, "Lire la vidéo")
