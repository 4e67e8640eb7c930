"""Uploads on S3-compatible object storage (MEDIA_STORAGE=s3), against a real S3 server.

The server is moto's (tests/s3.py), reached over HTTP by boto3 as AWS would be, and
its objects fetched over HTTP as a reader's browser fetches them.
"""

import re
import tempfile
import urllib.request
from email.message import Message
from pathlib import Path
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings

from accounts.models import User
from blog.models import Article
from editing.models import Image
from sitewide.markup import clean_article_html
from sitewide.models import SiteSettings
from sitewide.storage import CACHE_CONTROL, MediaStoreUnavailable, S3MediaStorage
from tests import s3
from tests.base import jpeg, make_article, make_editor, make_image, sign_in
from tests.wordpress.helpers import SITE, export, item, run

UPLOAD = "/admin/editing/image/upload/"
ADD_FORM = "/admin/editing/image/add/"


def fetch(url: str) -> tuple[int, Message, bytes]:
    """What a reader's browser gets at url."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def upload(name: str = "alpes.jpg", content: bytes | None = None) -> dict:
    return {
        "file": SimpleUploadedFile(name, content or jpeg(1000, 500), "image/jpeg"),
        "alt": "Des sommets enneigés",
        "caption": "",
        "credit": "",
    }


class UploadsInTheBucketTests(s3.S3MediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        super().setUp()
        sign_in(self.client, self.editor)

    def test_an_upload_through_one_server_is_read_through_another(self):
        response = self.client.post(UPLOAD, upload(), headers={"accept": "*/*"})
        self.assertEqual(response.status_code, 201, response.content)
        image = Image.objects.get()
        article = make_article(slug="sommets", cover=image)
        # Server B: the same bucket through a storage of its own and another MEDIA_ROOT,
        # as a second machine has.
        other_root = tempfile.TemporaryDirectory(prefix="carnet-test-media-b-")
        self.addCleanup(other_root.cleanup)
        with override_settings(MEDIA_ROOT=other_root.name, **s3.media_settings(self.bucket)):
            self.assertIsNot(default_storage._wrapped, image.file.storage)
            page = self.client.get(article.get_absolute_url()).content.decode()
        addresses = re.findall(r'srcset="([^"]+)"', page)[0]
        urls = [candidate.split()[0] for candidate in addresses.split(", ")]
        self.assertEqual(len(urls), 3)  # 480w, 800w and the original
        for url in urls:
            with self.subTest(url):
                self.assertTrue(url.startswith(f"{s3.endpoint()}/{self.bucket}/library/"))
                status, headers, body = fetch(url)
                self.assertEqual(status, 200)
                self.assertEqual(headers["Content-Type"], "image/jpeg")
                self.assertEqual(headers["Cache-Control"], CACHE_CONTROL)
                self.assertEqual(body[:3], b"\xff\xd8\xff")
        self.assertEqual(files_under(self.media_root), [])
        self.assertEqual(files_under(Path(other_root.name)), [])

    def test_addresses_are_plain_lasting_and_content_hashed(self):
        image = make_image(900, 600, name="alpes.jpg")
        self.assertRegex(image.file.name, r"^library/\d{4}/\d{2}/alpes-[0-9a-f]{12}\.jpg$")
        # No signature or expiry: the address in a cached page works for as long as it is kept.
        self.assertEqual(image.url, f"{s3.endpoint()}/{self.bucket}/{image.file.name}")
        self.assertNotIn("?", image.srcset)

    def test_a_name_is_never_written_twice(self):
        first = make_image(900, 600, name="alpes.jpg")
        stored = fetch(first.url)[2]
        second = make_image(900, 600, name="alpes.jpg")  # the same picture again
        self.assertNotEqual(second.file.name, first.file.name)
        self.assertEqual(fetch(first.url)[2], stored)
        name = default_storage.save(first.file.name, ContentFile(b"other bytes"))
        self.assertNotEqual(name, first.file.name)
        self.assertEqual(fetch(first.url)[2], stored)

    def test_every_writer_writes_to_the_bucket_and_nothing_under_media_root(self):
        # The library (add page and the editor's dialog), with renditions; a cover; an
        # avatar; the site's link-preview image; the demo's covers; WordPress media.
        # (Restored backups: tests/sitewide/test_backups.py.)
        self.assertEqual(self.client.post(ADD_FORM, upload("page.jpg")).status_code, 302)
        self.assertEqual(self.client.post(UPLOAD, upload("dialog.jpg")).status_code, 201)
        make_article(slug="with-cover", cover=make_image(1300, 650))
        author = User.objects.create(username="avatar-owner")
        author.avatar = SimpleUploadedFile("me.jpg", jpeg(200, 200))
        author.save()
        site = SiteSettings.load()
        site.default_meta_image = SimpleUploadedFile("site.jpg", jpeg(1200, 630))
        site.save()
        call_command("load_demo", verbosity=0)
        with tempfile.TemporaryDirectory() as uploads:
            boat = Path(uploads) / "2020/01/boat.jpg"
            boat.parent.mkdir(parents=True)
            boat.write_bytes(jpeg(300, 200))
            run(
                export(
                    item(
                        1,
                        content=f'<img src="{SITE}/wp-content/uploads/2020/01/boat.jpg" alt="B">',
                    )
                ),
                "--media-dir",
                uploads,
            )
        self.assertIn(
            f"{s3.endpoint()}/{self.bucket}/library/", Article.objects.get(slug="post-1").body_html
        )

        stored = s3.keys(self.bucket)
        for prefix in ("library/", "avatars/", "site/"):
            self.assertTrue(any(key.startswith(prefix) for key in stored), prefix)
        self.assertTrue(any(key.endswith("-480w.jpg") for key in stored))
        self.assertFalse(Image.objects.filter(renditions=[], width__gt=480).exists())
        self.assertEqual(files_under(self.media_root), [])


class PagesAndTheSanitiserFollowTheMediaOriginTests(s3.S3MediaMixin, TestCase):
    def test_link_previews_name_the_cover_by_its_address_in_the_bucket(self):
        image = make_image(1300, 650)
        article = make_article(slug="sommets", cover=image)
        page = self.client.get(article.get_absolute_url()).content.decode()
        self.assertIn(f'<meta property="og:image" content="{image.url}">', page)
        self.assertIn(f'"image": "{image.url}"', page)

    def test_images_from_the_bucket_are_kept_in_a_body_and_others_dropped(self):
        ours = f"{s3.endpoint()}/{self.bucket}/library/2026/11/a-0123456789ab.jpg"
        small = ours.replace(".jpg", "-480w.jpg")
        cleaned = clean_article_html(
            f'<p><img src="{ours}" srcset="{small} 480w, {ours} 900w" alt="Ours">'
            '<img src="https://elsewhere.example/b.jpg" alt="Theirs">'
            f'<img src="{ours}" srcset="https://elsewhere.example/b.jpg 480w" alt="Mixed">'
            '<img src="/media/library/c.jpg" alt="Old"></p>'
        )
        self.assertIn(f'src="{ours}" srcset="{small} 480w, {ours} 900w"', cleaned)
        self.assertIn('alt="Mixed"', cleaned)
        self.assertNotIn("elsewhere", cleaned)
        self.assertNotIn("/media/", cleaned)


class AStoreThatDoesNotAnswerTests(TestCase):
    """A bad endpoint or refused credentials: editors are told, readers still read."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        sign_in(self.client, self.editor)
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        self.addCleanup(media.cleanup)
        self.media_root = Path(media.name)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))

    def broken_stores(self):
        """A closed port, then a server that refuses every key we have."""
        yield (
            "a bad endpoint",
            s3.media_settings("carnet-media", url=f"http://127.0.0.1:{s3.free_port()}"),
        )
        url, process = s3.start_checking_server()
        self.addCleanup(process.wait)
        self.addCleanup(process.terminate)
        yield "refused credentials", s3.media_settings("carnet-media", url=url)

    def test_an_editor_gets_a_form_error_and_nothing_is_saved(self):
        for why, broken in self.broken_stores():
            with self.subTest(why), override_settings(**broken):
                page = self.client.post(ADD_FORM, upload())
                self.assertEqual(page.status_code, 200)
                [error] = page.context["adminform"].form.errors.as_data()["file"]
                self.assertEqual(error.code, "media_store_unavailable")
                self.assertContains(page, "le stockage des médias ne répond pas")
                dialog = self.client.post(UPLOAD, upload())
                self.assertEqual(dialog.status_code, 400)
                self.assertEqual(dialog.json()["errors"], {"file": [error.messages[0]]})
                self.assertFalse(Image.objects.exists())
                self.assertEqual(files_under(self.media_root), [])

    def test_a_store_failing_after_the_check_answers_503_and_nothing_is_saved(self):
        closed = s3.media_settings("carnet-media", url=f"http://127.0.0.1:{s3.free_port()}")
        with (
            override_settings(**closed),
            # The form's check passes (the store answered it), then the write fails.
            mock.patch.object(S3MediaStorage, "exists", return_value=False),
            self.assertLogs("sitewide.middleware", "ERROR"),
        ):
            page = self.client.post(ADD_FORM, upload())
            self.assertContains(page, "stockage de ses médias", status_code=503)
            dialog = self.client.post(UPLOAD, upload())
            self.assertEqual(dialog.status_code, 503)
            self.assertEqual(list(dialog.json()["errors"]), ["file"])
        self.assertFalse(Image.objects.exists())

    def test_the_store_failing_after_the_check_is_raised_as_unavailable(self):
        for why, broken in self.broken_stores():
            storage = S3MediaStorage(**broken["STORAGES"]["default"]["OPTIONS"])
            with self.subTest(why), self.assertRaises(MediaStoreUnavailable):
                storage.save("library/x.jpg", ContentFile(jpeg(10, 10)))

    def test_readers_pages_still_render_with_the_images_missing(self):
        bucket = s3.new_bucket()
        with override_settings(**s3.media_settings(bucket)):
            article = make_article(slug="sommets", cover=make_image(1300, 650, alt="Snow"))
        for why, broken in self.broken_stores():
            with self.subTest(why), override_settings(**broken):
                response = self.client.get(article.get_absolute_url())
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'alt="Snow"')
                self.assertEqual(self.client.get("/").status_code, 200)
