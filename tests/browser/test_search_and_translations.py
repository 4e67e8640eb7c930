"""A reader searches without accents, finds the story, and reads it in English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FRENCH_PATH = "/articles/les-elections-au-sahel-vues-du-terrain/"
ENGLISH_PATH = "/en/articles/elections-in-the-sahel-seen-from-the-ground/"


@pytest.fixture
def translated_pair(demo):
    from demo import content

    return content.ensure_translated_pair(demo.author)


def test_a_reader_searches_without_accents_then_reads_the_translation(translated_pair, reader):
    page = reader.page
    reader.go("/")
    search = page.get_by_role("searchbox", name="Rechercher des articles")
    search.fill("elections terrain")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=elections\+terrain$"))
    expect(page.locator("h1")).to_have_text("1 résultat pour «\u202felections terrain\u202f»")
    excerpt = page.locator(".card__excerpt")
    expect(excerpt).to_contain_text("élections")
    expect(excerpt.locator("mark").first).to_be_visible()
    reader.assert_accessible("the search results")

    reader.go("/search/?q=xylophone")
    expect(page.locator("h1")).to_have_text("Aucun résultat pour «\u202fxylophone\u202f»")
    reader.assert_accessible("an empty search")
    page.go_back()

    page.get_by_role("link", name="Les élections au Sahel, vues du terrain").click()
    expect(page).to_have_url(re.compile(re.escape(FRENCH_PATH) + "$"))
    expect(page.get_by_role("link", name="Lire cet article en anglais")).to_be_visible()
    reader.assert_accessible("the French article")

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(re.escape(ENGLISH_PATH) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Elections in the Sahel, seen from the ground")
    reader.assert_accessible("the English translation")

    page.get_by_role("link", name="Read this article in French").click()
    expect(page).to_have_url(re.compile(re.escape(FRENCH_PATH) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
