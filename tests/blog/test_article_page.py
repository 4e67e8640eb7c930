"""The article page, and its preview for the people who may edit it."""

import datetime
import json
import re

from django.contrib.auth.models import Permission
from django.test import TestCase

from sitewide.models import SiteSettings
from tests.base import (
    TemporaryMediaMixin,
    make_article,
    make_category,
    make_draft,
    make_editor,
    make_image,
    make_moderator,
    make_scheduled,
    make_superuser,
    sign_in,
)
from tests.blog.helpers import PUBLISHED_AT


def json_ld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


class ArticlePageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(
            site_name="Le Carnet", facebook_url="https://www.facebook.com/carnet"
        )
        cls.author = make_editor(
            display_name="Houssen Moshinaly",
            slug="houssen-moshinaly",
            role="Rédacteur en chef",
            bio="Blogueur et essayiste.\n\nNeuf livres.",
            email="houssen@example.com",
            accepts_contact=True,
        )
        cls.category = make_category(name="International", slug="international")
        cls.previous = make_article(
            author=cls.author,
            title="The previous one",
            slug="previous",
            published_at=PUBLISHED_AT - datetime.timedelta(days=1),
        )
        cls.article = make_article(
            author=cls.author,
            title="Moscou travaille avec les Talibans",
            slug="moscou",
            standfirst="Un envoyé de la Russie a parlé.",
            body="<p>First paragraph.</p><p>Second <script>alert(1)</script>one.</p>",
            category=cls.category,
            tags=["Russie", "Afghanistan"],
            cover=make_image(
                120, 60, alt="Zamir Kabulov", caption="Zamir Kabulov, envoyé spécial."
            ),
            published_at=PUBLISHED_AT,
        )
        cls.next = make_article(
            author=cls.author,
            title="The next one",
            slug="next",
            published_at=PUBLISHED_AT + datetime.timedelta(days=1),
        )

    def setUp(self):
        self.response = self.client.get("/articles/moscou/")

    def test_it_answers_200_with_the_article_template(self):
        self.assertEqual(self.response.status_code, 200)
        self.assertTemplateUsed(self.response, "blog/article.html")

    def test_it_shows_the_title_and_standfirst(self):
        self.assertContains(
            self.response,
            '<h1 class="article__title">Moscou travaille avec les Talibans</h1>',
            html=True,
        )
        self.assertContains(
            self.response,
            '<p class="article__standfirst">Un envoyé de la Russie a parlé.</p>',
            html=True,
        )
        self.assertContains(
            self.response, "<title>Moscou travaille avec les Talibans — Le Carnet</title>"
        )

    def test_it_shows_the_cover_with_its_caption_and_alt_text(self):
        cover = re.search(
            r'<figure class="article__cover">\s*<img ([^>]*)>', self.response.content.decode()
        )
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', cover.group(1)))
        self.assertEqual(attributes["src"], self.article.cover.url)
        self.assertNotIn("srcset", attributes)  # narrower than every rendition
        self.assertEqual(attributes["alt"], "Zamir Kabulov")
        self.assertEqual((attributes["width"], attributes["height"]), ("120", "60"))
        self.assertContains(
            self.response, "<figcaption>Zamir Kabulov, envoyé spécial.</figcaption>", html=True
        )

    def test_it_shows_the_sanitised_body(self):
        self.assertContains(
            self.response,
            '<div class="article__body"><p>First paragraph.</p><p>Second one.</p></div>',
            html=True,
        )
        self.assertNotContains(self.response, "alert(1)")

    def test_it_shows_the_author_box(self):
        self.assertContains(
            self.response,
            '<a href="/author/houssen-moshinaly/">Houssen Moshinaly</a>',
            html=True,
            count=2,
        )
        self.assertContains(
            self.response, '<p class="author-box__role">Rédacteur en chef</p>', html=True
        )
        self.assertContains(self.response, "<p>Blogueur et essayiste.</p>", html=True)
        self.assertContains(self.response, "<p>Neuf livres.</p>", html=True)
        self.assertContains(self.response, 'href="/author/houssen-moshinaly/contact/"')
        self.assertContains(self.response, "HM")

    def test_it_never_shows_the_authors_email(self):
        self.assertNotContains(self.response, "houssen@example.com")

    def test_it_shows_the_category_and_tags(self):
        self.assertContains(
            self.response, '<a href="/category/international/">International</a>', html=True
        )
        self.assertContains(self.response, '<a href="/tag/russie/">Russie</a>', html=True)
        self.assertContains(
            self.response, '<a href="/tag/afghanistan/">Afghanistan</a>', html=True
        )

    def test_it_shows_the_publication_time_to_the_minute_in_the_editions_style(self):
        # 09:30 UTC is 10:30 in Paris, the site's time zone, in March.
        self.assertContains(
            self.response,
            '<time datetime="2026-03-14T10:30:00+01:00">14 mars 2026 à 10\u00a0h\u00a030</time>',
        )
        english = self.client.get("/en/articles/moscou/")
        self.assertContains(
            english, '<time datetime="2026-03-14T10:30:00+01:00">March 14, 2026, 10:30</time>'
        )

    def test_a_save_after_publication_is_not_an_update_for_readers(self):
        self.article.title = "Moscou travaille avec les talibans"
        self.article.save()
        response = self.client.get("/articles/moscou/")
        self.assertEqual(response.content.decode().count("<time "), 1)
        self.assertNotContains(response, "Mis à jour")
        self.assertEqual(json_ld(response)["dateModified"], "2026-03-14T10:30:00+01:00")

    def test_it_shows_the_significant_update_an_editor_marked(self):
        self.article.significant_update_at = datetime.datetime(
            2026, 3, 15, 7, 5, tzinfo=datetime.UTC
        )
        self.article.save()
        response = self.client.get("/articles/moscou/")
        self.assertContains(
            response,
            'Mis à jour le <time datetime="2026-03-15T08:05:00+01:00">'
            "15 mars 2026 à 8\u00a0h\u00a005</time>",
        )
        self.assertEqual(json_ld(response)["dateModified"], "2026-03-15T08:05:00+01:00")
        english = self.client.get("/en/articles/moscou/")
        self.assertContains(english, "Updated <time")
        self.assertContains(english, "March 15, 2026, 08:05</time>")

    def test_it_links_to_the_previous_and_next_articles(self):
        self.assertContains(self.response, '<a rel="prev" href="/articles/previous/">')
        self.assertContains(self.response, '<a rel="next" href="/articles/next/">')

    def test_it_shows_the_site_social_links(self):
        self.assertContains(self.response, 'href="https://www.facebook.com/carnet"')

    def test_it_has_a_canonical_link(self):
        self.assertContains(
            self.response,
            '<link rel="canonical" href="http://testserver/articles/moscou/">',
            html=True,
        )

    def test_it_has_opengraph_and_twitter_meta_tags(self):
        cover = f"http://testserver{self.article.cover.url}"
        for tag in [
            '<meta property="og:type" content="article">',
            '<meta property="og:site_name" content="Le Carnet">',
            '<meta property="og:title" content="Moscou travaille avec les Talibans">',
            '<meta property="og:description" content="Un envoyé de la Russie a parlé.">',
            '<meta property="og:url" content="http://testserver/articles/moscou/">',
            '<meta property="og:locale" content="fr_FR">',
            f'<meta property="og:image" content="{cover}">',
            '<meta property="og:image:alt" content="Zamir Kabulov">',
            '<meta property="article:section" content="International">',
            '<meta property="article:tag" content="Russie">',
            '<meta name="twitter:card" content="summary_large_image">',
            '<meta name="twitter:title" content="Moscou travaille avec les Talibans">',
            '<meta name="twitter:description" content="Un envoyé de la Russie a parlé.">',
            '<meta name="description" content="Un envoyé de la Russie a parlé.">',
        ]:
            with self.subTest(tag=tag):
                self.assertContains(self.response, tag, html=True)

    def test_it_describes_the_article_in_json_ld(self):
        data = json_ld(self.response)
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "Article")
        self.assertEqual(data["headline"], "Moscou travaille avec les Talibans")
        self.assertEqual(data["description"], "Un envoyé de la Russie a parlé.")
        self.assertEqual(data["inLanguage"], "fr")
        self.assertEqual(data["mainEntityOfPage"], "http://testserver/articles/moscou/")
        self.assertEqual(data["articleSection"], "International")
        self.assertEqual(data["image"], f"http://testserver{self.article.cover.url}")
        self.assertEqual(
            data["author"],
            {
                "@type": "Person",
                "name": "Houssen Moshinaly",
                "url": "http://testserver/author/houssen-moshinaly/",
            },
        )
        self.assertEqual(
            datetime.datetime.fromisoformat(data["datePublished"].replace("Z", "+00:00")),
            PUBLISHED_AT,
        )
        self.assertIn("dateModified", data)

    def test_its_json_ld_cannot_close_the_script_element(self):
        make_article(
            author=self.author, slug="hostile", title="</script><script>alert(1)</script>"
        )
        response = self.client.get("/articles/hostile/")
        self.assertNotContains(response, "</script><script>alert(1)")
        self.assertEqual(json_ld(response)["headline"], "</script><script>alert(1)</script>")

    def test_a_description_taken_from_the_body_is_escaped_once(self):
        make_article(author=self.author, slug="amp", standfirst="", body="<p>Tom & Jerry</p>")
        response = self.client.get("/articles/amp/")
        self.assertContains(response, '<meta name="description" content="Tom &amp; Jerry">')
        self.assertContains(response, '<meta property="og:description" content="Tom &amp; Jerry">')
        self.assertEqual(json_ld(response)["description"], "Tom & Jerry")

    def test_an_article_without_cover_or_category_still_renders(self):
        make_article(author=self.author, slug="plain", title="Plain", standfirst="")
        response = self.client.get("/articles/plain/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<figure")
        self.assertNotContains(response, "og:image")
        self.assertContains(response, '<meta name="twitter:card" content="summary">', html=True)
        self.assertNotIn("image", json_ld(response))
        self.assertNotIn("articleSection", json_ld(response))


class ArticlePreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.owner = make_editor()
        cls.draft = make_draft(author=cls.owner, title="Secret draft")
        cls.scheduled = make_scheduled(author=cls.owner, title="Coming soon")

    def assertPreview(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<meta name="robots" content="noindex">', html=True)
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertContains(response, 'class="preview-banner"')

    def test_its_author_can_preview_a_draft(self):
        self.client.force_login(self.owner)
        response = self.client.get(self.draft.get_absolute_url())
        self.assertPreview(response)
        self.assertContains(response, "Secret draft")

    def test_its_author_can_preview_a_scheduled_article(self):
        self.client.force_login(self.owner)
        response = self.client.get(self.scheduled.get_absolute_url())
        self.assertPreview(response)
        self.assertContains(response, "Coming soon")

    def test_another_editor_cannot_preview_it(self):
        self.client.force_login(make_editor())
        response = self.client.get(self.draft.get_absolute_url())
        self.assertEqual(response.status_code, 404)

    def test_an_editor_with_change_others_article_can_preview_it(self):
        chief = make_editor()
        chief.user_permissions.add(Permission.objects.get(codename="change_others_article"))
        self.client.force_login(chief)
        self.assertPreview(self.client.get(self.draft.get_absolute_url()))

    def test_a_superuser_can_preview_it(self):
        sign_in(self.client, make_superuser())
        self.assertPreview(self.client.get(self.draft.get_absolute_url()))

    def test_a_moderator_cannot_preview_it(self):
        self.client.force_login(make_moderator())
        response = self.client.get(self.draft.get_absolute_url())
        self.assertEqual(response.status_code, 404)

    def test_a_published_article_is_not_a_preview(self):
        self.client.force_login(self.owner)
        response = self.client.get(make_article(author=self.owner).get_absolute_url())
        self.assertNotContains(response, "noindex")
        self.assertFalse(response.has_header("X-Robots-Tag"))
        self.assertNotContains(response, 'class="preview-banner"')
