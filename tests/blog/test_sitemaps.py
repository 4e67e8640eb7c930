import xml.etree.ElementTree as ET

from django.test import TestCase
from django.utils import timezone

from tests.base import make_article, make_category, make_draft, make_editor, make_scheduled

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

    def locations(self) -> list[str]:
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        root = ET.fromstring(response.content)
        return [loc.text for loc in root.findall("s:url/s:loc", NS)]

    def test_it_lists_the_home_page_articles_categories_tags_and_authors(self):
        self.assertEqual(
            self.locations(),
            [
                "http://testserver/",
                "http://testserver/articles/visible/",
                "http://testserver/category/science/",
                "http://testserver/tag/climat/",
                "http://testserver/author/amina/",
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

    def test_it_lists_each_category_tag_and_author_once(self):
        make_article(author=self.author, category=self.category, tags=["Climat"])
        locations = self.locations()
        self.assertEqual(len(locations), len(set(locations)))
        self.assertEqual(len(locations), 6)

    def test_articles_have_their_update_time(self):
        root = ET.fromstring(self.client.get("/sitemap.xml").content)
        article = root.find("s:url[s:loc='http://testserver/articles/visible/']", NS)
        self.assertEqual(
            article.findtext("s:lastmod", namespaces=NS),
            f"{timezone.localtime(self.article.updated_at):%Y-%m-%d}",
        )

    def test_a_categorys_last_change_is_its_newest_published_article(self):
        # The scheduled and draft articles in the category must not date it.
        make_scheduled(author=self.author, category=self.category)
        make_draft(author=self.author, category=self.category, published_at=timezone.now())
        root = ET.fromstring(self.client.get("/sitemap.xml").content)
        category = root.find("s:url[s:loc='http://testserver/category/science/']", NS)
        self.assertEqual(
            category.findtext("s:lastmod", namespaces=NS),
            f"{timezone.localtime(self.article.published_at):%Y-%m-%d}",
        )

    def test_its_query_count_does_not_grow_with_the_articles(self):
        for count in [1, 14]:
            for n in range(count):
                make_article(
                    author=make_editor(),
                    category=make_category(),
                    tags=[f"Tag {count}-{n}", f"Other {count}-{n}"],
                )
            # For each of articles, categories, tags and authors: count, then the page.
            with self.subTest(articles=count), self.assertNumQueries(8):
                self.assertEqual(self.client.get("/sitemap.xml").status_code, 200)
