from django.contrib.auth.models import Permission
from django.test import TestCase

from blog.models import Article
from sitewide.markup import clean_article_html
from sitewide.models import SiteSettings
from tests.base import (
    keep_revision,
    make_article,
    make_category,
    make_editor,
    make_superuser,
    sign_in,
)

HOSTILE_BODIES = {
    "script": "<p>Hi</p><script>alert(1)</script>",
    "style": "<style>body{display:none}</style><p>Hi</p>",
    "event handler": '<p onclick="alert(1)">Hi</p><img src="/i.png" alt="" onerror="alert(1)">',
    "javascript url": '<p><a href="javascript:alert(1)">Hi</a></p>',
    "obfuscated javascript url": '<p><a href="jav&#x09;ascript:alert(1)">Hi</a></p>',
    "vbscript url": '<p><a href="vbscript:msgbox(1)">Hi</a></p>',
    "data url": '<p>Hi<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x"></p>',
    "iframe": '<iframe src="https://evil.example"></iframe><p>Hi</p>',
    "object": '<object data="x.swf"></object><p>Hi</p>',
    "embed": '<embed src="x.swf"><p>Hi</p>',
    "svg": '<svg onload="alert(1)"></svg><p>Hi</p>',
    "math": "<math><mtext>x</mtext></math><p>Hi</p>",
    "form": '<form action="https://evil.example"><input name="p"></form><p>Hi</p>',
    "style attribute": '<p style="position:fixed">Hi</p>',
    "unclosed tag": "<p><strong>Hi",
    "comment": "<!--[if IE]><script>alert(1)</script><![endif]--><p>Hi</p>",
    "base": '<base href="https://evil.example/"><p>Hi</p>',
    "meta": '<meta http-equiv="refresh" content="0;url=https://evil.example"><p>Hi</p>',
    "link": '<link rel="stylesheet" href="https://evil.example/x.css"><p>Hi</p>',
    "control characters": "<p>H\x07i\x1b</p>",
}
FORBIDDEN = ["<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math", "<form",
             "<input", "<base", "<meta", "<link", "onclick", "onerror", "onload", "style=",
             "javascript:", "vbscript:", "data:", "<!--", "\x07"]  # fmt: skip


def article_form_data(**overrides) -> dict:
    return {
        "title": "From the admin",
        "slug": "from-the-admin",
        "standfirst": "",
        "body": "<p>Hello</p>",
        "language": "fr",
        "status": "published",
        "published_at_0": "2026-03-14",
        "published_at_1": "10:00:00",
        "category": "",
        "tags": "Russie, Afghanistan",
        "comments_open": "on",
        "seo_description": "",
        # A published article's form has its correction notices' (none): as a browser
        # sends it.
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        **overrides,
    }


def submission_form_data(article, **overrides) -> dict:
    """The change form of an article in review as its reviewer sends it, the date empty."""
    return article_form_data(
        **{
            "slug": article.slug,
            "author": article.author_id,
            "status": "review",
            "published_at_0": "",
            "published_at_1": "",
            **overrides,
        }
    )


class EditorArticleAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.other_editor = make_editor()
        cls.own = make_article(author=cls.editor, title="My own article")
        cls.others = make_article(author=cls.other_editor, title="Somebody else's article")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_editor_can_add_an_article_signed_by_themselves(self):
        self.assertEqual(self.client.get("/admin/blog/article/add/").status_code, 200)
        response = self.client.post(
            "/admin/blog/article/add/",
            article_form_data(author=self.other_editor.pk),
        )
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="from-the-admin")
        self.assertEqual(article.author, self.editor)
        self.assertEqual(article.body_html, "<p>Hello</p>")
        self.assertEqual(sorted(article.tags.names()), ["Afghanistan", "Russie"])
        self.assertTrue(article.is_published())

    def test_an_editor_sees_only_their_own_articles(self):
        response = self.client.get("/admin/blog/article/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "My own article")
        self.assertNotContains(response, "Somebody else&#x27;s article")
        self.assertEqual(list(response.context["cl"].result_list), [self.own])

    def test_an_editor_can_change_their_own_article(self):
        url = f"/admin/blog/article/{self.own.pk}/change/"
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url, article_form_data(title="Renamed", slug=self.own.slug, body="<p>New</p>")
        )
        self.assertEqual(response.status_code, 302)
        self.own.refresh_from_db()
        self.assertEqual((self.own.title, self.own.body_html), ("Renamed", "<p>New</p>"))
        self.assertEqual(self.own.author, self.editor)

    def test_an_editor_cannot_open_another_editors_article(self):
        # The article is outside the editor's queryset: the admin redirects to its index.
        response = self.client.get(f"/admin/blog/article/{self.others.pk}/change/")
        self.assertRedirects(response, "/admin/")

    def test_an_editor_cannot_change_another_editors_article(self):
        response = self.client.post(
            f"/admin/blog/article/{self.others.pk}/change/",
            article_form_data(title="Hijacked", slug=self.others.slug),
        )
        self.assertRedirects(response, "/admin/")
        self.others.refresh_from_db()
        self.assertEqual(self.others.title, "Somebody else's article")

    def test_an_editor_cannot_delete_another_editors_article(self):
        url = f"/admin/blog/article/{self.others.pk}/delete/"
        self.assertRedirects(self.client.get(url), "/admin/")
        self.assertRedirects(self.client.post(url, {"post": "yes"}), "/admin/")
        self.assertTrue(Article.objects.filter(pk=self.others.pk).exists())

    def test_an_editor_cannot_bulk_delete_another_editors_article(self):
        self.client.post(
            "/admin/blog/article/",
            {"action": "delete_selected", "_selected_action": [self.others.pk], "post": "yes"},
        )
        self.assertTrue(Article.objects.filter(pk=self.others.pk).exists())

    def test_an_editor_can_delete_their_own_article(self):
        url = f"/admin/blog/article/{self.own.pk}/delete/"
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Article.objects.filter(pk=self.own.pk).exists())

    def test_a_duplicate_slug_is_a_form_error(self):
        response = self.client.post(
            "/admin/blog/article/add/", article_form_data(slug=self.others.slug)
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("slug", response.context["adminform"].form.errors)

    def test_a_tag_without_an_ascii_address_is_a_form_error(self):
        # Its slug would be empty, and every page listing the article would fail to link it.
        for tags in ["Россия", "!!!, Climat", "日本"]:
            with self.subTest(tags=tags):
                response = self.client.post(
                    "/admin/blog/article/add/", article_form_data(tags=tags)
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("tags", response.context["adminform"].form.errors)
        self.assertFalse(Article.objects.filter(slug="from-the-admin").exists())
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_accented_tags_get_an_ascii_address(self):
        response = self.client.post(
            "/admin/blog/article/add/", article_form_data(tags="Santé, Énergie")
        )
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="from-the-admin")
        self.assertEqual(sorted(tag.slug for tag in article.tags.all()), ["energie", "sante"])

    def test_hostile_html_is_stored_sanitised_in_the_body_too(self):
        # The body the editor reopens is what readers get (before typography): what the
        # sanitiser dropped does not come back to the editor at the next save.
        for n, (pattern, body) in enumerate(HOSTILE_BODIES.items()):
            with self.subTest(pattern=pattern):
                slug = f"hostile-{n}"
                response = self.client.post(
                    "/admin/blog/article/add/", article_form_data(slug=slug, body=body)
                )
                self.assertEqual(response.status_code, 302)
                article = Article.objects.get(slug=slug)
                self.assertEqual(article.body, clean_article_html(body.replace("\r\n", "\n")))
                self.assertEqual(article.body_html, article.body)
                self.assertIn("Hi", article.body_html)
                for needle in FORBIDDEN:
                    self.assertNotIn(needle, article.body.lower())


class ChiefEditorArticleAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.chief = make_editor()
        cls.chief.user_permissions.add(Permission.objects.get(codename="change_others_article"))
        cls.other_editor = make_editor()
        cls.others = make_article(author=cls.other_editor, title="Somebody else's article")

    def setUp(self):
        sign_in(self.client, self.chief)

    def test_they_see_every_article(self):
        response = self.client.get("/admin/blog/article/")
        self.assertEqual(list(response.context["cl"].result_list), [self.others])

    def test_they_can_change_another_editors_article_and_keep_its_author(self):
        url = f"/admin/blog/article/{self.others.pk}/change/"
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url,
            article_form_data(
                title="Edited by the chief", slug=self.others.slug, author=self.other_editor.pk
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.others.refresh_from_db()
        self.assertEqual(self.others.title, "Edited by the chief")
        self.assertEqual(self.others.author, self.other_editor)

    def test_they_can_sign_a_new_article_for_another_editor(self):
        response = self.client.post(
            "/admin/blog/article/add/", article_form_data(author=self.other_editor.pk)
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Article.objects.get(slug="from-the-admin").author, self.other_editor)

    def test_they_can_delete_another_editors_article(self):
        url = f"/admin/blog/article/{self.others.pk}/delete/"
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Article.objects.filter(pk=self.others.pk).exists())


class ArticleChangelistQueryTests(TestCase):
    def test_its_query_count_does_not_grow_with_tags_or_revisions(self):
        admin = make_superuser()
        sign_in(self.client, admin)
        category = make_category()
        for count in [1, 14]:
            for n in range(count):
                article = make_article(
                    author=admin, category=category, tags=["A", f"B {count}-{n}"]
                )
                for _ in range(count):
                    keep_revision(article, admin)
            SiteSettings.load()  # the header's site name, from the cache as on every page
            # session, user, the authenticator app that verified the session, categories
            # and authors for the filters, count of the filtered and of all articles, the
            # page of articles with author and category, their tags, the first and last
            # dates and the days for the date hierarchy, then the session's new expiry (a
            # savepoint, the update, its release): a staff session lasts eight hours from
            # the last request
            with self.subTest(articles=count), self.assertNumQueries(14):
                response = self.client.get("/admin/blog/article/")
            self.assertEqual(response.status_code, 200)


class SiteSettingsAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_superuser()

    def setUp(self):
        sign_in(self.client, self.admin)

    def test_the_changelist_redirects_to_the_one_row(self):
        response = self.client.get("/admin/sitewide/sitesettings/")
        self.assertRedirects(response, "/admin/sitewide/sitesettings/1/change/")
        self.assertEqual(SiteSettings.objects.count(), 1)

    def test_the_row_can_be_changed(self):
        SiteSettings.load()
        response = self.client.post(
            "/admin/sitewide/sitesettings/1/change/",
            {"site_name": "Le Carnet", "tagline": "Analyses", "telegram_url": "https://t.me/x"},
        )
        self.assertEqual(response.status_code, 302)
        site = SiteSettings.objects.get()
        self.assertEqual((site.site_name, site.tagline), ("Le Carnet", "Analyses"))

    def test_no_row_can_be_added(self):
        self.assertEqual(self.client.get("/admin/sitewide/sitesettings/add/").status_code, 403)

    def test_the_row_cannot_be_deleted(self):
        SiteSettings.load()
        response = self.client.post("/admin/sitewide/sitesettings/1/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(SiteSettings.objects.count(), 1)

    def test_an_editor_cannot_change_it(self):
        SiteSettings.load()
        self.client.force_login(make_editor())
        response = self.client.get("/admin/sitewide/sitesettings/1/change/")
        self.assertEqual(response.status_code, 403)

    def test_an_editor_cannot_open_its_changelist(self):
        self.client.force_login(make_editor())
        response = self.client.get("/admin/sitewide/sitesettings/")
        # The refusal is a page of the admin (which names the site, as every admin page
        # does, so the settings row may exist now), and nothing was changed.
        self.assertContains(response, "Votre rôle ne le permet pas", status_code=403)
        self.assertEqual(SiteSettings.load().site_name, "Carnet")
