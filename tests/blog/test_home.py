"""The home page: the newest articles, ten per page."""

import datetime

from django.test import TestCase
from django.utils import timezone

from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_editor


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
        response = self.client.get("/en/")
        self.assertContains(response, 'href="?page=2"')
        self.assertEqual(self.client.get("/en/?page=2").context["LANGUAGE_CODE"], "en")

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
