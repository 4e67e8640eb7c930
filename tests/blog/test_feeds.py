import datetime
import xml.etree.ElementTree as ET

from django.test import TestCase, override_settings
from django.utils import timezone

from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_draft, make_editor, make_scheduled

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


class FeedTestCase(TestCase):
    def get_xml(self, url: str) -> ET.Element:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return ET.fromstring(response.content)

    def rss_titles(self, url: str) -> list[str]:
        return [item.findtext("title") for item in self.get_xml(url).iter("item")]

    def atom_titles(self, url: str) -> list[str]:
        return [entry.findtext(f"{ATOM}title") for entry in self.get_xml(url).iter(f"{ATOM}entry")]


class SiteFeedTests(FeedTestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet", tagline="Analyses")
        cls.author = make_editor(display_name="Amina Diallo", slug="amina-diallo")
        cls.category = make_category(name="International", slug="international")
        now = timezone.now()
        cls.older = make_article(
            author=cls.author,
            title="Older",
            slug="older",
            published_at=now - datetime.timedelta(days=2),
        )
        cls.newer = make_article(
            author=cls.author,
            title="Newer",
            slug="newer",
            body="<p>Body <script>alert(1)</script>text.</p>",
            category=cls.category,
            tags=["Russie"],
            published_at=now - datetime.timedelta(days=1),
        )
        make_draft(author=cls.author, title="A draft")
        make_scheduled(author=cls.author, title="A scheduled one")

    def test_the_rss_feed_lists_published_articles_newest_first(self):
        self.assertEqual(self.rss_titles("/feed/"), ["Newer", "Older"])

    def test_the_rss_feed_describes_the_site(self):
        response = self.client.get("/feed/")
        self.assertEqual(response["Content-Type"], "application/rss+xml; charset=utf-8")
        channel = ET.fromstring(response.content).find("channel")
        self.assertEqual(channel.findtext("title"), "Le Carnet")
        self.assertEqual(channel.findtext("description"), "Analyses")
        self.assertEqual(channel.findtext("link"), "http://testserver/")

    def test_an_rss_item_has_the_article_link_body_author_and_categories(self):
        item = next(self.get_xml("/feed/").iter("item"))
        self.assertEqual(item.findtext("link"), "http://testserver/articles/newer/")
        self.assertEqual(item.findtext("guid"), "http://testserver/articles/newer/")
        self.assertEqual(item.findtext("description"), "<p>Body text.</p>")
        self.assertEqual(item.findtext(f"{DC}creator"), "Amina Diallo")
        self.assertEqual([c.text for c in item.findall("category")], ["International", "Russie"])
        self.assertTrue(item.findtext("pubDate"))

    def test_the_atom_feed_lists_published_articles_newest_first(self):
        response = self.client.get("/feed/atom/")
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        self.assertEqual(self.atom_titles("/feed/atom/"), ["Newer", "Older"])

    def test_an_atom_entry_has_the_article_link_author_and_dates(self):
        feed = self.get_xml("/feed/atom/")
        self.assertEqual(feed.findtext(f"{ATOM}title"), "Le Carnet")
        self.assertEqual(feed.findtext(f"{ATOM}subtitle"), "Analyses")
        entry = next(feed.iter(f"{ATOM}entry"))
        self.assertEqual(
            entry.find(f"{ATOM}link").get("href"), "http://testserver/articles/newer/"
        )
        author = entry.find(f"{ATOM}author")
        self.assertEqual(author.findtext(f"{ATOM}name"), "Amina Diallo")
        self.assertEqual(author.findtext(f"{ATOM}uri"), "http://testserver/author/amina-diallo/")
        self.assertTrue(entry.findtext(f"{ATOM}published"))
        self.assertTrue(entry.findtext(f"{ATOM}updated"))

    def test_feeds_never_show_the_authors_email(self):
        for url in ["/feed/", "/feed/atom/", "/author/amina-diallo/feed/"]:
            with self.subTest(url=url):
                self.assertNotContains(self.client.get(url), self.author.email)

    def test_feeds_hold_at_most_20_articles(self):
        for n in range(21):
            make_article(author=self.author, title=f"Many {n}")
        self.assertEqual(len(self.rss_titles("/feed/")), 20)
        self.assertEqual(len(self.atom_titles("/feed/atom/")), 20)

    def test_an_empty_site_has_an_empty_feed(self):
        SiteSettings.objects.update(tagline="")
        for article in [self.older, self.newer]:
            article.delete()
        self.assertEqual(self.rss_titles("/feed/"), [])
        self.assertEqual(self.atom_titles("/feed/atom/"), [])


class ControlCharacterTests(FeedTestCase):
    def test_control_characters_do_not_break_the_feeds(self):
        # A title pasted from a word processor may hold a vertical tab (\x0b).
        SiteSettings.objects.create(site_name="Le\x07 Carnet", tagline="Tag\x1bline")
        author = make_editor(display_name="Amina\x0b Diallo", slug="amina", role="R\x01ole")
        category = make_category(name="Sci\x0bence", slug="science")
        make_article(title="Line\x0bbreak", author=author, category=category, tags=["Cli\x0cmat"])
        for url in ["/feed/", "/feed/atom/", "/category/science/feed/", "/author/amina/feed/"]:
            with self.subTest(url=url):
                root = self.get_xml(url)
                titles = [el.text for el in root.iter() if el.tag in {"title", f"{ATOM}title"}]
                self.assertIn("Linebreak", titles)
        item = next(self.get_xml("/feed/").iter("item"))
        self.assertEqual(item.findtext(f"{DC}creator"), "Amina Diallo")
        self.assertEqual([c.text for c in item.findall("category")], ["Science", "Climat"])


class HostileLinkTests(FeedTestCase):
    def test_a_feed_item_carries_no_script_address(self):
        # Feeds have no Content Security Policy: the sanitiser alone keeps these out.
        make_article(
            slug="links",
            body='<p><a href="javascript:1337">a</a><a href="vbscript:1">b</a>'
            '<a href="data:1">c</a><img src="javascript:1" alt="d">'
            '<a href="jAvAsCrIpT:alert(1)">e</a><a href=" javascript:1">f</a>'
            '<a href="java&#x09;script:1">g</a><a href="&#106;avascript:1">h</a>'
            '<a href="https://example.com/">i</a></p>',
        )
        rss = next(self.get_xml("/feed/").iter("item")).findtext("description")
        atom = next(self.get_xml("/feed/atom/").iter(f"{ATOM}entry"))
        for body in [rss, atom.findtext(f"{ATOM}summary") or atom.findtext(f"{ATOM}content")]:
            with self.subTest(body=body):
                self.assertIn('<a href="https://example.com/">i</a>', body)
                self.assertEqual(body.count("href="), 1)
                self.assertNotIn("src=", body)
                for scheme in ["javascript", "vbscript", "data", "&#"]:
                    self.assertNotIn(scheme, body.lower())


class CategoryAndAuthorFeedTests(FeedTestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        cls.author = make_editor(display_name="Marc Lefèvre", slug="marc", role="Journaliste")
        cls.category = make_category(name="Science", slug="science", description="Labs.")
        common = {"author": cls.author, "category": cls.category}
        make_article(title="Published here", **common)
        make_draft(title="Draft here", **common)
        make_scheduled(title="Scheduled here", **common)
        make_article(title="Elsewhere", category=make_category())

    def test_the_category_feed_lists_the_categorys_published_articles(self):
        self.assertEqual(self.rss_titles("/category/science/feed/"), ["Published here"])
        channel = self.get_xml("/category/science/feed/").find("channel")
        self.assertIn("Le Carnet", channel.findtext("title"))
        self.assertIn("Science", channel.findtext("title"))
        self.assertEqual(channel.findtext("description"), "Labs.")
        self.assertEqual(channel.findtext("link"), "http://testserver/category/science/")

    def test_the_author_feed_lists_the_authors_published_articles(self):
        self.assertEqual(self.rss_titles("/author/marc/feed/"), ["Published here"])
        channel = self.get_xml("/author/marc/feed/").find("channel")
        self.assertIn("Marc Lefèvre", channel.findtext("title"))
        self.assertEqual(channel.findtext("description"), "Journaliste")
        self.assertEqual(channel.findtext("link"), "http://testserver/author/marc/")

    def test_unknown_categories_and_authors_have_no_feed(self):
        self.assertEqual(self.client.get("/category/nope/feed/").status_code, 404)
        self.assertEqual(self.client.get("/author/nope/feed/").status_code, 404)

    def test_a_deactivated_author_has_no_feed_as_they_have_no_page(self):
        make_article(author=make_editor(slug="gone", is_active=False))
        self.assertEqual(self.client.get("/author/gone/").status_code, 404)
        self.assertEqual(self.client.get("/author/gone/feed/").status_code, 404)


class FeedQueryBudgetTests(FeedTestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(slug="budget")
        cls.category = make_category(slug="budget")

    def assertQueries(self, n: int, url: str):
        """The feed makes n queries with 1 tagged article, and still n with 15."""
        for count in [1, 14]:
            for i in range(count):
                make_article(
                    author=self.author, category=self.category, tags=["Budget", f"Extra {i}"]
                )
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            with self.subTest(articles=count), self.assertNumQueries(n):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)

    def test_rss(self):
        # articles; their tags (the site settings for the title and description: cached)
        self.assertQueries(2, "/feed/")

    def test_atom(self):
        # articles; their tags (the site settings: cached)
        self.assertQueries(2, "/feed/atom/")

    def test_category_feed(self):
        # category, articles, their tags (the site settings: cached)
        self.assertQueries(3, "/category/budget/feed/")

    def test_author_feed(self):
        # author, articles, their tags (the site settings: cached)
        self.assertQueries(3, "/author/budget/feed/")

    def test_tag_feed(self):
        # tag, whether a published article has it, articles, their tags (the site
        # settings: cached)
        self.assertQueries(4, "/tag/budget/feed/")


class TagFeedTests(FeedTestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        author = make_editor()
        make_article(title="Tagged", author=author, tags=["Sahel"])
        make_draft(title="Tagged draft", author=author, tags=["Sahel"])
        make_article(title="Elsewhere", author=author, tags=["Arctique"])

    def test_the_tag_feed_lists_the_tags_published_articles(self):
        for url in ["/tag/sahel/feed/", "/en/tag/sahel/feed/"]:
            with self.subTest(url=url):
                self.assertEqual(self.rss_titles(url), ["Tagged"])
        channel = self.get_xml("/tag/sahel/feed/").find("channel")
        self.assertIn("Sahel", channel.findtext("title"))
        self.assertEqual(channel.findtext("link"), "http://testserver/tag/sahel/")

    def test_the_tag_page_links_to_its_feed(self):
        response = self.client.get("/tag/sahel/")
        self.assertContains(
            response,
            '<link rel="alternate" type="application/rss+xml" title="Sahel" '
            'href="/tag/sahel/feed/">',
        )

    def test_an_unknown_tag_has_no_feed(self):
        self.assertEqual(self.client.get("/tag/nope/feed/").status_code, 404)


@override_settings(CARNET_PAGE_CACHE=False, CARNET_FRAGMENT_CACHE=True)
class KeptFeedTests(FeedTestCase):
    """A feed is kept as a fragment until what it shows changes: each of these is told."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet")
        cls.author = make_editor(display_name="Awa Ba")
        cls.category = make_category(slug="sahel", name="Sahel")
        cls.article = make_article(
            title="Kept", author=cls.author, category=cls.category, tags=["Climat"]
        )

    def setUp(self):
        self.client.get("/feed/")  # counts changes from here, nothing kept yet

    def test_it_is_read_once_with_the_same_bytes_and_headers(self):
        urls = ["/feed/", "/feed/atom/", "/en/feed/", "/category/sahel/feed/"]
        urls += ["/tag/climat/feed/", f"/author/{self.author.slug}/feed/"]
        for url in urls:
            with self.subTest(url):
                first = self.client.get(url)
                with self.assertNumQueries(0):
                    again = self.client.get(url)
                self.assertEqual(again.content, first.content)
                for header in ["Content-Type", "Last-Modified"]:
                    self.assertEqual(again[header], first[header])

    def test_a_new_article_is_in_it_at_once(self):
        self.client.get("/feed/")
        make_article(title="Fresh", author=self.author)
        self.assertEqual(self.rss_titles("/feed/"), ["Kept", "Fresh"])

    def test_a_renamed_author_and_category_are_in_it_at_once(self):
        self.client.get("/feed/")
        self.author.display_name = "Awa Ba-Diallo"
        self.author.save()
        self.assertIn(b"Awa Ba-Diallo", self.client.get("/feed/").content)
        self.category.name = "Sahel et Sahara"
        self.category.save()
        self.assertIn(b"<category>Sahel et Sahara</category>", self.client.get("/feed/").content)

    def test_an_unknown_subject_is_404_and_keeps_nothing(self):
        for _ in range(2):
            self.assertEqual(self.client.get("/tag/nope/feed/").status_code, 404)
