"""Uploads are re-encoded, not trusted: decoded within a pixel budget, written again in
their real format without their metadata, named after what they are, served so that
nothing runs."""

import io
import os
from pathlib import Path
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase, override_settings
from PIL import Image as Picture
from PIL import ImageCms

from editing.models import Image
from sitewide.images import rendition_name
from sitewide.models import SiteSettings
from sitewide.views import MEDIA_HEADERS
from tests.base import (
    SECRET_METADATA,
    TemporaryMediaMixin,
    jpeg,
    make_editor,
    make_superuser,
    photo_with_metadata,
    png_header,
    sign_in,
)

ROOT = Path(__file__).resolve().parents[2]


def picture_bytes(image_format: str, size=(60, 40), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Picture.new(mode, size, 128).save(buffer, image_format)
    return buffer.getvalue()


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name) as file:
        return file.read()


def media_files(root: str) -> list[str]:
    return [name for _dirs, _subdirs, names in os.walk(root) for name in names]


class ReencodingTests(TemporaryMediaMixin, TestCase):
    def add(self, content: bytes, name: str = "photo.jpg") -> Image:
        return Image.objects.create_from_file(ContentFile(content), name=name, alt="A photo")

    def test_a_photo_is_stored_upright_without_its_metadata_with_its_colour_profile(self):
        image = self.add(photo_with_metadata(1000, 600))
        # Orientation 6: the camera held on its side, shown 600 wide and 1000 high.
        self.assertEqual((image.width, image.height), (600, 1000))
        self.assertEqual(image.renditions, [480])
        for name in [image.file.name, rendition_name(image.file.name, 480)]:
            with self.subTest(name):
                data = stored_bytes(name)
                self.assertNotIn(SECRET_METADATA, data)
                self.assertNotIn(b"Exif\0\0", data)
                with Picture.open(io.BytesIO(data)) as stored:
                    self.assertEqual(dict(stored.getexif()), {})
                    self.assertEqual(
                        stored.size, (600, 1000) if name == image.file.name else (480, 800)
                    )
        with Picture.open(io.BytesIO(stored_bytes(image.file.name))) as stored:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(stored.info["icc_profile"]))
        self.assertEqual(ImageCms.getProfileDescription(profile).strip(), "sRGB built-in")

    def test_a_jpeg_uploaded_as_a_pdf_is_stored_as_the_jpeg_alone(self):
        polyglot = jpeg(200, 100) + b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        image = self.add(polyglot, name="report.pdf")
        self.assertRegex(image.file.name, r"/report-[0-9a-f]{12}\.jpg$")
        data = stored_bytes(image.file.name)
        self.assertNotIn(b"%PDF", data)
        with Picture.open(io.BytesIO(data)) as stored:
            self.assertEqual(stored.format, "JPEG")

    def test_each_kept_format_gets_its_own_extension(self):
        for image_format, mode, extension in [
            ("PNG", "RGBA", ".png"),
            ("PNG", "P", ".png"),
            ("WEBP", "RGB", ".webp"),
            ("JPEG", "L", ".jpg"),
        ]:
            with self.subTest(image_format, mode=mode):
                image = self.add(picture_bytes(image_format, mode=mode), name="picture.gif")
                self.assertEqual(Path(image.file.name).suffix, extension)
                with Picture.open(io.BytesIO(stored_bytes(image.file.name))) as stored:
                    self.assertEqual((stored.format, stored.mode), (image_format, mode))

    def test_other_formats_and_non_images_are_refused(self):
        stored = media_files(self.media_root)
        for name, content in [
            ("animation.gif", picture_bytes("GIF")),
            ("bitmap.bmp", picture_bytes("BMP")),
            ("scan.tiff", picture_bytes("TIFF")),
            ("page.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
            ("truncated.jpg", jpeg(400, 300)[:400]),
            ("empty.jpg", b""),
        ]:
            with self.subTest(name), self.assertRaises(ValidationError) as raised:
                self.add(content, name=name)
            self.assertIn("file", raised.exception.message_dict)
        self.assertFalse(Image.objects.exists())
        self.assertEqual(media_files(self.media_root), stored)

    def test_an_image_past_the_pixel_budget_is_refused_before_it_is_decoded(self):
        # 10,000 × 10,000 (twice the budget) and 20,000 × 20,000 (past Pillow's own guard).
        stored = media_files(self.media_root)
        for side in (10_000, 20_000):
            with (
                self.subTest(side=side),
                mock.patch("PIL.ImageFile.ImageFile.load", side_effect=AssertionError("decoded")),
                self.assertRaises(ValidationError) as raised,
            ):
                self.add(png_header(side, side), name="bomb.png")
                self.assertEqual(raised.exception.error_dict["file"][0].code, "too_many_pixels")
        self.assertEqual(media_files(self.media_root), stored)

    @override_settings(IMAGE_MAX_PIXELS=1_000_000)
    def test_the_budget_is_a_setting(self):
        with self.assertRaises(ValidationError):
            self.add(jpeg(1001, 1000))
        self.assertEqual(self.add(jpeg(1000, 1000)).width, 1000)

    def test_an_avatar_and_the_sites_preview_image_are_reencoded_too(self):
        user = make_editor()
        user.avatar = SimpleUploadedFile("me.pdf", photo_with_metadata())
        user.save()
        site = SiteSettings.load()
        site.default_meta_image = SimpleUploadedFile("preview.html", photo_with_metadata())
        site.save()
        for file in (user.avatar, site.default_meta_image):
            with self.subTest(file.name):
                self.assertEqual(Path(file.name).suffix, ".jpg")
                self.assertNotIn(SECRET_METADATA, stored_bytes(file.name))


class UploadFormTests(TemporaryMediaMixin, TestCase):
    """The admin's forms say why, in the admin's language; nothing is written."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        sign_in(self.client, self.editor)

    def data(self, content: bytes, name: str = "bomb.png") -> dict:
        return {"file": SimpleUploadedFile(name, content), "alt": "A bomb", "caption": ""}

    def test_the_library_form_refuses_an_oversized_image_with_a_clear_error(self):
        response = self.client.post(
            "/admin/editing/image/add/", self.data(png_header(10_000, 10_000))
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["adminform"].form.errors["file"],
            [
                "Cette image a trop de pixels (10000 × 10000)\u00a0: 50\u00a0mégapixels au "
                "plus. Réduisez-la avant de la téléverser."
            ],
        )
        self.assertFalse(Image.objects.exists())
        self.assertEqual(media_files(self.media_root), [])

    def test_the_editors_upload_refuses_it_in_json(self):
        response = self.client.post(
            "/admin/editing/image/upload/", self.data(png_header(10_000, 10_000))
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("10000 × 10000", response.json()["errors"]["file"][0])
        self.assertFalse(Image.objects.exists())

    def test_a_gif_is_refused_by_name(self):
        response = self.client.post(
            "/admin/editing/image/add/", self.data(picture_bytes("GIF"), "a.gif")
        )
        self.assertIn("GIF", response.context["adminform"].form.errors["file"][0])

    def test_the_avatar_field_refuses_it_too(self):
        admin = make_superuser()
        sign_in(self.client, admin)
        page = self.client.get(f"/admin/accounts/user/{admin.pk}/change/")
        form = page.context["adminform"].form
        self.assertEqual(type(form.fields["avatar"]).__name__, "UploadedImageFormField")


class MediaServingTests(TemporaryMediaMixin, TestCase):
    def test_uploads_are_served_never_sniffed_and_sandboxed(self):
        image = Image.objects.create_from_file(
            ContentFile(photo_with_metadata()), name="report.pdf", alt="A photo"
        )
        response = self.client.get(image.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(
            response["Content-Security-Policy"],
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        )
        self.assertNotIn(SECRET_METADATA, b"".join(response.streaming_content))


class MediaHeadersInTheDeployGuideTests(SimpleTestCase):
    def test_nginx_serves_uploads_with_the_same_headers(self):
        config = (ROOT / "bench" / "nginx-cache.conf.template").read_text()
        for name, value in MEDIA_HEADERS.items():
            with self.subTest(name):
                self.assertIn(f'add_header {name} "{value}" always;', config)
