"""A reader of the English edition sees English stories first, never the French twin of
one of them, and the French stories without translation after them, marked; the French
edition the reverse."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FRENCH_TITLE = "Les élections au Sahel, vues du terrain"
ENGLISH_TITLE = "Elections in the Sahel, seen from the ground"
LEAD_TITLE = "Sommet de l'Asie centrale : la sécurité au cœur des discussions"


@pytest.fixture
def editions(front_page, demo):
    from demo import content

    return content.ensure_translated_pair(demo.author)


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_each_edition_leads_with_its_own_language(editions, browsing, theme, device):
    phone = device == "phone"
    reader = browsing(
        color_scheme=theme, viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone
    )
    page = reader.page

    reader.go("/en/")
    lead = page.locator("article.lead")
    expect(lead.get_by_role("heading", name=ENGLISH_TITLE)).to_be_visible()
    # Its category in English: the demo names every category in both languages.
    expect(lead.locator(".eyebrow")).to_have_text("World")
    expect(page.get_by_text(FRENCH_TITLE)).to_have_count(0)
    in_french = page.get_by_role("region", name="In French")
    expect(in_french.get_by_role("link", name=LEAD_TITLE)).to_be_visible()
    expect(in_french.locator("article").first).to_have_attribute("lang", "fr")
    reader.assert_accessible(f"the English front page ({theme}, {device})")

    # A French story read from the English edition: marked, its address its own edition's.
    in_french.get_by_role("link", name=LEAD_TITLE).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".article .language-label")).to_have_text("In French")
    canonical = page.locator('link[rel="canonical"]')
    expect(canonical).to_have_attribute("href", re.compile(r"[^n]/articles/sommet-"))
    reader.assert_accessible(f"a French story in the English edition ({theme}, {device})")

    reader.go("/")
    expect(page.locator("article.lead").get_by_role("heading", name=LEAD_TITLE)).to_be_visible()
    expect(page.get_by_text(ENGLISH_TITLE)).to_have_count(0)
    expect(page.get_by_role("region", name="En anglais")).to_have_count(0)

    reader.go("/en/category/international/")
    expect(page.locator(".card__title").first).to_have_text(ENGLISH_TITLE)
    expect(page.get_by_text(FRENCH_TITLE)).to_have_count(0)
    expect(page.locator(".card .language-label").first).to_have_text("In French")
    reader.assert_accessible(f"an English category page ({theme}, {device})")
