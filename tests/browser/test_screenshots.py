"""Screenshots of the home and article pages for the README: desktop and phone, light and dark.

Every run takes them, so a page that no longer renders fails here; they go to a temporary
folder. `make screenshots` writes them to docs/screenshots/ instead, for the README.
"""

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_home_and_article(demo, front_page, browsing, theme):
    for device, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        reader = browsing(viewport=viewport, color_scheme=theme, is_mobile=device == "phone")
        reader.go("/")
        lead = reader.page.locator(".lead__image")
        expect(lead).to_be_visible()
        lead.evaluate("image => image.decode()")
        reader.page.wait_for_load_state("networkidle")
        assert_png(reader.screenshot(f"home-{device}-{theme}"), viewport)
        reader.go(demo.get_absolute_url())
        cover = reader.page.locator(".article__cover img")
        expect(cover).to_be_visible()
        # A progressive JPEG paints in passes: wait for the whole picture.
        cover.evaluate("image => image.decode()")
        reader.page.wait_for_load_state("networkidle")
        assert_png(reader.screenshot(f"article-{device}-{theme}"), viewport)


def assert_png(path: Path, viewport: dict) -> None:
    """The picture is the page as the reader's screen shows it."""
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (viewport["width"], viewport["height"]), image.size
