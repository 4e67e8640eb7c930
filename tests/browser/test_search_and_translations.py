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


def test_a_reader_finds_a_ligature_then_sorts_and_filters(front_page, reader):
    page = reader.page
    reader.go("/")
    search = page.get_by_role("searchbox", name="Rechercher des articles")
    search.fill("coeur")
    search.press("Enter")
    lead = "Sommet de l'Asie centrale : la sécurité au cœur des discussions"
    expect(page.get_by_role("link", name=lead)).to_be_visible()

    # Sort and filter: the address says so, to be shared.
    # By id: the menus' landmarks are named "Catégories" and "Langue" too.
    expect(page.locator('label[for="id_sort"]')).to_have_text("Trier par")
    page.locator("#id_sort").select_option(label="Les plus récents d’abord")
    page.locator("#id_category").select_option(label="International")
    page.locator("#id_language").select_option(label="En français")
    page.get_by_role("button", name="Rechercher").last.click()
    expect(page).to_have_url(
        re.compile(r"/search/\?q=coeur&sort=newest&category=international&language=fr$")
    )
    expect(page.get_by_role("link", name=lead)).to_be_visible()
    expect(page.locator("#id_category")).to_have_value("international")
    reader.assert_accessible("a sorted and filtered search")

    reader.go("/search/?q=coeur&category=nulle-part", status=400)
    expect(page.locator(".error-summary")).to_contain_text("Catégorie")
    reader.assert_accessible("a search with an unknown category")
