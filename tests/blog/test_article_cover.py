from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from blog.models import Article


class CoverAltTextTests(SimpleTestCase):
    def test_a_cover_without_alt_text_is_refused(self):
        article = Article(title="With a cover", cover="covers/2026/11/cover.jpg", cover_alt=" ")
        with self.assertRaises(ValidationError) as raised:
            article.clean()
        self.assertEqual(list(raised.exception.message_dict), ["cover_alt"])

    def test_a_cover_with_alt_text_is_accepted(self):
        Article(title="Cover", cover="covers/2026/11/cover.jpg", cover_alt="A ridge").clean()

    def test_an_article_without_a_cover_needs_no_alt_text(self):
        Article(title="No cover", cover_alt="").clean()
