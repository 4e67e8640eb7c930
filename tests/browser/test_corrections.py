"""An editor corrects a story and marks an update; readers of both editions see the notice
at the top of the story, on the corrections page and in its feed.

axe runs on the article's form with its notices, the corrected stories and the
corrections pages (test_accessibility.py runs it on /corrections/ in both themes and on
phones and desktops)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_newsroom import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FRENCH_NOTICE = "Une version précédente de cet article datait la rencontre de 2016 et non de 2015."
ENGLISH_NOTICE = "An earlier version of this article dated the meeting 2016, not 2015."


def add_notice(editor, article, kind: str, text: str, update: bool = False) -> None:
    """On the article's form: a notice in the inline, and the update box if asked."""
    page = editor.page
    editor.go(f"/admin/blog/article/{article.pk}/change/")
    page.get_by_role("button", name="Ajouter un objet Rectificatif supplémentaire").click()
    notice = page.locator(".inline-related:not(.empty-form)").last
    notice.get_by_label("Type").select_option(label=kind)
    notice.get_by_label("Texte").fill(text)
    if update:
        page.get_by_label("Mise à jour importante").check()
    editor.assert_accessible("the article's form with a new notice")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    expect(page.locator(".inline-related textarea").first).to_have_value(text)


def test_an_editor_corrects_a_story_and_readers_see_it_in_both_editions(newsroom, browsing):
    from accounts.models import User
    from tests.base import make_article

    # The story's English version: each edition lists its own version's notices.
    english = make_article(
        title="Moscow works with the Taliban to counter Daesh",
        slug="moscow-works-with-the-taliban",
        language="en",
        author=User.objects.get(username="editor"),
        translation=newsroom,
    )

    editor = browsing()
    log_in(editor.page, "editor")
    add_notice(editor, newsroom, "Rectificatif", FRENCH_NOTICE, update=True)
    add_notice(editor, english, "Précision", ENGLISH_NOTICE)

    # A French reader: the notice above the story, with the update's time in the byline.
    reader = browsing()
    page = reader.page
    reader.go(newsroom.get_absolute_url())
    notices = page.get_by_role("region", name="Rectificatifs et précisions")
    expect(notices).to_contain_text("Rectificatif")
    expect(notices).to_contain_text(FRENCH_NOTICE)
    expect(page.locator(".article__header")).to_contain_text("Mis à jour le")
    reader.assert_accessible("a corrected story")
    notices.get_by_role("link", name="Tous nos rectificatifs").click()
    expect(page).to_have_url(f"{reader.base_url}/corrections/")
    expect(page.locator("main")).to_contain_text(FRENCH_NOTICE)
    expect(page.locator("main")).not_to_contain_text(ENGLISH_NOTICE)
    reader.assert_accessible("the corrections page")
    page.get_by_role("link", name=newsroom.title).click()
    expect(page.get_by_role("region", name="Rectificatifs et précisions")).to_be_visible()
    feed = page.request.get(f"{reader.base_url}/corrections/feed/").text()
    assert FRENCH_NOTICE in feed and ENGLISH_NOTICE not in feed

    # An English reader: the English story's notice, its edition's page and feed.
    reader = browsing(locale="en")
    page = reader.page
    reader.go("/en/articles/moscow-works-with-the-taliban/")
    notices = page.get_by_role("region", name="Corrections and clarifications")
    expect(notices).to_contain_text("Clarification")
    expect(notices).to_contain_text(ENGLISH_NOTICE)
    expect(page.locator(".article__header")).not_to_contain_text("Updated")
    reader.assert_accessible("a corrected story (en)")
    page.locator(".site-footer").get_by_role("link", name="Corrections").click()
    expect(page).to_have_url(f"{reader.base_url}/en/corrections/")
    expect(page.locator("main")).to_contain_text(ENGLISH_NOTICE)
    reader.assert_accessible("the corrections page (en)")
    feed = page.request.get(f"{reader.base_url}/en/corrections/feed/atom/").text()
    assert ENGLISH_NOTICE in feed and FRENCH_NOTICE not in feed
