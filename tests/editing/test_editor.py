"""The rich-text editor on the article form: what it offers, the policy it runs under,
and what it is told about images it cannot keep."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import RequestFactory, TestCase

from blog.models import Article
from pages.forms import PageAdminForm
from sitewide.middleware import AdminContentSecurityPolicyMiddleware
from tests.base import TemporaryMediaMixin, make_article, make_editor, make_image
from tests.blog.test_admin import article_form_data
from tests.sitewide.test_markup import ACTIVE_CONTENT, ARTICLE_ATTACKS


def editor_config(html: str) -> dict:
    attribute = re.search(r'data-django-prose-editor-configurable="([^"]*)"', html).group(1)
    return json.loads(attribute.replace("&quot;", '"').replace("&amp;", "&"))


class EditorWidgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        self.client.force_login(self.editor)
        self.response = self.client.get("/admin/blog/article/add/")

    def test_the_body_gets_the_editor_limited_to_what_the_page_shows(self):
        config = editor_config(self.response.content.decode())
        extensions = config["extensions"]
        self.assertEqual(extensions["Heading"], {"levels": [2, 3, 4]})
        for name in ["Bold", "Italic", "Link", "BulletList", "OrderedList", "Blockquote",
                     "Figure", "Caption", "Image", "Table"]:  # fmt: skip
            self.assertIn(name, extensions)
        for name in ["TextAlign", "Color", "Highlight", "Underline", "CodeBlock", "HTML"]:
            self.assertNotIn(name, extensions)
        self.assertEqual(extensions["Figure"]["libraryUrl"], "/admin/editing/images.json")
        self.assertEqual(extensions["Figure"]["uploadUrl"], "/admin/editing/image/upload/")
        for module in ["prose-library.js", "prose-writing.js", "prose-embeds.js"]:
            self.assertIn(f"/static/editing/{module}", config["js_modules"])

    def test_the_body_is_spell_checked_in_the_articles_language(self):
        extensions = editor_config(self.response.content.decode())["extensions"]
        # The package switches the browser's checker off by default; the form's language
        # field says which language to check in.
        self.assertNotIn("NoSpellCheck", extensions)
        self.assertEqual(extensions["SpellCheck"], {"languageField": "language", "language": "fr"})

    def test_a_pages_english_version_is_spell_checked_in_english(self):
        form = PageAdminForm()
        checks = [
            editor_config(str(form[name]))["extensions"]["SpellCheck"]
            for name in ["body", "body_en"]
        ]
        # The body follows the page's language field; its English version is English.
        self.assertEqual(
            checks,
            [
                {"languageField": "language", "language": "fr"},
                {"languageField": "", "language": "en"},
            ],
        )

    def test_every_word_of_the_toolbar_is_in_the_admins_language(self):
        extensions = editor_config(self.response.content.decode())["extensions"]
        labels = extensions["Menu"]["labels"]
        self.assertEqual(labels["bold"], "Gras (Ctrl+B)")
        self.assertEqual(labels["link"], "Lien (Ctrl+K)")
        self.assertEqual(labels["figure"], "Image de la médiathèque")
        self.assertEqual(
            extensions["Menu"]["blockTypes"],
            {
                "label": "Type de bloc",
                "paragraph": "Paragraphe",
                "heading2": "Titre 2",
                "heading3": "Titre 3",
                "heading4": "Titre 4",
                "other": "Autre",
            },
        )
        # The block type is Carnet's select, not the package's dropdown of icons.
        included = {
            name for group in extensions["Menu"]["groups"] for name in group["group"].split()
        }
        self.assertNotIn("blockType", included)
        self.assertEqual(extensions["Figure"]["messages"]["upload"], "Ajouter des images")
        self.assertEqual(extensions["Embed"]["lookupUrl"], "/admin/editing/embed.json")
        self.assertIn("framatube.org", extensions["Embed"]["messages"]["urlHelp"])
        english = self.client.get("/admin/blog/article/add/", headers={"accept-language": "en"})
        labels = editor_config(english.content.decode())["extensions"]["Menu"]["labels"]
        self.assertEqual(labels["bold"], "Bold (Ctrl+B)")

    def test_the_packages_stylesheets_come_in_a_cascade_layer_below_carnets(self):
        html = self.response.content.decode()
        self.assertIn('href="/static/editing/editor.css"', html)
        self.assertNotIn('href="/static/django_prose_editor/', html)
        stylesheet = open(finders.find("editing/editor.css"), encoding="utf-8").read()
        imports = re.findall(r'@import url\("([^"]+)"\) layer\(prose-editor\);', stylesheet)
        self.assertEqual(
            imports,
            [
                "../django_prose_editor/material-icons.css",
                "../django_prose_editor/editor.css",
                "../django_prose_editor/overrides.css",
            ],
        )
        for path in imports:
            self.assertTrue(finders.find(path.replace("../", "")), path)
        # Carnet's own rules stay outside any layer, so they win.
        self.assertEqual(stylesheet.count("@layer"), 1)

    def test_no_stylesheet_of_carnets_locks_the_orientation(self):
        # WCAG 1.3.4, which the browser tests' axe cannot read through the editor's
        # @import (tests/browser/conftest.py): checked here, on the files themselves.
        root = Path(settings.BASE_DIR)
        sheets = [*root.glob("static/**/*.css"), *root.glob("*/static/**/*.css")]
        self.assertGreater(len(sheets), 3)
        for sheet in sheets:
            with self.subTest(sheet.name):
                self.assertNotRegex(sheet.read_text(encoding="utf-8"), r"orientation\s*:")

    def test_the_admin_policy_allows_the_import_map_by_its_nonce(self):
        policy = self.response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        self.assertIn(f"script-src 'self' 'nonce-{nonce}'", policy)
        self.assertIn(f'<script type="importmap" nonce="{nonce}">', self.response.content.decode())
        self.assertIn("style-src 'self' 'sha256-", policy)

    def test_the_editor_dialogs_speak_the_admin_language(self):
        # The admin's JavaScript catalogue, which the form loads before the editor.
        self.assertContains(self.response, '<script src="/admin/jsi18n/"')
        catalogue = self.client.get("/admin/jsi18n/", headers={"accept-language": "fr"})
        self.assertContains(catalogue, "Modifier le lien")
        self.assertContains(catalogue, "Ouvrir dans une nouvelle fen\\u00eatre")
        self.assertContains(catalogue, "Ajouter")  # Django's own admin strings stay

    def test_public_pages_keep_their_policy_without_a_nonce(self):
        article = make_article(slug="public")
        response = self.client.get(article.get_absolute_url())
        policy = response["Content-Security-Policy"]
        self.assertIn("script-src 'self';", policy)
        self.assertIn("style-src 'self';", policy)
        self.assertNotIn("nonce", policy)
        self.assertNotIn("nonce", response.content.decode())


class RemovedContentWarningTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_editor_is_told_which_image_was_removed_and_why(self):
        library = make_image(1000, 500, alt="Ours")
        body = (
            f'<p>Text</p><figure><img src="{library.url}" alt="Ours"></figure>'
            '<p><img src="https://elsewhere.example/hotlinked.jpg" alt="Theirs"><img src=x></p>'
        )
        response = self.client.post(
            "/admin/blog/article/add/", article_form_data(body=body), follow=True
        )
        warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        self.assertEqual(len(warnings), 2)
        self.assertIn("«\u202fhttps://elsewhere.example/hotlinked.jpg\u202f»", warnings[0])
        self.assertIn("médiathèque", warnings[0])
        self.assertIn("«\u202fx\u202f»", warnings[1])
        article = Article.objects.get(slug="from-the-admin")
        self.assertIn(library.url, article.body_html)
        self.assertNotIn("elsewhere.example", article.body_html)
        self.assertNotIn('src="x"', article.body_html)

    def test_each_thing_dropped_is_named_once_and_gone_from_the_body_at_the_next_save(self):
        body = (
            "<p>Texte</p>"
            '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="Le clip"></iframe>'
            '<iframe src="https://tracker.example/widget"></iframe>'
            '<script src="https://tracker.example/t.js"></script>'
            '<figure data-embed-url="https://tracker.example/v/1"></figure>'
            '<p><img src="https://elsewhere.example/a.jpg" alt="A"></p>'
        )
        response = self.client.post(
            "/admin/blog/article/add/", article_form_data(body=body), follow=True
        )
        warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        self.assertEqual(len(warnings), 4, warnings)
        self.assertIn("Le cadre «\u202fhttps://tracker.example/widget\u202f»", warnings[0])
        self.assertIn("YouTube, Vimeo, Dailymotion et PeerTube", warnings[0])
        self.assertIn("Un script (https://tracker.example/t.js)", warnings[1])
        self.assertIn("L’intégration «\u202fhttps://tracker.example/v/1\u202f»", warnings[2])
        self.assertIn("L’image «\u202fhttps://elsewhere.example/a.jpg\u202f»", warnings[3])
        article = Article.objects.get(slug="from-the-admin")
        # The video stays, as its embed; nothing else of the list is in the body the
        # editor reopens.
        self.assertIn('data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"', article.body)
        self.assertIn('data-embed-title="Le clip"', article.body)
        for gone in ["tracker.example", "elsewhere.example", "<iframe", "<script"]:
            self.assertNotIn(gone, article.body)
        form = self.client.get(f"/admin/blog/article/{article.pk}/change/")
        self.assertNotContains(form, "tracker.example")
        # Saved again as the editor sends it back: nothing more to say.
        response = self.client.post(
            f"/admin/blog/article/{article.pk}/change/",
            article_form_data(body=article.body),
            follow=True,
        )
        self.assertFalse([m for m in response.context["messages"] if m.level_tag == "warning"])

    def test_an_article_with_only_library_images_gets_no_warning(self):
        library = make_image(1000, 500, alt="Ours")
        body = f'<figure><img src="{library.url}" srcset="{library.srcset}" alt="Ours"></figure>'
        response = self.client.post(
            "/admin/blog/article/add/", article_form_data(body=body), follow=True
        )
        self.assertFalse([m for m in response.context["messages"] if m.level_tag == "warning"])


class HostileBodyTests(TestCase):
    """Every attack of the sanitiser's table, saved through the editor's form, is inert on
    the article page and in the feeds."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def test_no_attack_is_active_on_the_page_or_in_the_feeds(self):
        # The form itself refuses a NUL character (Django's validator): nothing to show.
        attacks = [attack for attack in ARTICLE_ATTACKS if "\x00" not in attack[1]]
        # A feed carries the 20 newest articles: the attacks go through it 20 at a time.
        for start in range(0, len(attacks), 20):
            Article.objects.all().delete()
            batch = attacks[start : start + 20]
            self.client.force_login(self.editor)
            for n, (attack, html, _expected) in enumerate(batch):
                data = article_form_data(
                    slug=f"hostile-{n}", title=f"Hostile {n}", body=f"<p>Hi</p>{html}"
                )
                response = self.client.post("/admin/blog/article/add/", data)
                self.assertEqual(response.status_code, 302, attack)
            self.client.logout()
            for n, (attack, _html, _expected) in enumerate(batch):
                with self.subTest(attack, on="page"):
                    page = self.client.get(f"/articles/hostile-{n}/").content.decode()
                    body = page.split('<div class="article__body">', 1)[1].split("</div>", 1)[0]
                    self.assertIn("<p>Hi</p>", body)
                    for needle in ACTIVE_CONTENT:
                        self.assertNotIn(needle, body.lower())
                    # An image left is the site's own, or none is.
                    for src in re.findall(r"<img[^>]* src=\"([^\"]*)\"", body):
                        self.assertTrue(src.startswith("/media/"), src)
                    self.assertEqual(body.count("<img"), len(re.findall(r"<img[^>]* src=", body)))
            for feed in ["/feed/", "/feed/atom/"]:
                with self.subTest(batch=start, on=feed):
                    root = ET.fromstring(self.client.get(feed).content)
                    texts = [element.text or "" for element in root.iter()]
                    self.assertEqual(sum("<p>Hi</p>" in text for text in texts), len(batch))
                    for text in texts:
                        for needle in ACTIVE_CONTENT:
                            self.assertNotIn(needle, text.lower())


class AdminPolicyMiddlewareTests(TestCase):
    def respond(self, path: str, response: HttpResponse):
        request = RequestFactory().get(path)
        return AdminContentSecurityPolicyMiddleware(lambda request: response)(request)

    def test_only_the_admin_gets_the_admin_policy(self):
        self.assertIs(
            self.respond("/admin/blog/", HttpResponse())._csp_config, settings.SECURE_CSP_ADMIN
        )
        self.assertFalse(hasattr(self.respond("/articles/x/", HttpResponse()), "_csp_config"))
        self.assertFalse(hasattr(self.respond("/administration/", HttpResponse()), "_csp_config"))

    def test_a_views_own_policy_is_kept(self):
        response = HttpResponse()
        response._csp_config = {"default-src": ["'none'"]}
        self.assertEqual(
            self.respond("/admin/x/", response)._csp_config, {"default-src": ["'none'"]}
        )
