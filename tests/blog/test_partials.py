"""Fragments shown on several pages come from one partial, and so read the same."""

import re

from django.test import TestCase

from sitewide.models import SiteSettings
from tests.base import make_article, make_editor


def fragment(response, pattern: str) -> list[str]:
    return re.findall(pattern, response.content.decode(), re.S)


class AuthorLinksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(
            slug="amina",
            email="amina@example.com",
            accepts_contact=True,
            website="https://amina.example",
            telegram_url="https://t.me/amina",
            x_url="https://x.com/amina",
        )
        make_article(author=cls.author, slug="by-amina")

    def test_the_author_page_and_the_author_box_show_the_same_links(self):
        links = r'<p class="author-box__links">.*?</p>'
        on_author_page = fragment(self.client.get("/author/amina/"), links)
        on_article = fragment(self.client.get("/articles/by-amina/"), links)
        self.assertEqual(len(on_author_page), 1)
        self.assertEqual(on_author_page, on_article)
        for href in [
            'href="/author/amina/contact/"',
            'href="https://amina.example" rel="noopener"',
            'href="https://t.me/amina" rel="me noopener"',
            'href="https://x.com/amina" rel="me noopener"',
        ]:
            with self.subTest(href=href):
                self.assertIn(href, on_author_page[0])

    def test_an_author_who_takes_no_messages_gets_no_contact_link(self):
        self.author.accepts_contact = False
        self.author.save()
        response = self.client.get("/author/amina/")
        self.assertNotContains(response, "/author/amina/contact/")
        self.assertContains(response, 'href="https://amina.example"')


class TagListTests(TestCase):
    """Cards leave the tags out: the article page lists them."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        make_article(slug="tagged", tags=["Santé", "Climat"])
        make_article(slug="untagged")

    def test_the_article_page_shows_its_tag_list(self):
        tags = r'<ul class="tags".*?</ul>'
        on_article = fragment(self.client.get("/articles/tagged/"), tags)
        self.assertEqual(len(on_article), 1)
        self.assertIn('<a href="/tag/sante/">Santé</a>', on_article[0])
        self.assertIn('<a href="/tag/climat/">Climat</a>', on_article[0])

    def test_an_article_without_tags_has_no_empty_list(self):
        self.assertNotContains(self.client.get("/articles/untagged/"), 'class="tags"')
