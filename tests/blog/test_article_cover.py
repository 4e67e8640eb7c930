import io
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import SimpleTestCase, TestCase, override_settings
from PIL import Image

from blog.models import Article
from sitewide import images
from tests.base import make_article


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


class CoverRenditionTests(SimpleTestCase):
    def setUp(self):
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))

    def cover(self, width: int, height: int) -> Article:
        buffer = io.BytesIO()
        Image.new("RGB", (width, height), (40, 90, 140)).save(buffer, "JPEG")
        article = Article(title="Cover")
        article.cover.save("covers/2026/11/alpes.jpg", ContentFile(buffer.getvalue()), save=False)
        return article

    def test_a_wide_cover_gets_narrower_renditions(self):
        article = self.cover(1000, 500)
        name = article.cover.name.removesuffix(".jpg")
        self.assertEqual(
            images.srcset(article.cover),
            f"/media/{name}-480w.jpg 480w, /media/{name}-800w.jpg 800w, /media/{name}.jpg 1000w",
        )
        with default_storage.open(f"{name}-480w.jpg") as rendition, Image.open(rendition) as image:
            self.assertEqual(image.size, (480, 240))

    def test_a_narrow_cover_needs_no_srcset(self):
        article = self.cover(400, 300)
        self.assertEqual(images.srcset(article.cover), "")


class MissingCoverFileTests(TestCase):
    def test_an_article_whose_cover_file_is_gone_still_renders(self):
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            make_article(slug="lost-cover", cover="covers/2026/11/gone.jpg", cover_alt="Gone")
            response = self.client.get("/articles/lost-cover/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, '<figure class="article__cover">')
