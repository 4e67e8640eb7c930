"""An editor uploads to the library: an image of too many pixels is refused with a clear
error beside the file field; a camera's photo, sent as a .pdf, is stored as the JPEG it
is, upright and without its GPS position.

axe runs on the refused form."""

import re

import pytest
from playwright.sync_api import expect

from tests.base import SECRET_METADATA, photo_with_metadata, png_header
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
