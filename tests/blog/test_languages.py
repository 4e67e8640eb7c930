from django.test import TestCase

from tests.base import make_article


class LanguageAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(title="Bonjour", slug="bonjour", language="fr")

    def test_the_interface_is_french_by_default(self):
        response = self.client.get("/articles/bonjour/")
        self.assertContains(response, '<html lang="fr">')
        self.assertContains(response, '<article class="article">')

    def test_lang_in_the_address_chooses_the_language_of_one_page(self):
        response = self.client.get("/articles/bonjour/?lang=en")
        self.assertContains(response, '<html lang="en">')
        # The article says it is written in French.
        self.assertContains(response, '<article class="article" lang="fr">')
        self.assertEqual(self.client.get("/articles/bonjour/").context["LANGUAGE_CODE"], "fr")

    def test_an_unknown_lang_is_ignored(self):
        response = self.client.get("/articles/bonjour/?lang=de")
        self.assertContains(response, '<html lang="fr">')

    def test_each_page_links_its_addresses_in_both_languages(self):
        response = self.client.get("/search/?q=paix&lang=en")
        self.assertContains(
            response,
            '<link rel="alternate" hreflang="fr" href="http://testserver/search/?q=paix&amp;lang=fr">',
        )
        self.assertContains(
            response,
            '<link rel="alternate" hreflang="en" href="http://testserver/search/?q=paix&amp;lang=en">',
        )
        self.assertContains(
            response,
            '<link rel="alternate" hreflang="x-default" href="http://testserver/search/?q=paix">',
        )

    def test_the_switcher_returns_to_the_same_page_in_the_chosen_language(self):
        page = self.client.get("/search/?q=paix&lang=fr")
        self.assertContains(page, '<input name="next" type="hidden" value="/search/?q=paix">')
        response = self.client.post(
            "/i18n/setlang/", {"language": "en", "next": "/search/?q=paix"}, follow=True
        )
        self.assertRedirects(response, "/search/?q=paix")
        self.assertContains(response, '<html lang="en">')
