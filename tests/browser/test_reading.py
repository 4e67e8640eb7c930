"""A reader reads the demo site in a real browser, in French and in English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_PATH = "/articles/moscou-travaille-avec-les-talibans-pour-contrer-daesh/"
SEED_TITLE = "Moscou travaille avec les Talibans pour contrer Daesh"


def test_a_reader_reads_the_seed_article_and_switches_language(demo, reader):
    page = reader.page
    reader.go("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_count(1)

    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(re.compile(re.escape(SEED_PATH) + "$"))
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    expect(page.locator("article.article")).not_to_have_attribute("lang", "fr")
    expect(page.get_by_text("Houssen Moshinaly").first).to_be_visible()
    expect(page.locator("figcaption")).to_have_text(
        "Zamir Kabulov, envoyé spécial de la Russie en Afghanistan."
    )

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(re.escape("/en" + SEED_PATH) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The interface is English; the article says it is written in French.
    expect(page.locator("article.article")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Skip to content")).to_be_attached()

    page.locator(".site-title a").click()
    expect(page).to_have_url(re.compile("/en/$"))
    expect(page.locator("main article").first).to_have_attribute("lang", "fr")

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"[^n]/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main article").first).not_to_have_attribute("lang", "fr")


def test_each_page_links_its_other_language_where_it_has_one(demo, reader):
    reader.go(SEED_PATH)
    alternates = reader.page.locator('link[rel="alternate"][hreflang]')
    hrefs = {
        alternates.nth(i).get_attribute("hreflang"): alternates.nth(i).get_attribute("href")
        for i in range(alternates.count())
    }
    base = reader.base_url
    # The seed story has no English translation: hreflang names only the versions
    # that exist, so its French page alone (issue 19).
    assert hrefs == {"fr": f"{base}{SEED_PATH}", "x-default": f"{base}{SEED_PATH}"}
    # It stays reachable from the English edition, marked as written in French.
    english = f"{base}/en{SEED_PATH}"
    switchers = reader.page.locator('.language-switcher a[hreflang="en"]')
    assert set(switchers.evaluate_all("links => links.map(link => link.href)")) == {english}
    reader.go(english)
    expect(reader.page.locator("html")).to_have_attribute("lang", "en")
    expect(reader.page.locator("article.article")).to_have_attribute("lang", "fr")
    expect(reader.page.locator(".language-label")).to_have_text("In French")
    # An old ?lang= link still leads there.
    reader.go(f"{SEED_PATH}?lang=en")
    expect(reader.page).to_have_url(english)


def test_the_article_reads_well_on_a_phone(demo, browsing):
    phone = browsing(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.go(SEED_PATH)
    page = phone.page
    expect(page.locator("h1")).to_be_visible()
    # Nothing is wider than the screen: no sideways scrolling to read.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cover = page.locator(".article__cover img")
    assert cover.bounding_box()["width"] <= PHONE["width"]
    # The phone downloads the 480 px rendition, not the 1200 px original.
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=cover.element_handle()
    )
    assert cover.evaluate("image => image.currentSrc").endswith("-480w.jpg")
    phone.assert_accessible("the article on a phone")


def test_the_first_tab_shows_a_skip_link_to_the_content(demo, reader):
    page = reader.page
    reader.go(SEED_PATH)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # The focus is visible: a 3 px outline.
    assert skip.evaluate("link => getComputedStyle(link).outlineWidth") == "3px"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_a_printed_article_keeps_the_article_and_drops_the_rest(demo, approved_comment, reader):
    page = reader.page
    reader.go(SEED_PATH)
    page.emulate_media(media="print")
    for hidden in [".site-header", ".site-footer", "#comments", ".article-nav", ".follow"]:
        expect(page.locator(hidden).first).to_be_hidden()
    for shown in ["h1", ".article__cover img", ".article__body", ".author-box__name"]:
        expect(page.locator(shown)).to_be_visible()
