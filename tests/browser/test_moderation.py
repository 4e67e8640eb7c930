"""A moderator clears the queue of held comments with the keyboard alone, on a laptop's
screen and on a phone, and decides on a held comment from its article page."""

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
            '#result_list .field-status, #result_list .field-reason_and_note,'
            + ' #result_list .field-history, #result_list .field-decision_buttons')];
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
    expect(page.locator("#decide-keys")).to_be_visible()
    expect(page.locator("#decide-keys")).to_contain_text("a approve, r reject, s spam")
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
