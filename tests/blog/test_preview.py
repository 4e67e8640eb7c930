"""The change form's "Preview" shows the unsaved fields as readers would see them."""

from django.test import TestCase

from blog.models import Article
from tests.base import make_article, make_editor
from tests.blog.test_admin import article_form_data


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.article = make_article(author=cls.editor, title="As published", slug="as-published")

    def setUp(self):
        self.client.force_login(self.editor)

    def preview(self, url: str | None = None, **fields):
        url = url or f"/admin/blog/article/{self.article.pk}/preview/"
        data = article_form_data(**{"slug": "as-published", **fields})
        return self.client.post(url, data)

    def test_it_renders_the_unsaved_fields_with_the_public_template(self):
        response = self.preview(title="Not saved yet", body="<h2>New</h2><p>Draft text</p>")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/article.html")
        self.assertContains(response, '<h1 class="article__title">Not saved yet</h1>', html=True)
        self.assertContains(response, "<h2>New</h2><p>Draft text</p>")
        self.assertContains(response, "rien n’a été enregistré ni publié")
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "As published")

    def test_it_is_never_cached_nor_indexed(self):
        response = self.preview(title="Not saved yet")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex")

    def test_a_new_article_is_previewed_without_being_created(self):
        response = self.preview("/admin/blog/article/preview/", title="Brand new", slug="new")
        self.assertContains(response, "Brand new")
        self.assertEqual(Article.objects.count(), 1)

    def test_the_body_is_sanitised_in_the_preview_too(self):
        response = self.preview(
            body='<p>Hi</p><script>alert(1)</script><img src="https://x.example/a.png">'
        )
        self.assertNotContains(response, "alert(1)")
        self.assertNotContains(response, "x.example")

    def test_a_form_with_errors_lists_them_with_a_400(self):
        response = self.preview(title="")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "errorlist", status_code=400)

    def test_it_answers_posts_only(self):
        response = self.client.get(f"/admin/blog/article/{self.article.pk}/preview/")
        self.assertEqual(response.status_code, 405)

    def test_another_editors_article_cannot_be_previewed(self):
        # Not among the articles they may edit: as for the change form, it is not there.
        self.client.force_login(make_editor())
        self.assertEqual(self.preview(title="Hijack").status_code, 404)

    def test_readers_are_sent_to_sign_in(self):
        self.client.logout()
        response = self.preview(title="x")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_an_unknown_article_is_a_404(self):
        self.assertEqual(self.preview("/admin/blog/article/999999/preview/").status_code, 404)
