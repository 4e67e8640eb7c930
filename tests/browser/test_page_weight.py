"""An article page stays light: HTML, CSS and JS under 60 KB before compression, and the
site's own fonts under 100 KB."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BUDGET_BYTES = 60 * 1024
FONT_BUDGET_BYTES = 100 * 1024


def test_an_article_page_fits_the_weight_budget(demo, reader):
    finished = []
    reader.page.on("requestfinished", lambda request: finished.append(request))
    reader.go(demo.get_absolute_url())
    reader.page.wait_for_load_state("load")
    sizes = {
        request.url: len(request.response().body())
        for request in finished
        if request.resource_type in {"document", "stylesheet", "script"}
    }
    assert any(url.endswith(".css") for url in sizes), sizes
    total = sum(sizes.values())
    assert total < BUDGET_BYTES, f"{total} bytes of HTML, CSS and JS: {sizes}"


def test_images_have_dimensions_and_load_lazily_below_the_fold(demo, reader):
    reader.go(demo.get_absolute_url())
    images = reader.page.locator("main img")
    assert images.count() >= 1
    for index in range(images.count()):
        image = images.nth(index)
        html = image.evaluate("element => element.outerHTML")
        assert image.get_attribute("width") and image.get_attribute("height"), html
        assert image.get_attribute("alt") is not None, html
        # The cover is the one image at the top of the page; the others wait until needed.
        if "article__cover" not in image.evaluate("element => element.parentElement.className"):
            assert image.get_attribute("loading") == "lazy", html


def test_the_fonts_come_from_the_site_and_fit_their_budget(front_page, reader):
    finished = []
    reader.page.on("requestfinished", lambda request: finished.append(request))
    reader.go(front_page[0].get_absolute_url())
    reader.page.wait_for_load_state("networkidle")
    # The text waits for no font: it shows in a fallback, then swaps.
    assert reader.page.evaluate("[...document.fonts].every(font => font.display === 'swap')"), (
        "a font without font-display: swap"
    )
    assert reader.page.evaluate("document.fonts.check('700 1rem \"Source Serif 4\"')")
    fonts = {
        request.url: len(request.response().body())
        for request in finished
        if request.resource_type == "font"
    }
    assert fonts, "no font was loaded"
    for url in fonts:
        assert url.startswith(f"{reader.base_url}/static/fonts/") and url.endswith(".woff2"), url
    total = sum(fonts.values())
    assert total < FONT_BUDGET_BYTES, f"{total} bytes of fonts: {fonts}"
    # Every file the stylesheet can ask for counts, not only those this page used.
    served = sum(
        len(reader.context.request.get(f"/static/fonts/{name}").body())
        for name in [
            "source-serif-4-400-normal.woff2",
            "source-serif-4-400-italic.woff2",
            "source-serif-4-700-normal.woff2",
        ]
    )
    assert served < FONT_BUDGET_BYTES, served


def test_the_front_page_sets_its_images_sizes_and_lazy_loads_the_thumbnails(front_page, reader):
    reader.go("/")
    images = reader.page.locator("main img")
    assert images.count() >= 10
    for index in range(images.count()):
        image = images.nth(index)
        html = image.evaluate("element => element.outerHTML")
        # Width and height reserve the space: nothing moves when a picture arrives.
        assert image.get_attribute("width") and image.get_attribute("height"), html
        assert image.get_attribute("srcset"), html
        if index == 0:
            assert "lead__image" in html and image.get_attribute("loading") is None, html
        else:
            assert image.get_attribute("loading") == "lazy", html
    # Scrolled to the bottom, the thumbnails arrive without moving what was above.
    # Measured from the top of the document, so that where the page is scrolled to (and a
    # smooth scroll still under way) does not matter.
    heading = reader.page.locator("#latest-title")
    from_top = "element => element.getBoundingClientRect().top + window.scrollY"
    before = heading.evaluate(from_top)
    reader.page.mouse.wheel(0, 20_000)
    reader.page.wait_for_load_state("networkidle")
    assert heading.evaluate(from_top) == before
