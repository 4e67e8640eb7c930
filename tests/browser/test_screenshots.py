"""Screenshots of the home and article pages for the README: desktop and phone, light and dark.

Written to docs/screenshots/ on every run, so the pictures always show the current design.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_home_and_article(demo, browsing, theme):
    for device, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        reader = browsing(viewport=viewport, color_scheme=theme, is_mobile=device == "phone")
        reader.go("/")
        expect(reader.page.locator("h1")).to_be_visible()
        reader.screenshot(f"home-{device}-{theme}")
        reader.go(demo.get_absolute_url())
        cover = reader.page.locator(".article__cover img")
        expect(cover).to_be_visible()
        # A progressive JPEG paints in passes: wait for the whole picture.
        cover.evaluate("image => image.decode()")
        reader.page.wait_for_load_state("networkidle")
        reader.screenshot(f"article-{device}-{theme}")
