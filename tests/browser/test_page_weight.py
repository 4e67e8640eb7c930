"""An article page stays light: HTML, CSS and JS under 60 KB before compression."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BUDGET_BYTES = 60 * 1024


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
