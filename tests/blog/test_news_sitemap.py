"""The Google News sitemaps: one per edition, the last 48 hours' articles in Google's
news format (https://www.google.com/schemas/sitemap-news/0.9/sitemap-news.xsd)."""

import datetime
import re
import time
import xml.etree.ElementTree as ET
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import make_article, make_contributor, make_draft, make_editor, make_scheduled
from tests.blog.test_admin import article_form_data

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# The schema's W3C datetime: a date, or a date and time to the minute or second (a
# fraction allowed) with its zone.
W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?")
# The schema's language: ISO 639 in two or three letters, or zh-cn / zh-tw.
LANGUAGE = re.compile(r"zh-cn|zh-tw|[a-z]{2,3}")


def ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


class NewsSitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.update_or_create(pk=1, defaults={"site_name": "Le Carnet"})
        cls.author = make_editor()
        make_article(
            author=cls.author, slug="this-morning", title="Ce matin", published_at=ago(hours=2)
        )
        make_article(
            author=cls.author, slug="two-days", title="Avant-hier", published_at=ago(hours=47)
        )
        make_article(author=cls.author, slug="too-old", published_at=ago(hours=49))
        make_article(
            author=cls.author, slug="in-english", language="en", published_at=ago(hours=1)
        )
        make_article(
            author=cls.author,
            slug="sponsored",
            published_at=ago(hours=3),
            exclude_from_google_news=True,
        )
        make_draft(author=cls.author, slug="a-draft", published_at=ago(hours=1))
        make_scheduled(author=cls.author, slug="a-scheduled-one")

    def get_xml(self, url: str) -> ET.Element:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/xml")
        return ET.fromstring(response.content)

    def locations(self, url: str) -> list[str]:
        return [loc.text for loc in self.get_xml(url).iter(f"{SITEMAP}loc")]

    def assert_news_shape(self, root: ET.Element) -> None:
        """The schema's shape: <urlset> of <url>s, each a <loc> then one <news:news> of
        <news:publication> (<news:name>, <news:language>), <news:publication_date> and
        <news:title>, in that order; at most 1,000 of them."""
        self.assertEqual(root.tag, f"{SITEMAP}urlset")
        self.assertLessEqual(len(root), 1000)
        for url in root:
            self.assertEqual([child.tag for child in url], [f"{SITEMAP}loc", f"{NEWS}news"])
            news = url[1]
            self.assertEqual(
                [child.tag for child in news],
                [f"{NEWS}publication", f"{NEWS}publication_date", f"{NEWS}title"],
            )
            publication = news[0]
            self.assertEqual(
                [child.tag for child in publication], [f"{NEWS}name", f"{NEWS}language"]
            )
            self.assertTrue(publication[0].text)
            self.assertRegex(publication[1].text, rf"^(?:{LANGUAGE.pattern})$")
            self.assertRegex(news[1].text, rf"^(?:{W3C_DATETIME.pattern})$")
            self.assertTrue(news[2].text)

    def test_the_index_lists_each_editions_news_sitemap(self):
        index = self.locations("/sitemap.xml")
        self.assertIn("http://testserver/sitemap-news-fr.xml", index)
        self.assertIn("http://testserver/sitemap-news-en.xml", index)

    def test_it_holds_exactly_the_last_48_hours_published_articles_of_its_edition(self):
        self.assertEqual(
            self.locations("/sitemap-news-fr.xml"),
            ["http://testserver/articles/this-morning/", "http://testserver/articles/two-days/"],
        )

    def test_each_edition_lists_its_own_in_its_language(self):
        root = self.get_xml("/sitemap-news-en.xml")
        self.assert_news_shape(root)
        self.assertEqual(
            [loc.text for loc in root.iter(f"{SITEMAP}loc")],
            ["http://testserver/en/articles/in-english/"],
        )
        self.assertEqual(root.findtext(f".//{NEWS}language"), "en")

    def test_it_has_googles_news_shape(self):
        root = self.get_xml("/sitemap-news-fr.xml")
        self.assert_news_shape(root)
        first = root[0]
        self.assertEqual(first.findtext(f".//{NEWS}name"), "Le Carnet")
        self.assertEqual(first.findtext(f".//{NEWS}language"), "fr")
        self.assertEqual(first.findtext(f".//{NEWS}title"), "Ce matin")
        published = Article.objects.get(slug="this-morning").published_at
        self.assertEqual(
            first.findtext(f".//{NEWS}publication_date"),
            timezone.localtime(published).isoformat(timespec="seconds"),
        )

    def test_a_control_character_in_a_title_or_the_site_name_leaves_well_formed_xml(self):
        # A vertical tab pasted from a word processor: XML 1.0 cannot carry it.
        # Dated: make_article's default date moves back a minute with each article the
        # process made before, out of the 48 hours after a few thousand.
        make_article(slug="pasted", title="Coll\x0bé\x01", published_at=ago(hours=1))
        site = SiteSettings.load()
        site.site_name = "Le\x0c Carnet"
        site.save()
        root = self.get_xml("/sitemap-news-fr.xml")
        self.assertIn("Collé", [url.findtext(f".//{NEWS}title") for url in root])
        self.assertEqual(root[0].findtext(f".//{NEWS}name"), "Le Carnet")

    def test_an_article_excluded_from_google_news_is_still_in_the_sitemap(self):
        self.assertNotIn(
            "http://testserver/articles/sponsored/", self.locations("/sitemap-news-fr.xml")
        )
        self.assertIn(
            "http://testserver/articles/sponsored/", self.locations("/sitemap-articles.xml")
        )

    def test_it_lists_the_newest_thousand(self):
        Article.objects.bulk_create(
            Article(
                title=f"Dépêche {n}",
                slug=f"wire-{n}",
                body="<p>Dépêche.</p>",
                author=self.author,
                status=Article.Status.PUBLISHED,
                published_at=ago(seconds=n + 1),
            )
            for n in range(1001)
        )
        root = self.get_xml("/sitemap-news-fr.xml")
        self.assert_news_shape(root)
        self.assertEqual(len(root), 1000)
        self.assertEqual(root[0][0].text, "http://testserver/articles/wire-0/")
        self.assertEqual(root[-1][0].text, "http://testserver/articles/wire-999/")

    def test_its_query_count_does_not_grow_with_the_articles(self):
        SiteSettings.load()
        for n in range(5):
            make_article(author=self.author, published_at=ago(minutes=n))
        # The page (never counted: it is one).
        with self.assertNumQueries(1):
            self.get_xml("/sitemap-news-fr.xml")
        self.assertEqual(self.client.get("/sitemap-news-fr.xml?p=2").status_code, 404)


class NewsSitemapCacheTests(TestCase):
    """Kept by the page cache until a publication changes it, or its oldest article
    leaves the 48 hours."""

    @classmethod
    def setUpTestData(cls):
        cls.author = make_editor()
        cls.leaving = make_article(
            author=cls.author, slug="leaving", published_at=ago(hours=48, seconds=-20)
        )

    def test_publishing_forgets_the_kept_copy(self):
        for _ in range(2):  # the first creates the site's settings, a change to every page
            self.assertNotContains(self.client.get("/sitemap-news-fr.xml"), "just-out")
        self.assertEqual(self.client.get("/sitemap-news-fr.xml")["Cache-Status"], "Carnet; hit")
        make_article(author=self.author, slug="just-out", published_at=ago(minutes=1))
        self.assertContains(self.client.get("/sitemap-news-fr.xml"), "just-out")

    def test_excluding_an_article_takes_it_out_at_once(self):
        self.assertContains(self.client.get("/sitemap-news-fr.xml"), "leaving")
        self.leaving.exclude_from_google_news = True
        self.leaving.save()
        self.assertNotContains(self.client.get("/sitemap-news-fr.xml"), "leaving")

    @override_settings(CARNET_PURGE_URL="http://127.0.0.1:6081/")
    def test_it_is_kept_no_longer_than_its_oldest_article_stays(self):
        response = self.client.get("/sitemap-news-fr.xml")
        self.assertContains(response, "leaving")
        cache_control = dict(
            (part.split("=") + [""])[:2] for part in response["Cache-Control"].split(", ")
        )
        self.assertLessEqual(int(cache_control["max-age"]), 20)
        self.assertLessEqual(int(cache_control["s-maxage"]), 20)

    def test_carnet_renders_it_again_once_its_oldest_article_has_left(self):
        for _ in range(2):  # the first creates the site's settings, a change to every page
            self.client.get("/sitemap-news-fr.xml")
        self.assertEqual(self.client.get("/sitemap-news-fr.xml")["Cache-Status"], "Carnet; hit")
        with mock.patch("time.time", return_value=time.time() + 30):
            response = self.client.get("/sitemap-news-fr.xml")
        self.assertEqual(response["Cache-Status"], "Carnet; fwd=stale; stored")

    def test_an_empty_one_is_kept_until_a_publication(self):
        self.leaving.delete()
        for _ in range(2):
            self.client.get("/sitemap-news-en.xml")
        response = self.client.get("/sitemap-news-en.xml")
        self.assertEqual(response["Cache-Status"], "Carnet; hit")
        self.assertIn("max-age=60", response["Cache-Control"])


class ExcludeFromGoogleNewsAdminTests(TestCase):
    """Editors set it in the article's form; a contributor, who cannot publish, reads it."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.contributor = make_contributor()
        cls.article = make_article(
            author=cls.editor, slug="press-release", published_at=ago(hours=1)
        )
        cls.draft = make_draft(author=cls.contributor, slug="contributed")

    def test_an_editor_excludes_an_article_from_google_news(self):
        self.client.force_login(self.editor)
        url = f"/admin/blog/article/{self.article.pk}/change/"
        self.assertContains(self.client.get(url), 'name="exclude_from_google_news"')
        response = self.client.post(
            url,
            article_form_data(slug="press-release", exclude_from_google_news="on"),
        )
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertTrue(self.article.exclude_from_google_news)
        self.assertNotContains(self.client.get("/sitemap-news-fr.xml"), "press-release")

    def test_a_contributor_cannot_change_it(self):
        self.client.force_login(self.contributor)
        url = f"/admin/blog/article/{self.draft.pk}/change/"
        self.assertNotContains(self.client.get(url), 'name="exclude_from_google_news"')
        self.client.post(
            url,
            article_form_data(slug="contributed", status="draft", exclude_from_google_news="on"),
        )
        self.draft.refresh_from_db()
        self.assertFalse(self.draft.exclude_from_google_news)
