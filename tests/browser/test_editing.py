"""An editor writes and publishes an article in the admin; readers find it everywhere."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "La neige revient sur les Alpes"


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator("#user-tools")).to_be_visible()


def cover_jpeg() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 450), (40, 90, 140)).save(buffer, "JPEG")
    return {"name": "alpes.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_an_editor_publishes_an_article_with_a_tag_and_a_cover(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    page.goto("/admin/blog/article/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title").press("Tab")  # the admin fills the slug on change
    expect(page.locator("#id_slug")).to_have_value("la-neige-revient-sur-les-alpes")
    page.locator("#id_standfirst").fill("Les stations rouvrent plus tôt que prévu.")
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("Il a neigé toute la nuit sur les sommets.")
    page.locator("#id_status").select_option("published")
    page.locator("#id_tags").fill("Montagne")

    # The cover is uploaded to the library from the form, in the admin's pop-up.
    with page.expect_popup() as opened:
        page.locator("#add_id_cover").click()
    popup = opened.value
    popup.locator("#id_file").set_input_files(cover_jpeg())
    # Without alt text the image is refused, with the reason next to the field.
    popup.locator('input[name="_save"]').click()
    expect(popup.locator(".errornote")).to_be_visible()
    expect(popup.locator(".field-alt .errorlist")).to_be_visible()
    popup.locator("#id_file").set_input_files(cover_jpeg())
    popup.locator("#id_alt").fill("Des sommets enneigés sous un ciel bleu")
    popup.locator('input[name="_save"]').click()
    popup.wait_for_event("close")
    expect(page.locator("#id_cover")).to_have_value(re.compile(r"^\d+$"))

    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_contain_text(f"« {TITLE} » : Publié.")

    reader = browsing()
    reader.go("/")
    link = reader.page.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    link.click()
    expect(reader.page.locator("h1")).to_have_text(TITLE)
    cover = reader.page.locator(".article__cover img")
    expect(cover).to_have_attribute("alt", "Des sommets enneigés sous un ciel bleu")
    expect(cover).to_have_attribute("width", "800")
    expect(cover).to_have_attribute("height", "450")
    expect(cover).to_have_attribute("srcset", re.compile(r"-480w\.jpg 480w, .+ 800w$"))
    # The cover loads (waited for: on a busy machine the page is there before its image).
    reader.page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=cover.element_handle()
    )

    reader.page.get_by_role("link", name="Montagne").click()
    expect(reader.page).to_have_url(f"{reader.base_url}/tag/montagne/")
    expect(reader.page.get_by_role("link", name=TITLE)).to_be_visible()

    reader.go("/author/houssen-moshinaly/")
    expect(reader.page.get_by_role("link", name=TITLE)).to_be_visible()

    feed = reader.context.request.get("/feed/")
    assert feed.ok
    assert f"<title>{TITLE}</title>" in feed.text()
