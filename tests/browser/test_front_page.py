"""A reader finds their way from the front page: the category menu, an article, a related
one; shares it by email; reaches the comment form with the keyboard."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEAD_TITLE = "Sommet de l'Asie centrale : la sécurité au cœur des discussions"
SCIENCE_ARTICLE = "Climat : les glaciers d'Asie centrale reculent plus vite que prévu"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_reader_goes_from_the_front_page_to_a_related_article(front_page, browsing, device):
    phone = device == "phone"
    reader = browsing(viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone)
    page = reader.page
    reader.go("/")
    # The lead story comes first, its cover large.
    lead = page.locator("article.lead")
    expect(lead.get_by_role("heading", name=LEAD_TITLE)).to_be_visible()
    assert lead.locator("img").bounding_box()["width"] > (300 if phone else 500)
    if phone:
        # The header is one line of text before the content: the name and the menu.
        header = page.locator(".site-header").bounding_box()
        title = page.locator(".site-title").bounding_box()
        assert header["height"] < 2 * title["height"] + 30, (header, title)
        page.get_by_text("Menu", exact=True).click()
    reader.assert_accessible(f"front page ({device})")

    menu = page.locator(".site-menu" if phone else ".site-nav")
    menu.get_by_role("link", name="Science").click()
    expect(page).to_have_url(re.compile("/category/science/$"))
    expect(page.locator("h1")).to_have_text("Science")
    # The menu says where the reader is (folded away on a phone until opened).
    current = menu.locator('a[aria-current="page"]')
    expect(current).to_have_text("Science")
    reader.assert_accessible(f"category page ({device})")

    page.get_by_role("link", name=SCIENCE_ARTICLE).click()
    expect(page.locator("h1")).to_have_text(SCIENCE_ARTICLE)
    related = page.locator("section.related")
    expect(related.get_by_role("heading", name="À lire aussi")).to_be_visible()
    first_related = related.locator(".card__title a").first
    title = first_related.inner_text()
    first_related.click()
    expect(page.locator("h1")).to_have_text(title)
    reader.assert_accessible(f"related article ({device})")


def test_a_reader_shares_an_article_by_email(front_page, reader):
    article = front_page[0]
    reader.go(article.get_absolute_url())
    share = reader.page.get_by_role("navigation", name="Partager cet article")
    expect(share.get_by_role("link")).to_have_count(5)
    email = share.get_by_role("link", name="E-mail")
    href = email.get_attribute("href")
    assert href.startswith("mailto:?"), href
    query = parse_qs(urlsplit(href).query)
    assert query["subject"] == [article.title]
    assert query["body"] == [f"{reader.base_url}{article.get_absolute_url()}"]
    # The other links lead to each network's own page, and nothing of theirs is loaded
    # (the browsing fixture fails the test on any request to another site).
    for name, host in [
        ("Facebook", "www.facebook.com"),
        ("X", "x.com"),
        ("Telegram", "t.me"),
        ("WhatsApp", "wa.me"),
    ]:
        link = share.get_by_role("link", name=name, exact=True)
        assert urlsplit(link.get_attribute("href")).netloc == host
    reader.page.wait_for_load_state("networkidle")


def test_the_comment_form_is_three_tabs_from_the_comment_count(front_page, browsing):
    reader = browsing()
    page = reader.page
    article = front_page[0]  # the lead story, with two approved comments
    reader.go(article.get_absolute_url())
    count = page.locator(".article__comments-link").get_by_role("link", name="2 commentaires")
    count.focus()
    presses = 0
    while presses < 3:
        page.keyboard.press("Tab")
        presses += 1
        focused = page.evaluate("document.activeElement.id")
        if focused == "id_body":
            break
        if page.evaluate("document.activeElement.getAttribute('href')") == "#comment-form":
            page.keyboard.press("Enter")
    expect(page.locator("#id_body")).to_be_focused()
    assert presses <= 3, presses
    # The fields take their panel's width.
    form = page.locator("#comment-form").bounding_box()
    for field in ["#id_body", "#id_name", "#id_email", "#id_website"]:
        width = page.locator(field).bounding_box()["width"]
        assert width > form["width"] - 60, (field, width, form["width"])
    reader.assert_accessible("the article, its comment form reached by keyboard")


def test_year_and_month_archives_are_linked_from_the_footer_and_the_date(front_page, reader):
    page = reader.page
    article = front_page[0]
    reader.go(article.get_absolute_url())
    page.locator(".article__header time").first.click()
    expect(page).to_have_url(re.compile(r"/archive/\d{4}/\d{1,2}/$"))
    expect(page.get_by_role("link", name=article.title)).to_be_visible()
    reader.assert_accessible("a month's archive")
    # The footer leads to every year and month, each counted.
    page.locator(".site-footer").get_by_role("link", name="Archives").click()
    expect(page).to_have_url(re.compile(r"/archive/$"))
    expect(page.locator(".archive-months__count").first).to_contain_text("article")
    reader.assert_accessible("the archives' index")
    year = page.locator(".archive-index h2 a").first
    year.click()
    expect(page).to_have_url(re.compile(r"/archive/\d{4}/$"))
    expect(page.get_by_role("navigation", name="Mois").get_by_role("link").first).to_be_visible()
    reader.assert_accessible("a year's archive")
    # And to every tag, then a tag's page with its feed in words.
    page.locator(".site-footer").get_by_role("link", name="Étiquettes").click()
    expect(page).to_have_url(re.compile(r"/tag/$"))
    page.locator(".tag-index a").first.click()
    expect(page.locator(".feed-link a")).to_have_attribute("href", re.compile(r"/tag/.+/feed/$"))
    reader.assert_accessible("a tag's page")
