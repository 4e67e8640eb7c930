"""An article's cover is an image of the library, shown with its renditions."""

import tempfile

from django.test import TestCase, override_settings

from sitewide.templatetags.carnet import cover_image
from tests.base import make_article, make_image


class CoverTests(TestCase):
    def setUp(self):
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))

    def test_the_cover_tag_reads_the_library_image_without_opening_its_file(self):
        image = make_image(1000, 500, alt="A ridge", caption="The Alps", credit="AFP")
        name = image.file.name.removesuffix(".jpg")
        image.file.storage.delete(image.file.name)  # a reader's page must not need it
        self.assertEqual(
            cover_image(image),
            {
                "url": f"/media/{name}.jpg",
                "width": 1000,
                "height": 500,
                "srcset": f"/media/{name}-480w.jpg 480w, /media/{name}-800w.jpg 800w, "
                f"/media/{name}.jpg 1000w",
                "sizes": "(min-width: 64rem) 57rem, calc(100vw - 2.5rem)",
                "alt": "A ridge",
                "caption": "The Alps — AFP",
            },
        )

    def test_no_cover_gives_nothing_to_show(self):
        self.assertIsNone(cover_image(None))

    def test_the_article_page_shows_the_cover_with_its_srcset(self):
        article = make_article(slug="alpes", cover=make_image(1300, 650, alt="Snow"))
        response = self.client.get("/articles/alpes/")
        self.assertContains(response, f'src="{article.cover.url}" alt="Snow"')
        self.assertContains(response, "-1200w.jpg 1200w")

    def test_an_image_used_as_a_cover_cannot_be_deleted(self):
        from django.db.models import ProtectedError

        article = make_article(cover=make_image())
        with self.assertRaises(ProtectedError):
            article.cover.delete()
