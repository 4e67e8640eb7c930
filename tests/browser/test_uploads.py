"""An editor uploads to the library: an image of too many pixels is refused with a clear
error beside the file field; a camera's photo, sent as a .pdf, is stored as the JPEG it
is, upright and without its GPS position; while the media storage is out of reach, an
upload is refused with a form error that says so, and readers' pages still read.

axe runs on the refused forms."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import expect

from tests import s3
from tests.base import SECRET_METADATA, jpeg, photo_with_metadata, png_header
from tests.browser.test_newsroom import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_oversized_upload_is_refused_and_a_photo_is_stored_without_its_metadata(
    demo, browsing, tmp_path
):
    from editing.models import Image

    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    before = Image.objects.count()

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header(10_000, 10_000))
    editor.go("/admin/editing/image/add/")
    page.locator("#id_file").set_input_files(str(bomb))
    page.locator("#id_alt").fill("Un panorama")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    error = page.locator(".field-file .errorlist")
    expect(error).to_contain_text("Cette image a trop de pixels (10000 × 10000)")
    expect(error).to_contain_text("Réduisez-la avant de la téléverser.")
    editor.assert_accessible("an oversized upload, refused")
    assert Image.objects.count() == before

    photo = tmp_path / "source.pdf"
    photo.write_bytes(photo_with_metadata(1000, 600))
    page.locator("#id_file").set_input_files(str(photo))
    page.locator("#id_alt").fill("La frontière au matin")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    image = Image.objects.get(alt="La frontière au matin")
    assert re.search(r"/source-[0-9a-f]{12}\.jpg$", image.file.name)
    assert (image.width, image.height) == (600, 1000)
    # (The live server serves uploads itself, without Carnet's headers: those are
    # tested on sitewide.views.media, in tests/sitewide/test_uploads.py.)
    served = editor.context.request.get(image.url)
    assert served.headers["content-type"] == "image/jpeg"
    assert SECRET_METADATA not in served.body()


def test_an_upload_is_refused_while_the_media_storage_is_out_of_reach_and_pages_still_read(
    demo, browsing, tmp_path
):
    from editing.models import Image

    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    before = Image.objects.count()
    photo = tmp_path / "alpes.jpg"
    photo.write_bytes(jpeg(900, 600))
    # The bucket's address answers nothing (a closed port on the local S3 server's host);
    # the policy allows images from it, as config/settings.py does with MEDIA_STORAGE=s3.
    origin = f"http://127.0.0.1:{s3.free_port()}"
    closed = s3.media_settings("carnet-media", url=origin)
    policies = {
        name: {**getattr(settings, name), "img-src": ["'self'", "data:", origin]}
        for name in ("SECURE_CSP", "SECURE_CSP_ADMIN")
    }
    with override_settings(**closed, **policies):
        editor.go("/admin/editing/image/add/")
        page.locator("#id_file").set_input_files(str(photo))
        page.locator("#id_alt").fill("Des sommets enneigés")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        error = page.locator(".field-file .errorlist")
        expect(error).to_contain_text("le stockage des médias ne répond pas")
        expect(error).to_contain_text("Rien n’a été enregistré")
        editor.assert_accessible("an upload while the media storage is out of reach")
        assert Image.objects.count() == before

        # A reader's page is built without asking the store: its cover is only missing.
        reader = browsing()
        reader.allowed_origins = (origin,)
        reader.go("/articles/moscou-travaille-avec-les-talibans-pour-contrer-daesh/")
        expect(reader.page.get_by_role("heading", level=1)).to_contain_text("Moscou")
        expect(reader.page.locator("figure img").first).to_be_attached()
