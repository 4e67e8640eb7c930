import datetime
import xml.etree.ElementTree as ET
from unittest import mock

from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.test import RequestFactory, TestCase, override_settings
from django.utils import timezone
from django.utils.http import http_date

from blog.models import Article
from blog.sitemaps import SITEMAPS, ArticleSitemap, AuthorSitemap
from tests.base import (
    make_article,
    make_category,
    make_draft,
    make_editor,
    make_scheduled,
    make_superuser,
    sign_in,
)

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_editor(slug="amina")
        cls.category = make_category(slug="science")
        cls.article = make_article(
            author=cls.author, slug="visible", category=cls.category, tags=["Climat"]
        )
        # Only unpublished articles: their author, category and tag stay out of the sitemap.
        hidden = {"author": make_editor(slug="hidden-author")}
        hidden["category"] = make_category(slug="hidden-category")
        make_draft(slug="a-draft", tags=["Hidden tag"], **hidden)
        make_scheduled(slug="a-scheduled-one", tags=["Hidden tag"], **hidden)

    def get_xml(self, url: str) -> ET.Element:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        return ET.fromstring(response.content)

    def pages(self) -> list[str]:
        """The sitemap pages /sitemap.xml, the index, points to, as paths."""
        root = self.get_xml("/sitemap.xml")
        return [
            loc.text.removeprefix("http://testserver")
            for loc in root.findall("s:sitemap/s:loc", NS)
        ]

    def locations(self) -> list[str]:
        """Every URL of every page of the index, in its order, but the news sitemaps'
        (the newest articles again, for Google News: test_news_sitemap.py)."""
        return [
            loc.text
            for page in self.pages()
            if not page.startswith("/sitemap-news-")
            for loc in self.get_xml(page).findall("s:url/s:loc", NS)
        ]

    def entry(self, url: str) -> ET.Element:
        for page in self.pages():
            found = self.get_xml(page).find(f"s:url[s:loc='{url}']", NS)
            if found is not None:
                return found
        self.fail(f"{url} is in no sitemap page")

    def test_the_index_points_to_one_page_per_section(self):
        self.assertEqual(
            self.pages(),
            [
                "/sitemap-home.xml",
                "/sitemap-articles.xml",
                "/sitemap-categories.xml",
                "/sitemap-tags.xml",
                "/sitemap-authors.xml",
                "/sitemap-pages.xml",
                "/sitemap-news-fr.xml",
                "/sitemap-news-en.xml",
            ],
        )

    def test_it_lists_the_home_page_articles_categories_tags_and_authors(self):
        self.assertEqual(
            self.locations(),
            [
                "http://testserver/",
                "http://testserver/en/",
                "http://testserver/archive/",
                "http://testserver/en/archive/",
                "http://testserver/tag/",
                "http://testserver/en/tag/",
                "http://testserver/corrections/",
                "http://testserver/en/corrections/",
                "http://testserver/articles/visible/",
                "http://testserver/category/science/",
                "http://testserver/en/category/science/",
                "http://testserver/tag/climat/",
                "http://testserver/en/tag/climat/",
                "http://testserver/author/amina/",
                "http://testserver/en/author/amina/",
            ],
        )

    def test_it_leaves_out_drafts_scheduled_articles_and_what_only_they_use(self):
        locations = "\n".join(self.locations())
        for hidden in [
            "a-draft",
            "a-scheduled-one",
            "hidden-category",
            "hidden-tag",
            "hidden-author",
        ]:
            with self.subTest(hidden=hidden):
                self.assertNotIn(hidden, locations)

    def test_it_leaves_out_deactivated_authors_whose_page_is_gone(self):
        make_article(author=make_editor(slug="gone", is_active=False), slug="by-gone")
        locations = self.locations()
        self.assertIn("http://testserver/articles/by-gone/", locations)
        self.assertNotIn("http://testserver/author/gone/", locations)
        self.assertEqual(self.client.get("/author/gone/").status_code, 404)

    def test_a_deactivated_author_leaves_the_kept_authors_page_at_once(self):
        # The page cache keeps the first answer (anonymous reads, as in production).
        self.assertIn(b"/author/amina/", self.client.get("/sitemap-authors.xml").content)
        self.author.is_active = False
        self.author.save()
        self.assertNotIn(b"/author/amina/", self.client.get("/sitemap-authors.xml").content)

    def test_a_renamed_tag_changes_the_kept_tags_page_at_once(self):
        self.assertIn(b"/tag/climat/", self.client.get("/sitemap-tags.xml").content)
        superuser = make_superuser()
        sign_in(self.client, superuser)
        tag = self.article.tags.get()
        response = self.client.post(
            f"/admin/taggit/tag/{tag.pk}/change/", {"name": "Climat", "slug": "le-climat"}
        )
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.client.cookies.clear()
        content = self.client.get("/sitemap-tags.xml").content
        self.assertIn(b"/tag/le-climat/", content)
        self.assertNotIn(b"/tag/climat/", content)

    def test_it_lists_each_category_tag_and_author_once(self):
        make_article(author=self.author, category=self.category, tags=["Climat"])
        locations = self.locations()
        self.assertEqual(len(locations), len(set(locations)))
        self.assertEqual(len(locations), 16)  # the article, the rest in each edition

    def test_each_editions_list_pages_name_each_other(self):
        category = self.entry("http://testserver/en/category/science/")
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in category.findall("{http://www.w3.org/1999/xhtml}link")
        }
        self.assertEqual(
            alternates,
            {
                "fr": "http://testserver/category/science/",
                "en": "http://testserver/en/category/science/",
                "x-default": "http://testserver/category/science/",
            },
        )

    def test_an_article_is_listed_once_in_its_own_edition(self):
        make_article(author=self.author, slug="in-english", language="en")
        locations = self.locations()
        self.assertIn("http://testserver/en/articles/in-english/", locations)
        self.assertNotIn("http://testserver/articles/in-english/", locations)

    def test_articles_have_their_update_time(self):
        article = self.entry("http://testserver/articles/visible/")
        self.assertEqual(
            article.findtext("s:lastmod", namespaces=NS),
            f"{timezone.localtime(self.article.updated_at):%Y-%m-%d}",
        )

    def test_a_categorys_last_change_is_its_newest_published_article(self):
        # The scheduled and draft articles in the category must not date it.
        make_scheduled(author=self.author, category=self.category)
        make_draft(author=self.author, category=self.category, published_at=timezone.now())
        category = self.entry("http://testserver/category/science/")
        self.assertEqual(
            category.findtext("s:lastmod", namespaces=NS),
            f"{timezone.localtime(self.article.published_at):%Y-%m-%d}",
        )

    def test_the_index_dates_the_articles_by_their_latest_change(self):
        make_draft(author=self.author, published_at=timezone.now())  # changed later, unseen
        root = self.get_xml("/sitemap.xml")
        articles = root.find("s:sitemap[s:loc='http://testserver/sitemap-articles.xml']", NS)
        self.assertEqual(
            articles.findtext("s:lastmod", namespaces=NS),
            timezone.localtime(self.article.updated_at).isoformat(),
        )

    def test_its_query_count_does_not_grow_with_the_articles(self):
        for count in [1, 14]:
            for n in range(count):
                make_article(
                    author=make_editor(),
                    category=make_category(),
                    tags=[f"Tag {count}-{n}", f"Other {count}-{n}"],
                )
            # Articles: count, latest change; categories: count, the page (for its
            # lastmod); tags and authors: count; pages: the few of them (for their latest
            # change), count.
            with self.subTest(articles=count, page="index"), self.assertNumQueries(8):
                self.assertEqual(self.client.get("/sitemap.xml").status_code, 200)
            # The page, its keys in a subquery: no count.
            with self.subTest(articles=count, page="articles"), self.assertNumQueries(1):
                self.assertEqual(self.client.get("/sitemap-articles.xml").status_code, 200)


class SitemapPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = make_editor()
        cls.published = {
            f"http://testserver/articles/{make_article(author=author).slug}/" for _ in range(7)
        }
        make_draft(author=author, slug="a-draft")
        make_scheduled(author=author, slug="a-scheduled-one")

    def test_every_published_article_is_on_exactly_one_page(self):
        with mock.patch.object(ArticleSitemap, "limit", 3):
            index = ET.fromstring(self.client.get("/sitemap.xml").content)
            pages = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
            articles = [page for page in pages if "/sitemap-articles.xml" in page]
            self.assertEqual(
                articles,
                [
                    "http://testserver/sitemap-articles.xml",
                    "http://testserver/sitemap-articles.xml?p=2",
                    "http://testserver/sitemap-articles.xml?p=3",
                ],
            )
            listed = []
            for page in articles:
                response = self.client.get(page.removeprefix("http://testserver"))
                self.assertEqual(response.status_code, 200)
                root = ET.fromstring(response.content)
                locations = [loc.text for loc in root.findall("s:url/s:loc", NS)]
                self.assertLessEqual(len(locations), 3)
                listed += locations
        self.assertEqual(len(listed), len(set(listed)))
        self.assertEqual(set(listed), self.published)

    def test_a_page_past_the_last_is_404(self):
        with mock.patch.object(ArticleSitemap, "limit", 3):
            self.assertEqual(self.client.get("/sitemap-articles.xml?p=4").status_code, 404)
        self.assertEqual(self.client.get("/sitemap-nowhere.xml").status_code, 404)

    def test_robots_txt_names_the_index(self):
        self.assertContains(
            self.client.get("/robots.txt"), "Sitemap: http://testserver/sitemap.xml\n"
        )


class DjangosArticleSitemap(ArticleSitemap):
    """The articles' pages as Django's sitemap view and template write them (as Carnet
    did before ArticleSitemap.page_xml()): what page_xml() must equal, byte for byte."""

    def items(self):
        return super().items().select_related("translation")

    def location(self, item: Article) -> str:
        return item.language_path()

    def lastmod(self, item: Article):
        return item.updated_at

    @property
    def paginator(self) -> Paginator:
        return Paginator(self.items(), self.limit)

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        urls = super().get_urls(page, site, protocol)
        protocol, domain = self.get_protocol(protocol), self.get_domain(site)
        for url in urls:
            paths = url["item"].language_paths()
            if paths:
                url["alternates"] = [
                    {"lang_code": code, "location": f"{protocol}://{domain}{path}"}
                    for code, path in paths.items()
                ]
        return urls


@override_settings(CARNET_PAGE_CACHE=False)  # the counts kept as a fragment, not the page
class IndexPagesKeptTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_editor()
        cls.articles = [make_article(author=cls.author) for _ in range(3)]

    def article_pages(self) -> list[str]:
        index = ET.fromstring(self.client.get("/sitemap.xml").content)
        return [
            loc.text
            for loc in index.findall("s:sitemap/s:loc", NS)
            if "/sitemap-articles.xml" in loc.text
        ]

    def test_the_index_reads_its_sections_once_until_one_changes(self):
        with mock.patch.object(ArticleSitemap, "limit", 1):
            self.assertEqual(len(self.article_pages()), 3)
            # The sections' pages and latest changes are kept.
            with self.assertNumQueries(0):
                self.assertEqual(len(self.article_pages()), 3)

    def test_a_changed_article_dates_the_index_at_once(self):
        self.client.get("/sitemap.xml")
        article = self.articles[0]
        article.title = "Corrected"
        article.save()
        article.refresh_from_db()
        index = ET.fromstring(self.client.get("/sitemap.xml").content)
        articles = index.find("s:sitemap[s:loc='http://testserver/sitemap-articles.xml']", NS)
        self.assertEqual(
            articles.findtext("s:lastmod", namespaces=NS),
            timezone.localtime(article.updated_at).isoformat(),
        )

    def test_a_published_article_is_in_the_index_and_its_page_at_once(self):
        with mock.patch.object(ArticleSitemap, "limit", 1):
            self.article_pages()
            article = make_article(author=self.author, slug="just-published")
            pages = self.article_pages()
            self.assertEqual(len(pages), 4)
            last = self.client.get(pages[-1].removeprefix("http://testserver")).content
            self.assertIn(b"<loc>http://testserver/articles/just-published/</loc>", last)
            article.status = Article.Status.DRAFT
            article.save()
            self.assertEqual(len(self.article_pages()), 3)

    def test_an_articles_page_is_read_once_until_an_article_changes(self):
        first = self.client.get("/sitemap-articles.xml")
        # Its URLs and their latest change are kept.
        with self.assertNumQueries(0):
            again = self.client.get("/sitemap-articles.xml")
        self.assertEqual(again.content, first.content)
        self.assertEqual(again["Last-Modified"], first["Last-Modified"])
        article = self.articles[0]
        article.slug = "renamed"
        article.save()
        changed = self.client.get("/sitemap-articles.xml")
        self.assertIn(b"<loc>http://testserver/articles/renamed/</loc>", changed.content)
        self.assertEqual(changed["Last-Modified"], http_date(article.updated_at.timestamp()))

    def test_the_other_sections_are_djangos_bytes_read_once_until_they_change(self):
        make_article(author=self.author, category=make_category(), tags=["Climat"])
        for section in ["home", "categories", "tags", "authors", "pages"]:
            with self.subTest(section=section):
                path = f"/sitemap-{section}.xml"
                first = self.client.get(path)
                # Its XML and Last-Modified are kept.
                with self.assertNumQueries(0):
                    again = self.client.get(path)
                expected = sitemap_views.sitemap(RequestFactory().get(path), SITEMAPS, section)
                expected.render()
                for response in [first, again]:
                    self.assertEqual(response.content.decode(), expected.content.decode())
                    for header in ["Content-Type", "Last-Modified", "X-Robots-Tag"]:
                        self.assertEqual(response.get(header), expected.get(header))
        author_page = f"/author/{self.author.slug}/".encode()
        self.assertIn(author_page, self.client.get("/sitemap-authors.xml").content)
        self.author.is_active = False
        self.author.save()
        self.assertNotIn(author_page, self.client.get("/sitemap-authors.xml").content)

    def test_a_sections_page_past_the_last_is_404_and_kept_as_none(self):
        for _ in range(2):
            self.assertEqual(self.client.get("/sitemap-tags.xml?p=2").status_code, 404)

    def test_a_translation_published_names_its_original_on_the_kept_page_at_once(self):
        self.client.get("/sitemap-articles.xml")
        self.assertNotIn(b'hreflang="en"', self.client.get("/sitemap-articles.xml").content)
        draft = make_draft(author=self.author, language="en", slug="in-english")
        draft.translation = self.articles[0]
        draft.save()
        self.assertNotIn(b'hreflang="en"', self.client.get("/sitemap-articles.xml").content)
        draft.status = Article.Status.PUBLISHED
        draft.save()
        self.assertIn(b'hreflang="en"', self.client.get("/sitemap-articles.xml").content)

    def test_a_deactivated_authors_page_leaves_the_index_at_once(self):
        pages = []
        with mock.patch.object(AuthorSitemap, "limit", 1):
            for _ in range(2):
                pages.append(self.client.get("/sitemap.xml").content.count(b"sitemap-authors"))
                self.author.is_active = False
                self.author.save()
        # The author in each edition, one a page; then the first page alone, empty.
        self.assertEqual(pages, [2, 1])

    def test_the_index_is_the_bytes_djangos_index_view_wrote(self):
        make_article(author=self.author, category=make_category(), tags=["Climat"])
        with mock.patch.object(ArticleSitemap, "limit", 2):
            response = self.client.get("/sitemap.xml")
            expected = sitemap_views.index(RequestFactory().get("/sitemap.xml"), SITEMAPS)
            expected.render()
        self.assertEqual(response.content.decode(), expected.content.decode())
        self.assertIn("sitemap-articles.xml?p=2", response.content.decode())
        for header in ["Content-Type", "X-Robots-Tag", "Last-Modified"]:
            self.assertEqual(response.get(header), expected.get(header))


class ArticlePagesBytesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = make_editor()
        # Late in the evening in UTC: the next day in Paris, the date the sitemap gives.
        evening = datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC)
        make_article(author=author, slug="alone")
        french = make_article(author=author, slug="elections-au-sahel")
        english = make_article(author=author, slug="sahel-elections", language="en")
        french.translation = english
        french.save()
        make_article(author=author, slug="only-in-english", language="en")
        # Its translation is a draft: no alternates, on either side.
        draft = make_draft(author=author, slug="brouillon")
        translated = make_article(author=author, slug="translated-later", language="en")
        translated.translation = draft
        translated.save()
        make_scheduled(author=author, slug="a-scheduled-one")
        for n in range(4):
            make_article(author=author, slug=f"more-{n}")
        Article.objects.filter(slug="alone").update(updated_at=evening)

    def test_its_pages_are_the_bytes_djangos_sitemap_view_wrote(self):
        with mock.patch.object(ArticleSitemap, "limit", 3):
            for query in ["", "?p=1", "?p=2", "?p=3"]:
                with self.subTest(query=query):
                    response = self.client.get(f"/sitemap-articles.xml{query}")
                    request = RequestFactory().get(f"/sitemap-articles.xml{query}")
                    expected = sitemap_views.sitemap(
                        request, {**SITEMAPS, "articles": DjangosArticleSitemap}, "articles"
                    ).render()
                    self.assertEqual(response.content.decode(), expected.content.decode())
                    for header in ["Content-Type", "Last-Modified", "X-Robots-Tag"]:
                        self.assertEqual(response[header], expected[header])
            self.assertIn(b"2026-03-15", self.client.get("/sitemap-articles.xml").content)
            self.assertIn(b'hreflang="en"', self.client.get("/sitemap-articles.xml").content)

    def test_a_page_that_is_not_a_number_or_past_the_last_is_404(self):
        with mock.patch.object(ArticleSitemap, "limit", 3):
            # Past what an SQL OFFSET holds (a 64-bit integer) too: a 404, not a 500.
            for page in ["4", "0", "-1", "two", "", "9223372036854775808", "9" * 30]:
                with self.subTest(page=page):
                    response = self.client.get(f"/sitemap-articles.xml?p={page}")
                    self.assertEqual(response.status_code, 404)
