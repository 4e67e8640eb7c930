"""An article and its translation: named both ways, linked, paired in hreflang and sitemaps."""

from django.core.exceptions import ValidationError
from django.test import TestCase

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import make_article, make_draft, make_editor, make_superuser, sign_in


class PairingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_editor()

    def setUp(self):
        self.french = make_article(author=self.author, language="fr", slug="sahel")
        self.english = make_article(author=self.author, language="en", slug="sahel-en")

    def reload(self, *articles: Article) -> None:
        for article in articles:
            article.refresh_from_db()

    def test_naming_a_translation_names_this_article_back(self):
        self.french.translation = self.english
        self.french.save()
        self.reload(self.english)
        self.assertEqual(self.english.translation, self.french)

    def test_a_new_translation_frees_the_previous_one(self):
        self.french.translation = self.english
        self.french.save()
        other = make_article(author=self.author, language="en", slug="other-en")
        self.french.translation = other
        self.french.save()
        self.reload(self.english, other)
        self.assertIsNone(self.english.translation)
        self.assertEqual(other.translation, self.french)

    def test_clearing_it_clears_both_sides(self):
        self.french.translation = self.english
        self.french.save()
        self.french.translation = None
        self.french.save()
        self.reload(self.english)
        self.assertIsNone(self.english.translation)

    def test_deleting_one_leaves_the_other_without_translation(self):
        self.french.translation = self.english
        self.french.save()
        self.english.delete()
        self.reload(self.french)
        self.assertIsNone(self.french.translation)

    def test_it_must_be_another_article_in_another_language(self):
        same_language = make_article(author=self.author, language="fr")
        self.french.translation = same_language
        with self.assertRaises(ValidationError) as error:
            self.french.full_clean()
        self.assertIn("translation", error.exception.message_dict)
        self.french.translation = self.french
        with self.assertRaises(ValidationError):
            self.french.full_clean()

    def test_it_cannot_take_an_article_already_translated(self):
        self.french.translation = self.english
        self.french.save()
        german_like = make_article(author=self.author, language="fr", slug="autre")
        german_like.translation = self.english
        with self.assertRaises(ValidationError) as error:
            german_like.full_clean()
        self.assertIn("translation", error.exception.message_dict)


class ArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        cls.english = make_article(author=author, language="en", slug="sahel-elections")
        cls.french = make_article(
            author=author, language="fr", slug="elections-au-sahel", translation=cls.english
        )

    def test_the_french_article_links_to_its_english_translation(self):
        response = self.client.get("/articles/elections-au-sahel/")
        self.assertContains(
            response,
            '<a href="/en/articles/sahel-elections/" hreflang="en">'
            "Lire cet article en anglais</a>",
        )

    def test_the_english_article_links_back_to_the_french_one(self):
        response = self.client.get("/en/articles/sahel-elections/")
        self.assertContains(
            response,
            '<a href="/articles/elections-au-sahel/" hreflang="fr">'
            "Read this article in French</a>",
        )

    def test_hreflang_alternates_pair_the_translations(self):
        for url in ["/articles/elections-au-sahel/", "/en/articles/sahel-elections/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(
                    response,
                    '<link rel="alternate" hreflang="fr" '
                    'href="http://testserver/articles/elections-au-sahel/">',
                )
                self.assertContains(
                    response,
                    '<link rel="alternate" hreflang="en" '
                    'href="http://testserver/en/articles/sahel-elections/">',
                )

    def test_the_language_switcher_leads_to_the_translation(self):
        response = self.client.get("/articles/elections-au-sahel/")
        self.assertContains(
            response,
            '<a class="language-switcher__choice" href="/en/articles/sahel-elections/" '
            'hreflang="en" lang="en">English</a>',
        )
        response = self.client.get("/en/articles/sahel-elections/")
        self.assertContains(
            response,
            '<a class="language-switcher__choice" href="/articles/elections-au-sahel/" '
            'hreflang="fr" lang="fr">Français</a>',
        )

    def test_an_unpublished_translation_is_not_linked(self):
        draft = make_draft(author=make_editor(), language="en", slug="draft-en")
        article = make_article(language="fr", slug="seul", translation=draft)
        response = self.client.get(article.get_absolute_url())
        self.assertNotContains(response, "Lire cet article en")
        self.assertNotContains(response, "/draft-en/")

    def test_an_article_without_translation_names_its_own_edition_alone(self):
        make_article(language="fr", slug="sans-traduction")
        for url in ["/articles/sans-traduction/", "/en/articles/sans-traduction/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, "Lire cet article en")
                self.assertContains(
                    response,
                    '<link rel="alternate" hreflang="fr" '
                    'href="http://testserver/articles/sans-traduction/">',
                )
                self.assertNotContains(response, 'hreflang="en" href="http')
        # The switcher still offers the English interface, the article marked as French.
        response = self.client.get("/articles/sans-traduction/")
        self.assertContains(response, 'href="/en/articles/sans-traduction/" hreflang="en"')

    def test_an_article_asked_in_its_translations_language_leads_to_the_translation(self):
        response = self.client.get("/en/articles/elections-au-sahel/?utm=x")
        self.assertRedirects(response, "/en/articles/sahel-elections/?utm=x", status_code=302)
        response = self.client.get("/articles/sahel-elections/")
        self.assertRedirects(response, "/articles/elections-au-sahel/", status_code=302)

    def test_the_sitemap_pairs_the_translations(self):
        content = self.client.get("/sitemap-articles.xml").content.decode()
        pair = (
            '<xhtml:link rel="alternate" hreflang="fr" '
            'href="http://testserver/articles/elections-au-sahel/"/>'
            '<xhtml:link rel="alternate" hreflang="en" '
            'href="http://testserver/en/articles/sahel-elections/"/>'
        )
        self.assertEqual(content.count(pair), 2)
        self.assertIn("<loc>http://testserver/en/articles/sahel-elections/</loc>", content)
        self.assertIn("<loc>http://testserver/articles/elections-au-sahel/</loc>", content)


class AdminTests(TestCase):
    def test_the_admin_names_the_translation(self):
        admin = make_superuser()
        english = make_article(language="en", title="In English")
        french = make_article(language="fr", title="En français")
        sign_in(self.client, admin)
        response = self.client.get(f"/admin/blog/article/{french.pk}/change/")
        self.assertContains(response, 'name="translation"')
        data = {
            "title": french.title,
            "slug": french.slug,
            "standfirst": french.standfirst,
            "body": french.body,
            "language": "fr",
            "translation": english.pk,
            "status": "published",
            "published_at_0": french.published_at.strftime("%Y-%m-%d"),
            "published_at_1": french.published_at.strftime("%H:%M:%S"),
            "author": french.author_id,
            "tags": "",
            "comments_open": "on",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        }
        response = self.client.post(f"/admin/blog/article/{french.pk}/change/", data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        english.refresh_from_db()
        self.assertEqual(english.translation, french)
