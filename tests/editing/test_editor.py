"""The rich-text editor on the article form: what it offers, the policy it runs under,
and what it is told about images it cannot keep."""

import json
import re
import xml.etree.ElementTree as ET

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, TestCase

from blog.models import Article
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
        self.assertEqual(extensions["Figure"]["uploadUrl"], "/admin/editing/image/add/")
        self.assertIn("/static/editing/prose-library.js", config["js_modules"])

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


class RemovedImageWarningTests(TemporaryMediaMixin, TestCase):
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
