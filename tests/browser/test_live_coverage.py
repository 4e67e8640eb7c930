"""Live coverage in Chromium: an editor opens the desk and posts five entries; a reader's
open page shows each without a reload, within the polling interval; a reader without
JavaScript sees them on reload; the structured data is a LiveBlogPosting; the polling
answers carry the cache headers docs/deploy.md documents; ending the coverage stops the
polling and takes the badge off. axe on the desk and the story, light and dark, desktop
and phone, in both editions."""

import json
import re
import time

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.test_conflicts import assert_accessible_everywhere
from tests.browser.test_newsroom import log_in, write_body

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Fast, so that the journey takes seconds: a page asks every second, by ranges of five.
POLL_SECONDS = 1
# The test server answers one request at a time (conftest), the desk's among the
# reader's, on a machine the other tests share: room on top of the interval.
MARGIN_SECONDS = 9
ENTRIES = [
    "Les bureaux de vote ferment à 20 heures.",
    "Premières estimations : participation en hausse.",
    "Le candidat sortant reconnaît sa défaite.",
    "Rassemblement place de la République.",
    "Les résultats définitifs sont attendus demain.",
]


def desk_entry_id(words: str) -> str:
    """The anchor of the entry that says these words, as the article page names it."""
    from blog.models import LiveEntry

    return LiveEntry.objects.get(body__contains=words[:20]).anchor


def structured_data(page) -> dict:
    return json.loads(page.locator('script[type="application/ld+json"]').first.text_content())


@override_settings(CARNET_LIVE_POLL_SECONDS=POLL_SECONDS, CARNET_LIVE_RANGE_SECONDS=5)
def test_an_editor_covers_a_story_live_and_readers_follow_it(demo, browsing):
    story = demo.get_absolute_url()

    # The editor opens the article's live coverage desk and starts it.
    editor = browsing()
    desk = editor.page
    log_in(desk, "editor")
    editor.go(f"/admin/blog/article/{demo.pk}/change/")
    desk.get_by_role("link", name="Direct", exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Direct")
    assert_accessible_everywhere(editor, "live desk, not started")
    desk.get_by_role("button", name="Commencer le direct").click()
    expect(desk.get_by_label("Nouvelle entrée")).to_be_focused()

    # A reader with JavaScript keeps the story open; another reads without it.
    reader = browsing()
    polls = []
    reader.page.on(
        "response", lambda response: "/live/" in response.url and polls.append(response)
    )
    reader.go(story)
    expect(reader.page.locator(".article__header .live-badge")).to_have_text("En direct")
    plain = browsing(java_script_enabled=False)
    plain.go(story)

    # Five entries, each posted with Enter; the last has a second line (Shift+Enter).
    box = desk.get_by_label("Nouvelle entrée")
    for number, words in enumerate(ENTRIES, start=1):
        box.fill(words)
        if number == len(ENTRIES):
            box.press("Shift+Enter")
            box.press_sequentially("Rendez-vous à 8 heures.")
        posted_at = time.monotonic()
        box.press("Enter")
        expect(desk.locator(".messagelist")).to_contain_text("Entrée publiée.")
        expect(desk.locator(".live-desk__entry").first).to_contain_text(words)
        # On the reader's open page, without a reload, within the polling interval.
        expect(reader.page.locator(".live__entries .live-entry").first).to_contain_text(
            words, timeout=(POLL_SECONDS + MARGIN_SECONDS) * 1000
        )
        assert time.monotonic() - posted_at < POLL_SECONDS + MARGIN_SECONDS
        expect(reader.page.locator(".live__entries .live-entry")).to_have_count(number)
    assert reader.page.url.endswith(story)  # never reloaded
    last = reader.page.locator(".live-entry").first.locator(".live-entry__body p")
    expect(last).to_have_count(2)
    assert_accessible_everywhere(editor, "live desk with five entries")

    # The polling answers are public, kept briefly while open and a day once over.
    assert polls, "the reader's page never polled"
    for response in polls:
        assert response.status == 200, response.url
        control = response.headers["cache-control"]
        assert re.fullmatch(r"public, max-age=([1-5]|86400)", control), control
        assert response.headers.get("etag"), response.url

    # Without JavaScript nothing moved; a reload shows the five, newest first.
    expect(plain.page.locator(".live-entry")).to_have_count(0)
    plain.page.reload()
    expect(plain.page.locator(".live-entry")).to_have_count(5)
    expect(plain.page.locator(".live-entry").first).to_contain_text(ENTRIES[-1])
    expect(plain.page.locator(".live-entry").last).to_contain_text(ENTRIES[0])

    # Search engines are told it is a live blog, with its entries.
    data = structured_data(plain.page)
    assert data["@type"] == "LiveBlogPosting"
    assert "coverageStartTime" in data and "coverageEndTime" not in data
    assert [update["@type"] for update in data["liveBlogUpdate"]] == ["BlogPosting"] * 5
    assert data["liveBlogUpdate"][-1]["articleBody"] == ENTRIES[0]
    assert all(update["headline"] and update["datePublished"] for update in data["liveBlogUpdate"])

    # Pinning puts an entry on top of the reader's page, still without a reload.
    desk.locator(".live-desk__entry").last.get_by_role(
        "button", name=re.compile("^Épingler")
    ).click()
    expect(reader.page.locator(".live-entry").first).to_contain_text(
        ENTRIES[0], timeout=(POLL_SECONDS + MARGIN_SECONDS) * 1000
    )
    expect(reader.page.locator(".live-entry").first.locator(".live-entry__pin")).to_be_visible()

    # A correction in the entry's own form (the rich-text editor) reaches the open page.
    desk.locator(".live-desk__entry").nth(1).get_by_role(
        "link", name=re.compile("^Modifier")
    ).click()
    expect(desk.locator(".tiptap.ProseMirror")).to_contain_text(ENTRIES[-1])
    assert_accessible_everywhere(editor, "live entry form")
    write_body(desk, "<p>Les résultats définitifs sont attendus lundi.</p>")
    desk.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("Entrée enregistrée.")
    expect(reader.page.locator(f"#{desk_entry_id(ENTRIES[-1])}")).to_contain_text(
        "attendus lundi", timeout=(POLL_SECONDS + MARGIN_SECONDS) * 1000
    )
    expect(reader.page.locator(".live-entry")).to_have_count(5)
    editor.go(f"/admin/blog/article/{demo.pk}/history/")
    expect(desk.locator("#live-revision-list tbody tr")).to_have_count(7)
    assert_accessible_everywhere(editor, "article history with its live entries")
    editor.go(f"/admin/blog/article/{demo.pk}/live/")

    # The story, its card on the front page and the English edition, for everyone (axe
    # runs its script in the page: on pages with JavaScript).
    assert_accessible_everywhere(reader, "live story (French)")
    front = browsing()
    front.go("/")
    expect(front.page.locator(".lead .live-badge")).to_have_text("En direct")
    assert_accessible_everywhere(front, "front page with a live story")
    english = browsing(locale="en-GB")
    english.go(f"/en{story}")
    expect(english.page.locator(".article__header .live-badge")).to_have_text("Live")
    expect(english.page.locator("#live-title")).to_have_text("Live coverage")
    assert_accessible_everywhere(english, "live story (English)")

    # Ending the coverage: the reader's page stops asking once an answer tells it so
    # (within the polling interval), the badge goes on reload.
    before_the_end = len(polls)
    desk.get_by_role("button", name="Terminer le direct").click()
    expect(desk.locator(".messagelist")).to_contain_text("Direct terminé.")
    expect(box).to_have_count(0)
    told = time.monotonic() + POLL_SECONDS + MARGIN_SECONDS
    while not any("data-ended" in response.text() for response in polls[before_the_end:]):
        assert time.monotonic() < told, "no answer told the reader's page the coverage ended"
        reader.page.wait_for_timeout(100)
    asked = len(polls)
    reader.page.wait_for_timeout(3 * POLL_SECONDS * 1000)
    assert len(polls) == asked, "the page kept polling an ended coverage"
    reader.page.reload()
    expect(reader.page.locator(".live-badge")).to_have_count(0)
    expect(reader.page.locator(".live-entry")).to_have_count(5)
    expect(reader.page.locator("#live-title")).to_have_text("Direct terminé")
    assert "coverageEndTime" in structured_data(reader.page)
    assert_accessible_everywhere(editor, "live desk, ended")
