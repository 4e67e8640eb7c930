from django.test import TestCase

from tests.base import make_article


class HomeTests(TestCase):
    def test_it_lists_published_articles(self):
        article = make_article(title="Hello")
        response = self.client.get("/")
        self.assertContains(response, "Hello")
        self.assertContains(response, article.get_absolute_url())
