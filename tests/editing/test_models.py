import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image as Picture

from editing.models import Image
from sitewide.images import make_renditions, rendition_name
from tests.base import TemporaryMediaMixin, jpeg, make_editor, make_image


def size_of(name: str) -> tuple[int, int]:
    with default_storage.open(name) as file, Picture.open(file) as picture:
        return picture.size


class CreateFromFileTests(TemporaryMediaMixin, TestCase):
    def test_it_makes_the_renditions_narrower_than_the_image_on_upload(self):
        image = make_image(1000, 500, alt="A ridge")
        self.assertEqual((image.width, image.height), (1000, 500))
        self.assertEqual(image.renditions, [480, 800])
        self.assertEqual(size_of(rendition_name(image.file.name, 480)), (480, 240))
        self.assertEqual(size_of(rendition_name(image.file.name, 800)), (800, 400))
        self.assertEqual(Image.objects.get().renditions, [480, 800])  # stored, not recomputed

    def test_its_srcset_lists_the_renditions_then_the_original(self):
        image = make_image(1300, 650)
        stem = f"/media/{image.file.name.removesuffix('.jpg')}"
        self.assertEqual(
            image.srcset,
            f"{stem}-480w.jpg 480w, {stem}-800w.jpg 800w, {stem}-1200w.jpg 1200w, "
            f"{stem}.jpg 1300w",
        )

    def test_a_narrow_image_has_no_renditions_and_no_srcset(self):
        image = make_image(400, 300)
        self.assertEqual(image.renditions, [])
        self.assertEqual(image.srcset, "")
        self.assertEqual(image.thumbnail_url, image.url)

    def test_it_reads_a_path_on_disk(self):
        source = make_image(900, 300)
        image = Image.objects.create_from_file(
            source.file.path, alt="From disk", caption="A caption", credit="AFP"
        )
        self.assertTrue(image.file.name.startswith("library/"))
        self.assertEqual((image.width, image.renditions), (900, [480, 800]))
        self.assertEqual(image.figcaption, "A caption — AFP")

    def test_a_transparent_png_gets_a_white_background_in_its_renditions(self):
        buffer = io.BytesIO()
        Picture.new("RGBA", (1000, 500), (0, 0, 0, 0)).save(buffer, "PNG")
        image = Image.objects.create_from_file(
            ContentFile(buffer.getvalue()), name="logo.png", alt="A logo"
        )
        with default_storage.open(rendition_name(image.file.name, 480)) as file:
            with Picture.open(file) as picture:
                self.assertEqual(picture.format, "JPEG")
                self.assertEqual(picture.getpixel((10, 10)), (255, 255, 255))

    def test_it_refuses_a_file_that_is_not_an_image(self):
        with self.assertRaises(ValidationError):
            Image.objects.create_from_file(
                ContentFile(b"<svg onload=alert(1)>"), name="x.jpg", alt="Not an image"
            )
        self.assertFalse(Image.objects.exists())

    def test_it_refuses_an_image_without_alt_text(self):
        with self.assertRaises(ValidationError) as raised:
            Image.objects.create_from_file(ContentFile(jpeg()), name="a.jpg", alt="  ")
        self.assertIn("alt", raised.exception.message_dict)
        self.assertFalse(Image.objects.exists())


class LibraryAdminTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, **fields):
        data = {
            "file": SimpleUploadedFile("alpes.jpg", jpeg(1000, 500), "image/jpeg"),
            "alt": "Snowy summits",
            "caption": "",
            "credit": "",
            **fields,
        }
        return self.client.post("/admin/editing/image/add/", data)

    def test_an_editor_uploads_an_image_and_its_renditions_are_made_at_once(self):
        response = self.upload(caption="The Alps", credit="Jane Doe")
        self.assertEqual(response.status_code, 302)
        image = Image.objects.get()
        self.assertEqual(
            (image.alt, image.caption, image.credit), ("Snowy summits", "The Alps", "Jane Doe")
        )
        self.assertEqual(image.uploaded_by, self.editor)
        self.assertEqual(image.renditions, [480, 800])
        self.assertTrue(default_storage.exists(rendition_name(image.file.name, 480)))

    def test_the_alt_text_is_required(self):
        response = self.upload(alt="")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="errorlist', status_code=200)
        self.assertFalse(Image.objects.exists())

    def test_a_file_that_is_not_an_image_is_refused(self):
        bad = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")
        response = self.upload(file=bad)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Image.objects.exists())

    def test_the_library_lists_thumbnails_with_their_alt_text(self):
        image = make_image(1000, 500, alt="A ridge at dusk")
        response = self.client.get("/admin/editing/image/")
        self.assertContains(response, image.thumbnail_url)
        self.assertContains(response, "A ridge at dusk")


class RenditionTests(TemporaryMediaMixin, TestCase):
    def test_an_unreadable_file_gets_no_rendition_and_a_warning(self):
        name = default_storage.save("library/broken.jpg", ContentFile(b"not a picture"))
        with self.assertLogs("sitewide.images", "WARNING"):
            self.assertEqual(make_renditions(default_storage, name), [])

    def test_making_them_again_replaces_the_copies_under_the_same_names(self):
        image = make_image(1000, 500)
        self.assertEqual(make_renditions(default_storage, image.file.name), [480, 800])
        folder = image.file.name.rsplit("/", 1)[0]
        _folders, files = default_storage.listdir(folder)
        self.assertEqual(len(files), 3)  # the original and its two copies, no duplicate
