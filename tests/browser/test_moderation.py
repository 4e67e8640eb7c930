"""A moderator clears the queue of held comments with the keyboard alone, on a laptop's
screen and on a phone, decides on a held comment from its article page, undoes a
decision from its message and replies in the site's name; the editor-in-chief too."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LAPTOP = {"width": 1366, "height": 768}
QUEUE = "/admin/comments/comment/?status__exact=pending"
LONG_WORD = "Anticonstitutionnellement" * 4


def hold_comments(article, count: int) -> list:
    """A queue of held comments from five commenters, oldest first, some with long words
    and reasons."""
    from comments.models import Comment

    now = timezone.now()
    comments = []
    for n in range(count):
        comment = Comment(
            article=article,
            name=f"Lecteur {n:02d}",
            # Five regulars, with an address long enough to need wrapping.
            email=f"lecteur.numero.{n % 5}.avec.une.longue.adresse@example.invalid",
            body=f"Commentaire {n:02d} en attente. {LONG_WORD if n % 4 == 0 else ''}",
            status=Comment.Status.PENDING,
            reason="Retenu : 3 liens (plus de 2), et le mot « casino » de la liste"
            if n % 3
            else "",
            submitted_at=now - datetime.timedelta(minutes=count - n),
        )
        comment.save()
        comments.append(comment)
    return comments


def assert_no_sideways_scroll(page) -> None:
    """The list fits its screen: no sideways scroll, the last columns in view."""
    overflow = page.evaluate(
        """() => {
          const results = document.querySelector('#changelist .results');
          const cells = [...document.querySelectorAll(
            '#result_list .field-submitted_at, #result_list .field-status_and_reason,'
            + ' #result_list .field-decision_buttons')];
          return {
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            results: results.scrollWidth - results.clientWidth,
            cells: cells.filter(cell => cell.getBoundingClientRect().right > innerWidth).length,
            shown: cells.length,
          };
        }"""
    )
    assert overflow["shown"] > 0, overflow
    assert overflow == {"page": 0, "results": 0, "cells": 0, "shown": overflow["shown"]}, overflow


def focused_row(page) -> str:
    return page.evaluate("document.activeElement.closest('.decide')?.id || ''")


def assert_focus_visible(page) -> None:
    visible = page.evaluate(
        """() => {
          const element = document.activeElement;
          const style = getComputedStyle(element);
          return element.matches(':focus-visible') && style.outlineStyle !== 'none'
            && parseFloat(style.outlineWidth) >= 2;
        }"""
    )
    assert visible, "the focused button shows no visible focus"


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "phone"])
def test_a_moderator_clears_a_queue_of_20_comments_with_the_keyboard(demo, browsing, viewport):
    from comments.models import Comment

    held = hold_comments(demo, 20)
    moderator = browsing(locale="en", viewport=viewport)
    page = moderator.page
    log_in(page, "moderator")
    moderator.go(QUEUE)
    expect(page.locator(".decide")).to_have_count(20)
    # The keys are listed where a keyboard is likely; on a phone's width they work unlisted.
    keys = page.locator("#decide-keys")
    expect(keys).to_contain_text("a approve, r reject, s spam, u undo the last decision")
    if viewport == LAPTOP:
        expect(keys).to_be_visible()
    else:
        expect(keys).to_be_hidden()
    assert_no_sideways_scroll(page)
    moderator.assert_accessible(f"the moderation queue at {viewport['width']} px")

    # Newest first: j starts at the top, k comes back up.
    newest_first = [c.pk for c in reversed(held)]
    page.keyboard.press("j")
    assert focused_row(page) == f"decide-{newest_first[0]}"
    assert_focus_visible(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert focused_row(page) == f"decide-{newest_first[1]}"
    page.keyboard.press("ArrowUp")
    assert focused_row(page) == f"decide-{newest_first[0]}"

    decided: dict[int, str] = {}
    keys = {"a": Comment.Status.APPROVED, "r": Comment.Status.REJECTED, "s": Comment.Status.SPAM}
    for n in range(20):
        row = focused_row(page)
        assert row, f"nothing has the focus after {n} decisions"
        key = "arsa"[n % 4]
        page.keyboard.press(key)
        decided[int(row.removeprefix("decide-"))] = keys[key]
        expect(page.locator(f"#{row}")).to_have_count(0)
        expect(page.locator(".messagelist")).to_be_visible()
        expect(page.locator(".decide")).to_have_count(19 - n)
        if n < 19:
            # Back on the queue, the keyboard is on the next comment, ready.
            expect(page.locator(".decide button:focus")).to_have_count(1)
            assert_focus_visible(page)

    assert sorted(decided) == sorted(newest_first)
    stored = dict(Comment.objects.filter(pk__in=decided).values_list("pk", "status"))
    assert stored == decided
    assert set(
        Comment.objects.filter(pk__in=decided).values_list("moderated_by__username", flat=True)
    ) == {"moderator"}
    expect(page.locator("#result_list")).to_have_count(0)
    moderator.assert_accessible("the emptied queue")

    # The change page of a decided comment, with its history link and note.
    moderator.go(f"/admin/comments/comment/{held[-1].pk}/change/")
    expect(page.locator(".field-history a")).to_contain_text("approved")
    moderator.assert_accessible(f"a comment's change page at {viewport['width']} px")


def test_a_moderator_decides_with_a_tap_on_a_phone(demo, browsing):
    held = hold_comments(demo, 6)
    moderator = browsing(locale="en", viewport=PHONE)
    page = moderator.page
    log_in(page, "moderator")
    moderator.go(QUEUE)
    assert_no_sideways_scroll(page)
    moderator.assert_accessible("the moderation queue on a phone")
    # A tap on Approve decides, and the queue comes back shorter.
    page.locator(f"#decide-{held[0].pk} button[value=approve]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 comment approved.")
    expect(page.locator(".decide")).to_have_count(5)
    moderator.go(f"/admin/comments/comment/{held[1].pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    moderator.assert_accessible("a comment's change page on a phone")


def test_a_moderator_decides_on_a_held_comment_from_its_article_page(demo, browsing):
    (comment,) = hold_comments(demo, 1)
    moderator = browsing(locale="en", viewport=LAPTOP)
    page = moderator.page
    log_in(page, "moderator")
    moderator.go(f"/admin/comments/comment/{comment.pk}/change/")
    page.fill("#id_moderator_note", "Checked the sources.")
    page.get_by_role("button", name="Save and continue editing").click()
    with page.expect_navigation():
        page.get_by_role("link", name="View on site").click()
    held = page.locator(f"#comment-{comment.pk}")
    expect(held).to_contain_text("Commentaire 00")
    expect(held).to_contain_text("Moderation: Pending. Readers cannot see this comment.")
    moderator.assert_accessible("a held comment on its article page")

    # A reader still sees nothing of it.
    reader = browsing(locale="en")
    reader.go(page.url.split("#")[0])
    expect(reader.page.locator(f"#comment-{comment.pk}")).to_have_count(0)

    held.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("1 comment approved.")
    expect(held).not_to_contain_text("Moderation")
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.moderator_note == "Checked the sources."
    reader.page.reload()
    expect(reader.page.locator(f"#comment-{comment.pk}")).to_contain_text("Commentaire 00")


# Every element one taps or clicks on the page, as displayed: those smaller than 44 by 44
# CSS pixels (the skip link, off the screen until focused, is not displayed).
SMALL_TARGETS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  return [...document.querySelectorAll(selector)].flatMap(element => {
    const box = element.getBoundingClientRect();
    const shown = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && getComputedStyle(element).visibility !== 'hidden';
    if (!shown || (box.width >= 44 && box.height >= 44)) return [];
    const name = (element.textContent || element.value || element.name || '').trim();
    return [`${element.tagName} ${element.className} "${name.slice(0, 30)}":`
      + ` ${Math.round(box.width)}x${Math.round(box.height)}`];
  });
}"""


def assert_targets_of_44_px(page, label: str) -> None:
    small = page.evaluate(SMALL_TARGETS)
    assert small == [], f"targets smaller than 44 px on {label}: {small}"


def assert_first_decision_on_the_first_screen(page) -> None:
    box = page.locator(".decide button").first.bounding_box()
    height = page.evaluate("innerHeight")
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height, (box, height)


@pytest.mark.parametrize("username", ["moderator", "editor"], ids=["moderator", "chief"])
def test_a_moderator_approves_by_key_undoes_from_the_message_and_replies_as_the_site(
    demo, browsing, username
):
    """The editor-in-chief (the demo's editor) moderates as the moderators do."""
    from comments.models import Comment

    oldest, middle, newest = hold_comments(demo, 3)
    moderator = browsing(locale="en", viewport=LAPTOP)
    page = moderator.page
    log_in(page, username)
    moderator.go(QUEUE)
    reader = browsing(locale="en")
    article_page = f"/en{demo.get_absolute_url()}"

    # a approves the comment the keyboard is on, and the message offers to undo it.
    page.keyboard.press("j")
    assert focused_row(page) == f"decide-{newest.pk}"
    page.keyboard.press("a")
    message = page.locator(".messagelist")
    expect(message).to_contain_text("1 comment approved.")
    undo = message.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    newest.refresh_from_db()
    assert newest.status == Comment.Status.APPROVED
    demo.refresh_from_db()
    assert demo.comment_count == 1
    reader.go(article_page)
    expect(reader.page.locator(f"#comment-{newest.pk}")).to_contain_text("Commentaire 02")
    moderator.assert_accessible("the queue with the message of a decision")

    # Undo puts it all back: held again, counted out, gone from the page, keyboard on it.
    undo.click()
    expect(message).to_contain_text("Undone: 1 comment is back as it was.")
    expect(page.locator(f"#decide-{newest.pk} button:focus")).to_have_count(1)
    newest.refresh_from_db()
    assert (newest.status, newest.moderated_by, newest.moderated_at) == ("pending", None, None)
    demo.refresh_from_db()
    assert demo.comment_count == 0
    reader.page.reload()
    expect(reader.page.locator(f"#comment-{newest.pk}")).to_have_count(0)

    # The keys still work: a again, then u undoes from the keyboard, then a once more.
    page.keyboard.press("a")
    expect(message).to_contain_text("1 comment approved.")
    expect(page.locator(".decide")).to_have_count(2)
    # Each decision loads the queue again: wait for its script to put the keyboard back.
    expect(page.locator(".decide button:focus")).to_have_count(1)
    page.keyboard.press("u")
    expect(message).to_contain_text("Undone: 1 comment is back as it was.")
    expect(page.locator(".decide")).to_have_count(3)
    expect(page.locator(f"#decide-{newest.pk} button:focus")).to_have_count(1)
    page.keyboard.press("a")
    expect(message).to_contain_text("1 comment approved.")

    # Reply in the site's name to a held comment: approved with it, and published.
    page.get_by_role("link", name=f"Reply to the comment by {middle.name}").click()
    expect(page.locator("h1")).to_have_text("Reply in the site’s name")
    expect(page.locator(".reply__text")).to_contain_text("Commentaire 01")
    moderator.assert_accessible("the reply page")
    page.get_by_label("Your reply").fill("Merci, nous avons corrigé l’article.")
    page.get_by_role("button", name="Approve and publish the reply").click()
    expect(message).to_contain_text(f"Your reply to {middle.name} is published")
    reply = Comment.objects.get(from_site=True)
    assert (reply.parent_id, reply.status, reply.moderated_by.username) == (
        middle.pk,
        "approved",
        username,
    )
    message.get_by_role("link", name="See it on the site").click()
    thread = page.locator(f"#comment-{middle.pk} + .comment-list--replies")
    staff = page.locator(f"#comment-{reply.pk}")
    expect(staff).to_contain_text("Merci, nous avons corrigé l’article.")
    expect(staff.locator(".comment__staff")).to_have_text("Staff reply")
    expect(thread.locator(f"#comment-{reply.pk}")).to_have_count(1)
    moderator.assert_accessible("the article page with the site's reply")
    reader.page.reload()
    expect(reader.page.locator(f"#comment-{reply.pk} .comment__staff")).to_have_text("Staff reply")


def test_at_1366_px_the_comment_text_gets_the_room(demo, browsing):
    hold_comments(demo, 6)
    moderator = browsing(locale="fr-FR", viewport=LAPTOP)
    page = moderator.page
    log_in(page, "moderator")
    moderator.go(QUEUE)
    widths = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#result_list thead th')]
          .map(th => [th.className.match(/column-(\\w+)/)?.[1] || 'checkbox',
                      th.getBoundingClientRect().width]))"""
    )
    # About 60 characters a line: a comment reads as text, not as a column of words.
    assert widths["comment"] >= 420, widths
    assert widths["comment"] == max(widths.values()), widths
    text = page.locator(".comment-row__text").first.bounding_box()
    assert text is not None and text["width"] >= 400, text
    assert_no_sideways_scroll(page)


def test_on_a_phone_the_first_decision_is_on_the_first_screen_and_every_target_is_44_px(
    demo, browsing
):
    held = hold_comments(demo, 4)
    moderator = browsing(locale="fr-FR", viewport=PHONE, has_touch=True)
    page = moderator.page
    log_in(page, "moderator")
    moderator.go(QUEUE)
    assert_first_decision_on_the_first_screen(page)
    assert_targets_of_44_px(page, "the queue on a phone")
    assert_no_sideways_scroll(page)
    moderator.assert_accessible("the queue on a phone")

    # After a tap, the message and its Undo button come first, and the next decision still
    # shows on the first screen.
    page.locator(f"#decide-{held[-1].pk} button[value=approve]").tap()
    expect(page.locator(".messagelist")).to_contain_text("1 commentaire approuvé.")
    assert_first_decision_on_the_first_screen(page)
    assert_targets_of_44_px(page, "the queue with a message on a phone")
    moderator.assert_accessible("the queue with a decision's message on a phone")
    page.locator(".messagelist").get_by_role("button", name="Annuler").tap()
    expect(page.locator(".messagelist")).to_contain_text("Annulé")
    expect(page.locator(".decide")).to_have_count(4)

    page.locator(".reply-link").first.tap()
    expect(page.locator("h1")).to_have_text("Répondre au nom du site")
    assert_targets_of_44_px(page, "the reply page on a phone")
    moderator.assert_accessible("the reply page on a phone")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    moderator.go(f"/admin/comments/comment/{held[0].pk}/change/")
    assert_targets_of_44_px(page, "a comment's change page on a phone")
    moderator.assert_accessible("a comment's change page on a phone")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "phone"])
def test_the_moderation_screens_pass_axe_in_the_dark_theme(demo, browsing, viewport):
    """The light theme is checked on the way by the journeys above, desktop and phone."""
    theme = "dark"
    held = hold_comments(demo, 3)
    moderator = browsing(locale="fr-FR", viewport=viewport, color_scheme=theme)
    page = moderator.page
    log_in(page, "moderator")
    label = f"({theme}, {viewport['width']} px)"
    moderator.go(QUEUE)
    moderator.assert_accessible(f"the queue {label}")
    page.locator(f"#decide-{held[-1].pk} button[value=approve]").click()
    expect(page.locator(".messagelist .undo-form")).to_be_visible()
    moderator.assert_accessible(f"the queue with a decision's message {label}")
    moderator.go(f"/admin/comments/comment/{held[0].pk}/reply/")
    moderator.assert_accessible(f"the reply page {label}")
    page.get_by_role("button", name="Approuver et publier la réponse").click()
    expect(page.locator(".errorlist")).to_contain_text("Écrivez d’abord la réponse")
    moderator.assert_accessible(f"the reply page with its error {label}")
