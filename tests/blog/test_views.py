import datetime
import json
import re
import shutil
import tempfile
from unittest import mock

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import OperationalError, connection
from django.test import RequestFactory, TestCase, override_settings
from django.utils import timezone
from django.views.defaults import server_error

from demo.content import demo_cover_jpeg
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_category,
    make_draft,
    make_editor,
    make_moderator,
    make_scheduled,
    make_superuser,
)

# A fixed publication time, so that dates and archive months are known.
PUBLISHED_AT = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)


def json_ld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


class PublishedRuleTests(TestCase):
    """Drafts and scheduled articles are hidden from every public page."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(display_name="Rule Author")
        cls.category = make_category(slug="rules")
        common = {"author": cls.author, "category": cls.category, "tags": ["Shared"]}
        cls.published = make_article(title="Visible zebra", published_at=PUBLISHED_AT, **common)
        cls.draft = make_draft(title="Draft zebra", published_at=PUBLISHED_AT, **common)
        cls.scheduled = make_scheduled(title="Scheduled zebra", **common)

    def assertOnlyThePublishedArticle(self, url: str):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Visible zebra")
        self.assertNotContains(response, "Draft zebra")
        self.assertNotContains(response, "Scheduled zebra")
        self.assertNotContains(response, self.draft.get_absolute_url())
        self.assertNotContains(response, self.scheduled.get_absolute_url())

    def test_it_hides_drafts_and_scheduled_articles_on_the_home_page(self):
        self.assertOnlyThePublishedArticle("/")

    def test_it_hides_them_on_the_category_page(self):
        self.assertOnlyThePublishedArticle("/category/rules/")

    def test_it_hides_them_on_the_tag_page(self):
        self.assertOnlyThePublishedArticle("/tag/shared/")

    def test_it_hides_them_on_the_author_page(self):
        self.assertOnlyThePublishedArticle(self.author.get_absolute_url())

    def test_it_hides_them_in_the_archive(self):
        self.assertOnlyThePublishedArticle("/archive/2026/3/")
        when = timezone.localtime(self.scheduled.published_at)
        response = self.client.get(f"/archive/{when.year}/{when.month}/")
        self.assertNotContains(response, "Scheduled zebra")

    def test_it_hides_them_from_search(self):
        self.assertOnlyThePublishedArticle("/search/?q=zebra")

    def test_it_hides_a_draft_from_the_public(self):
        response = self.client.get(self.draft.get_absolute_url())
        self.assertEqual(response.status_code, 404)

    def test_it_hides_a_scheduled_article_from_the_public(self):
        response = self.client.get(self.scheduled.get_absolute_url())
        self.assertEqual(response.status_code, 404)

    def test_it_leaves_drafts_out_of_the_previous_and_next_links(self):
        response = self.client.get(self.published.get_absolute_url())
        self.assertNotContains(response, 'rel="prev"')
        self.assertNotContains(response, 'rel="next"')


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
        self.client.force_login(make_superuser())
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


class HomeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor()
        now = timezone.now()
        # Article 1 is the newest, article 12 the oldest.
        cls.articles = [
            make_article(
                author=cls.author,
                title=f"Home article {n:02d}",
                slug=f"home-article-{n:02d}",
                published_at=now - datetime.timedelta(hours=n),
            )
            for n in range(1, 13)
        ]

    def titles(self, response) -> list[str]:
        return [article.title for article in response.context["articles"]]

    def test_it_lists_ten_articles_newest_first(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/home.html")
        self.assertEqual(self.titles(response), [f"Home article {n:02d}" for n in range(1, 11)])
        self.assertContains(response, 'href="/articles/home-article-01/"')
        self.assertContains(response, 'href="?page=2"')

    def test_the_second_page_lists_the_rest(self):
        response = self.client.get("/?page=2")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.titles(response), ["Home article 11", "Home article 12"])
        self.assertContains(response, 'href="?page=1"')
        self.assertNotContains(response, 'href="?page=3"')

    def test_its_canonical_link_drops_other_query_parameters(self):
        response = self.client.get("/?utm_source=newsletter")
        self.assertContains(response, '<link rel="canonical" href="http://testserver/">')
        response = self.client.get("/?page=2&utm_source=newsletter")
        self.assertContains(response, '<link rel="canonical" href="http://testserver/?page=2">')

    def test_its_page_links_keep_the_language(self):
        response = self.client.get("/?lang=en")
        self.assertContains(response, 'href="?lang=en&amp;page=2"')

    def test_it_shows_the_standfirst_author_and_tags_of_each_article(self):
        make_article(
            author=self.author,
            title="Tagged",
            standfirst="A tagged lead.",
            published_at=timezone.now(),
            category=make_category(name="Science", slug="science"),
            tags=["Climat"],
        )
        response = self.client.get("/")
        self.assertContains(response, "A tagged lead.")
        self.assertContains(response, f'href="{self.author.get_absolute_url()}"')
        self.assertContains(response, 'href="/category/science/"')
        self.assertContains(response, '<a href="/tag/climat/">Climat</a>', html=True)

    def test_it_says_so_when_there_is_nothing_yet(self):
        for article in self.articles:
            article.delete()
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["articles"]), [])
        self.assertContains(response, 'class="empty"')

    def test_it_shows_the_site_name_and_social_links(self):
        SiteSettings.objects.update(site_name="Le Carnet", telegram_url="https://t.me/carnet")
        response = self.client.get("/")
        self.assertContains(response, "<title>Le Carnet</title>", html=True)
        self.assertContains(response, 'href="https://t.me/carnet"')


class ArticlePageTests(TestCase):
    @classmethod
    def setUpClass(cls):
        # The cover goes to a temporary MEDIA_ROOT, never to var/.
        media_root = tempfile.mkdtemp(prefix="carnet-test-media-")
        cls.addClassCleanup(shutil.rmtree, media_root, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media_root))
        super().setUpClass()

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
            cover_alt="Zamir Kabulov",
            cover_caption="Zamir Kabulov, envoyé spécial.",
            published_at=PUBLISHED_AT,
        )
        cls.article.cover.save("cover.jpg", ContentFile(demo_cover_jpeg(120, 60)))
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

    def test_it_shows_the_publication_date(self):
        local = timezone.localtime(PUBLISHED_AT)
        self.assertContains(self.response, f'<time datetime="{local.isoformat()}">')

    def test_it_shows_the_update_date_of_an_article_changed_after_publication(self):
        updated = timezone.localtime(self.article.updated_at)
        self.assertContains(self.response, f'<time datetime="{updated.isoformat()}">')

    def test_it_shows_no_update_date_for_a_fresh_article(self):
        make_article(author=self.author, slug="fresh", published_at=timezone.now())
        response = self.client.get("/articles/fresh/")
        self.assertEqual(response.content.decode().count("<time "), 1)

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


class CategoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.category = make_category(name="Économie", slug="economie", description="Money.")
        cls.article = make_article(title="In the category", category=cls.category)
        make_article(title="Elsewhere", category=make_category())

    def test_it_lists_the_categorys_articles(self):
        response = self.client.get("/category/economie/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/category.html")
        self.assertContains(response, '<h1 class="page-title">Économie</h1>', html=True)
        self.assertContains(response, "Money.")
        self.assertContains(response, "In the category")
        self.assertNotContains(response, "Elsewhere")

    def test_it_links_to_its_feed(self):
        response = self.client.get("/category/economie/")
        self.assertContains(response, 'href="/category/economie/feed/"')


class TagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        make_article(title="Tagged with Santé", tags=["Santé"])
        make_article(title="Tagged otherwise", tags=["Climat"])

    def test_it_lists_the_tags_articles_at_an_ascii_address(self):
        response = self.client.get("/tag/sante/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/tag.html")
        self.assertContains(response, '<h1 class="page-title">Santé</h1>', html=True)
        self.assertContains(response, "Tagged with Santé")
        self.assertNotContains(response, "Tagged otherwise")


class ArchiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        tz = timezone.get_current_timezone()
        make_article(
            author=author,
            title="First minute of March",
            published_at=datetime.datetime(2026, 3, 1, 0, 0, tzinfo=tz),
        )
        make_article(
            author=author,
            title="Last minute of March",
            published_at=datetime.datetime(2026, 3, 31, 23, 59, tzinfo=tz),
        )
        make_article(
            author=author,
            title="Last minute of February",
            published_at=datetime.datetime(2026, 2, 28, 23, 59, tzinfo=tz),
        )
        make_article(
            author=author,
            title="New year",
            published_at=datetime.datetime(2026, 1, 1, 0, 0, tzinfo=tz),
        )
        make_article(
            author=author,
            title="New year's eve",
            published_at=datetime.datetime(2025, 12, 31, 23, 59, tzinfo=tz),
        )

    def test_it_lists_the_months_articles_in_the_sites_time_zone(self):
        response = self.client.get("/archive/2026/3/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/archive.html")
        self.assertEqual(
            [a.title for a in response.context["articles"]],
            ["Last minute of March", "First minute of March"],
        )

    def test_december_ends_at_the_new_year(self):
        response = self.client.get("/archive/2025/12/")
        self.assertEqual([a.title for a in response.context["articles"]], ["New year's eve"])

    def test_an_empty_month_answers_200(self):
        response = self.client.get("/archive/2024/5/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["articles"]), [])


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        make_article(author=author, title="Les élections au Sahel", body="<p>Un scrutin.</p>")
        make_article(author=author, title="Énergie", standfirst="Le pétrole et le Sahel.")
        make_article(author=author, title="Climat", body="<p>La banquise fond.</p>")

    def titles(self, response) -> set[str]:
        return {article.title for article in response.context["articles"]}

    def test_it_finds_articles_by_title_standfirst_and_body(self):
        response = self.client.get("/search/", {"q": "Sahel"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/search.html")
        self.assertEqual(self.titles(response), {"Les élections au Sahel", "Énergie"})
        self.assertEqual(self.titles(self.client.get("/search/", {"q": "banquise"})), {"Climat"})

    def test_all_words_must_match(self):
        response = self.client.get("/search/", {"q": "Sahel scrutin"})
        self.assertEqual(self.titles(response), {"Les élections au Sahel"})

    def test_it_finds_nothing_for_an_unknown_word(self):
        response = self.client.get("/search/", {"q": "xylophone"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.titles(response), set())

    def test_an_empty_query_shows_the_form_only(self):
        response = self.client.get("/search/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="q"')
        self.assertEqual(response.context["query"], "")
        self.assertEqual(list(response.context["articles"]), [])

    def test_it_uses_full_text_search_on_postgresql(self):
        if connection.vendor != "postgresql":
            self.skipTest("full-text search is PostgreSQL's")
        # French stemming: "élection" finds "élections", which a substring match would too,
        # but "scrutins" only matches "scrutin" through the stemmer.
        self.assertEqual(
            self.titles(self.client.get("/search/", {"q": "scrutins"})),
            {"Les élections au Sahel"},
        )

    def test_it_echoes_the_query_escaped(self):
        response = self.client.get("/search/", {"q": "<script>alert(1)</script>"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_it_keeps_the_query_in_the_pagination_links(self):
        author = make_editor()
        for n in range(11):
            make_article(author=author, title=f"Paged walrus {n}")
        response = self.client.get("/search/", {"q": "Paged  walrus"})
        self.assertContains(response, 'href="?q=Paged++walrus&amp;page=2"')


class HostileInputTests(TestCase):
    """Whatever a client sends, a public page answers 200, 404 or 405; never 500."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(
            slug="known", category=make_category(slug="known"), tags=["Known"]
        )

    def test_unknown_slugs_are_404(self):
        for url in [
            "/articles/unknown/",
            "/category/unknown/",
            "/tag/unknown/",
            "/author/unknown/",
            "/author/unknown/contact/",
            "/category/unknown/feed/",
            "/author/unknown/feed/",
            "/nowhere/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_bad_page_numbers_are_404(self):
        author = self.article.author.get_absolute_url()
        for base in ["/", "/category/known/", "/tag/known/", author, "/archive/2026/3/"]:
            for page in ["0", "-1", "abc", "99999", "1.5", "9" * 5000]:
                with self.subTest(url=base, page=page):
                    response = self.client.get(base, {"page": page})
                    self.assertEqual(response.status_code, 404)
        response = self.client.get("/search/", {"q": "known", "page": "abc"})
        self.assertEqual(response.status_code, 404)

    def test_the_first_page_can_be_asked_for_explicitly(self):
        self.assertEqual(self.client.get("/", {"page": "1"}).status_code, 200)
        self.assertEqual(self.client.get("/", {"page": ""}).status_code, 200)

    def test_bad_archive_dates_are_404(self):
        for url in [
            "/archive/2026/13/",
            "/archive/2026/0/",
            "/archive/0/1/",
            "/archive/99999/12/",
            "/archive/1/1/",
            "/archive/9999/12/",
            "/archive/2026/99999999999999999999/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_archive_answers_for_far_away_years(self):
        for url in ["/archive/2/1/", "/archive/9998/12/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_archive_urls_that_are_not_numbers_are_404(self):
        for url in ["/archive/2026/march/", "/archive/-1/1/", "/archive/2026/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_odd_search_queries_answer_200(self):
        for query in [
            "nul\x00byte",
            "\x00",
            "x" * 10_000,
            "word " * 500,
            "Éléphant 象 🐘 مرحبا",
            "' OR 1=1 --",
            '"; DROP TABLE blog_article; --',
            "a & b | !c <-> (d:*)",
            "%_%",
            "\\",
            "-",
            '"unterminated',
            "\u202e\ufeff\u200b",
            "le la les de",
            "!",
            "OR",
            "-x -y",
        ]:
            with self.subTest(query=query[:40]):
                self.assertEqual(self.client.get("/search/", {"q": query}).status_code, 200)

    def test_bad_sitemap_and_feed_parameters_are_harmless(self):
        for page in ["0", "-1", "abc", "99999"]:
            with self.subTest(page=page):
                self.assertEqual(self.client.get("/sitemap.xml", {"p": page}).status_code, 404)
        self.assertEqual(self.client.get("/feed/", {"page": "abc"}).status_code, 200)
        self.assertEqual(self.client.get("/sitemap.xml", {"p": "1"}).status_code, 200)

    def test_the_search_query_is_cut_to_200_characters(self):
        response = self.client.get("/search/", {"q": "x" * 10_000})
        self.assertEqual(response.context["query"], "x" * 200)

    def test_posting_to_get_only_pages_is_405(self):
        author = self.article.author.get_absolute_url()
        for url in [
            "/",
            "/articles/known/",
            "/category/known/",
            "/tag/known/",
            author,
            "/archive/2026/3/",
            "/search/",
            "/robots.txt",
            "/healthz",
            "/readyz",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url).status_code, 405)

    def test_head_requests_are_answered(self):
        for url in ["/", "/articles/known/", "/search/?q=x", "/healthz"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.head(url).status_code, 200)


class QueryBudgetTests(TestCase):
    """Every public page makes a fixed number of queries, however many articles it shows."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(display_name="Budget Author")
        cls.category = make_category(slug="budget")

    def make_articles(self, count: int):
        for n in range(count):
            make_article(
                author=self.author,
                category=self.category,
                title=f"Budget walrus {n}",
                tags=["Budget", f"Extra {n}"],
                published_at=PUBLISHED_AT + datetime.timedelta(hours=n),
            )

    def assertQueries(self, n: int, url: str):
        """The page makes n queries with 1 article, and still n with 15."""
        for count in [1, 14]:
            self.make_articles(count)
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            with self.subTest(articles=count, url=url), self.assertNumQueries(n):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)

    def test_home(self):
        # count, articles with author and category, their tags
        self.assertQueries(3, "/")

    def test_category(self):
        # category, count, articles, their tags
        self.assertQueries(4, "/category/budget/")

    def test_tag(self):
        # tag, count, articles, their tags
        self.assertQueries(4, "/tag/budget/")

    def test_archive(self):
        # count, articles, their tags
        self.assertQueries(3, "/archive/2026/3/")

    def test_search(self):
        # count, articles, their tags
        self.assertQueries(3, "/search/?q=walrus")

    def test_article(self):
        article = make_article(
            author=self.author,
            category=self.category,
            slug="budget-article",
            tags=[f"Tag {n}" for n in range(15)],
        )
        SiteSettings.load()  # from the cache, as on every page but a worker's first
        # article with author and category, its tags, previous, next, its approved comments
        with self.assertNumQueries(5):
            response = self.client.get(article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["tags"]), 15)


class ContentSecurityPolicyTests(TestCase):
    """Pages hold no inline script or style, so that the strict policy never blocks them."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet", telegram_url="https://t.me/x")
        author = make_editor(slug="csp", bio="Bio.", accepts_contact=True, website="https://x.org")
        make_article(
            author=author, slug="csp", category=make_category(slug="csp"), tags=["CSP"],
            published_at=PUBLISHED_AT,
        )  # fmt: skip

    def test_public_pages_have_no_inline_script_or_style(self):
        urls = ["/", "/articles/csp/", "/category/csp/", "/tag/csp/", "/author/csp/",
                "/author/csp/contact/", "/archive/2026/3/", "/search/?q=csp",
                "/nowhere/"]  # fmt: skip
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                html = response.content.decode()
                self.assertIn("script-src 'self'", response["Content-Security-Policy"])
                self.assertNotRegex(html, r"\sstyle=")
                self.assertNotRegex(html, r"\son[a-z]+=")
                self.assertNotIn("<style", html)
                for script in re.findall(r"<script\b[^>]*>", html):
                    self.assertRegex(script, r'type="application/ld\+json"|\ssrc=')


class HealthTests(TestCase):
    def test_healthz_answers_without_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-cache", response["Cache-Control"])

    def test_readyz_answers_200_when_the_database_does(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "up"})
        self.assertIn("no-cache", response["Cache-Control"])

    def test_readyz_answers_503_when_the_database_does_not(self):
        with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable", "database": "down"})


class RobotsTxtTests(TestCase):
    def test_it_points_to_the_sitemap_and_keeps_robots_out_of_search_and_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("User-agent: *", lines)
        self.assertIn("Disallow: /admin/", lines)
        self.assertIn("Disallow: /search/", lines)
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)


class ErrorPageTests(TestCase):
    def test_the_404_page_uses_the_site_design(self):
        SiteSettings.objects.create(site_name="Le Carnet")
        response = self.client.get("/articles/nowhere/")
        self.assertEqual(response.status_code, 404)
        self.assertTemplateUsed(response, "404.html")
        self.assertTemplateUsed(response, "base.html")
        self.assertContains(response, "Le Carnet", status_code=404)
        self.assertContains(response, 'name="robots" content="noindex"', status_code=404)

    def test_the_500_page_renders_without_the_database(self):
        request = RequestFactory().get("/")
        with self.assertNumQueries(0):
            response = server_error(request)
        self.assertEqual(response.status_code, 500)
        self.assertIn(b'<main id="main"', response.content)
        self.assertIn(b'href="/"', response.content)
        self.assertIn(b"/static/css/carnet.css", response.content)
