"""The interface language comes from the address alone: French at the root, English under /en/."""

from django.test import TestCase

from tests.base import make_article


class LanguageAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(title="Bonjour", slug="bonjour", language="fr")

    def test_the_interface_is_french_at_the_root(self):
        response = self.client.get("/articles/bonjour/")
        self.assertContains(response, '<html lang="fr">')
        self.assertContains(response, '<article class="article">')
        self.assertEqual(response["Content-Language"], "fr")

    def test_the_interface_is_english_under_en(self):
        response = self.client.get("/en/articles/bonjour/")
        self.assertContains(response, '<html lang="en">')
        # The article says it is written in French.
        self.assertContains(response, '<article class="article" lang="fr">')
        self.assertEqual(response["Content-Language"], "en")

    def test_neither_a_cookie_nor_accept_language_changes_the_language(self):
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/articles/bonjour/", headers={"Accept-Language": "en"})
        self.assertContains(response, '<html lang="fr">')
        self.assertNotIn("Accept-Language", response.get("Vary", ""))
        response = self.client.get("/en/articles/bonjour/", headers={"Accept-Language": "fr"})
        self.assertContains(response, '<html lang="en">')

    def test_the_site_language_has_no_prefix(self):
        self.assertEqual(self.client.get("/fr/articles/bonjour/").status_code, 404)

    def test_old_lang_links_answer_301_with_the_new_address(self):
        for old, new in [
            ("/articles/bonjour/?lang=en", "/en/articles/bonjour/"),
            ("/en/articles/bonjour/?lang=fr", "/articles/bonjour/"),
            ("/search/?q=paix&lang=en", "/en/search/?q=paix"),
            ("/articles/bonjour/?lang=de", "/articles/bonjour/"),
        ]:
            with self.subTest(old=old):
                response = self.client.get(old)
                self.assertRedirects(response, new, status_code=301)

    def test_each_page_links_its_addresses_in_both_languages(self):
        response = self.client.get("/en/search/?q=paix")
        for hreflang, href in [
            ("fr", "http://testserver/search/?q=paix"),
            ("en", "http://testserver/en/search/?q=paix"),
            ("x-default", "http://testserver/search/?q=paix"),
        ]:
            self.assertContains(
                response, f'<link rel="alternate" hreflang="{hreflang}" href="{href}">'
            )

    def test_the_canonical_link_is_the_article_in_its_own_edition(self):
        response = self.client.get("/en/articles/bonjour/")
        self.assertContains(
            response, '<link rel="canonical" href="http://testserver/articles/bonjour/">'
        )
        english = make_article(slug="hello", language="en")
        response = self.client.get(english.language_path())
        self.assertContains(
            response, '<link rel="canonical" href="http://testserver/en/articles/hello/">'
        )

    def test_an_article_in_another_editions_interface_says_its_language(self):
        response = self.client.get("/en/articles/bonjour/")
        self.assertContains(response, '<p class="language-label" lang="en">In French</p>')
        response = self.client.get("/articles/bonjour/")
        self.assertNotContains(response, "language-label")

    def test_the_switcher_is_a_plain_link_to_the_same_page_in_the_other_language(self):
        page = self.client.get("/search/?q=paix")
        self.assertContains(
            page,
            '<a class="language-switcher__choice" href="/en/search/?q=paix" hreflang="en"'
            ' lang="en">English</a>',
        )
        self.assertNotContains(page, "csrfmiddlewaretoken")
        page = self.client.get("/en/search/?q=paix")
        self.assertContains(
            page,
            '<a class="language-switcher__choice" href="/search/?q=paix" hreflang="fr"'
            ' lang="fr">Français</a>',
        )

    def test_links_on_an_english_page_stay_in_english(self):
        response = self.client.get("/en/")
        self.assertContains(response, 'href="/en/articles/bonjour/"')
