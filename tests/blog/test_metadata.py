"""The article page's metadata: one set of values for link previews and search engines."""

import dataclasses
import datetime
import json
import re
from unittest import mock

from django.test import RequestFactory, SimpleTestCase, TestCase
from django.utils import timezone

from accounts.models import User
from blog.models import Article, Category
from editing.models import Image
from sitewide import languages
from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_editor
from tests.comments.helpers import post_comment

PUBLISHED_AT = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)


class Tag:
    """What the metadata reads of a taggit tag."""

    def __init__(self, name: str):
        self.name = name


def article(**overrides) -> Article:
    """An unsaved article: the metadata needs no database."""
    values = {
        "title": "Moscou travaille avec les Talibans",
        "slug": "moscou",
        "standfirst": "Un envoyé de la Russie a parlé.",
        "language": "fr",
        "published_at": PUBLISHED_AT,
        "updated_at": PUBLISHED_AT + datetime.timedelta(days=2),
        "author": User(display_name="Houssen Moshinaly", slug="houssen-moshinaly"),
        **overrides,
    }
    return Article(**values)


class ArticleMetadataTests(SimpleTestCase):
    def setUp(self):
        self.request = RequestFactory().get("/articles/moscou/?utm_source=x")
        self.site = SiteSettings(site_name="Le Carnet")

    def meta(self, metadata) -> dict:
        """The <meta> tags by name, each with the list of its contents."""
        tags = {}
        for _attribute, name, content in metadata.meta:
            tags.setdefault(name, []).append(content)
        return tags

    def test_the_meta_tags_and_the_json_ld_say_the_same_thing(self):
        metadata = article(category=Category(name="International")).metadata(
            self.request, self.site, []
        )
        meta, data = self.meta(metadata), metadata.json_ld
        self.assertEqual(metadata.url, "http://testserver/articles/moscou/")
        self.assertEqual(meta["og:url"], [metadata.url])
        self.assertEqual(data["mainEntityOfPage"], metadata.url)
        self.assertEqual(meta["og:title"], [data["headline"]])
        self.assertEqual(meta["twitter:title"], [data["headline"]])
        self.assertEqual(meta["og:description"], [data["description"]])
        self.assertEqual(meta["twitter:description"], [data["description"]])
        self.assertEqual(meta["article:published_time"], [data["datePublished"]])
        self.assertEqual(meta["article:modified_time"], [data["dateModified"]])
        self.assertEqual(meta["article:section"], [data["articleSection"]])
        self.assertEqual(
            data["author"],
            {
                "@type": "Person",
                "name": "Houssen Moshinaly",
                "url": "http://testserver/author/houssen-moshinaly/",
            },
        )

    def test_its_times_are_those_the_page_shows(self):
        meta = self.meta(article().metadata(self.request, self.site, []))
        local = timezone.localtime(PUBLISHED_AT).isoformat()
        self.assertEqual(meta["article:published_time"], [local])

    def test_its_opengraph_locale_comes_from_the_language_table(self):
        self.assertEqual(
            self.meta(article(language="fr").metadata(self.request, self.site, []))["og:locale"],
            ["fr_FR"],
        )
        self.assertEqual(
            self.meta(article(language="en").metadata(self.request, self.site, []))["og:locale"],
            ["en_GB"],
        )
        american = dataclasses.replace(languages.BY_CODE["en"], opengraph_locale="en_US")
        with mock.patch.dict(languages.BY_CODE, {"en": american}):
            metadata = article(language="en").metadata(self.request, self.site, [])
        self.assertEqual(self.meta(metadata)["og:locale"], ["en_US"])

    def test_it_lists_every_tag_in_order(self):
        tags = [Tag("Russie"), Tag("Afghanistan")]
        meta = self.meta(article().metadata(self.request, self.site, tags))
        self.assertEqual(meta["article:tag"], ["Russie", "Afghanistan"])

    def test_the_cover_is_the_image_of_every_description(self):
        image = Image(
            file="library/2026/03/kabulov.jpg", alt="Zamir Kabulov", width=800, height=450
        )
        metadata = article(cover=image).metadata(self.request, self.site, [])
        meta = self.meta(metadata)
        image = "http://testserver/media/library/2026/03/kabulov.jpg"
        self.assertEqual(meta["og:image"], [image])
        self.assertEqual(meta["og:image:alt"], ["Zamir Kabulov"])
        self.assertEqual(meta["twitter:card"], ["summary_large_image"])
        self.assertEqual(metadata.json_ld["image"], image)

    def test_the_sites_default_image_stands_in_for_a_missing_cover_in_previews_only(self):
        self.site.default_meta_image = "site/carnet.jpg"
        metadata = article().metadata(self.request, self.site, [])
        meta = self.meta(metadata)
        self.assertEqual(meta["og:image"], ["http://testserver/media/site/carnet.jpg"])
        self.assertNotIn("og:image:alt", meta)
        self.assertEqual(meta["twitter:card"], ["summary_large_image"])
        self.assertNotIn("image", metadata.json_ld)

    def test_without_any_image_it_asks_for_a_small_card(self):
        metadata = article().metadata(self.request, self.site, [])
        meta = self.meta(metadata)
        self.assertNotIn("og:image", meta)
        self.assertEqual(meta["twitter:card"], ["summary"])
        self.assertNotIn("image", metadata.json_ld)
        self.assertNotIn("article:section", meta)
        self.assertNotIn("articleSection", metadata.json_ld)

    def test_twitter_tags_use_name_and_opengraph_tags_use_property(self):
        for attribute, name, _content in article().metadata(self.request, self.site, []).meta:
            with self.subTest(name=name):
                expected = "name" if name.startswith("twitter:") else "property"
                self.assertEqual(attribute, expected)


class ArticlePageMetadataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet", default_meta_image="site/carnet.jpg")
        cls.article = make_article(
            author=make_editor(display_name="Houssen Moshinaly"),
            title="Moscou & Kaboul",
            slug="moscou",
            standfirst="Un envoyé de la Russie a parlé.",
            category=make_category(name="International"),
            tags=["Russie"],
            published_at=PUBLISHED_AT,
            comments_open=True,
        )

    def json_ld(self, response) -> dict:
        found = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', response.content.decode()
        )
        self.assertEqual(len(found), 1)
        return json.loads(found[0])

    def test_each_tag_is_rendered_once_from_the_metadata(self):
        response = self.client.get("/articles/moscou/")
        metadata = response.context["metadata"]
        for attribute, name, content in metadata.meta:
            with self.subTest(name=name):
                self.assertContains(
                    response, f'<meta {attribute}="{name}" content="{content}">', html=True
                )
        self.assertContains(
            response,
            '<meta property="og:image" content="http://testserver/media/site/carnet.jpg">',
            count=1,
            html=True,
        )
        self.assertContains(
            response, '<meta property="og:title" content="Moscou &amp; Kaboul">', count=1
        )
        self.assertContains(
            response, '<link rel="canonical" href="http://testserver/articles/moscou/">', count=1
        )
        self.assertEqual(self.json_ld(response), metadata.json_ld)

    def test_an_english_article_has_the_english_opengraph_locale(self):
        make_article(slug="in-english", language="en")
        response = self.client.get("/articles/in-english/")
        self.assertContains(response, '<meta property="og:locale" content="en_GB">', html=True)

    def test_a_comment_sent_back_for_correction_keeps_the_metadata(self):
        response = post_comment(self.client, self.article, email="not-an-email")
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            '<meta property="og:url" content="http://testserver/articles/moscou/">',
            status_code=400,
        )
        self.assertEqual(self.json_ld(response)["headline"], "Moscou & Kaboul")
