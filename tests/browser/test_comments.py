"""Readers comment, reply and fix their mistakes; a moderator approves in the admin."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_editing import log_in
from tests.browser.test_forms import focused_id, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "camille.reader@example.com"


def comment_form_or_skip(page):
    form = page.locator("form#comment-form")
    if form.count() == 0:
        pytest.skip("The article page has no comment form (the comments app is not there).")
    return form


def post_comment(page, body: str, name: str = "Camille", email: str = EMAIL) -> None:
    form = comment_form_or_skip(page)
    form.locator("#id_body").fill(body)
    form.locator("#id_name").fill(name)
    form.locator("#id_email").fill(email)
    form.locator('button[type="submit"]').click()


def test_a_reader_comments_and_a_moderator_approves_it(demo, browsing):
    from comments.models import Comment

    reader = browsing()
    page = reader.page
    reader.go("/")
    page.get_by_role("link", name=demo.title).click()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    post_comment(page, "Une analyse utile, merci.")
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    comment = Comment.objects.get(email=EMAIL)
    mine = page.locator(f"#comment-{comment.pk}")
    expect(mine).to_contain_text("Une analyse utile, merci.")
    expect(mine).to_contain_text("awaiting moderation")

    # Nobody else sees it until a moderator approves it.
    passer_by = browsing(locale="en")
    passer_by.go(demo.get_absolute_url())
    expect(passer_by.page.locator(f"#comment-{comment.pk}")).to_have_count(0)
    # The front page, kept as it was read, shows the story's count without it.
    front = browsing(locale="en")
    for _ in range(2):
        front.go("/en/")
    card_count = front.page.locator(f'a[href$="/{demo.slug}/#comments"]').first
    expect(card_count).not_to_have_text("")
    count_before = card_count.inner_text()

    moderator = browsing(locale="en")
    log_in(moderator.page, "moderator")
    moderator.go("/admin/comments/comment/")
    moderator.page.locator(f'input[name="_selected_action"][value="{comment.pk}"]').check()
    moderator.page.locator('select[name="action"]').select_option("approve")
    moderator.page.locator('button[name="index"]').click()
    expect(moderator.page.locator(".messagelist")).to_contain_text("1 comment approved.")

    page.reload()
    expect(mine).to_contain_text("Une analyse utile, merci.")
    expect(mine).not_to_contain_text("awaiting moderation")
    approved = Comment.objects.approved().filter(article=demo).count()
    label = "1 comment" if approved == 1 else f"{approved} comments"
    expect(page.locator("#comments-title")).to_have_text(label)
    assert EMAIL not in page.content()
    reader.assert_accessible("the article with comments")

    passer_by.page.reload()
    expect(passer_by.page.locator(f"#comment-{comment.pk}")).to_contain_text("Une analyse")
    assert EMAIL not in passer_by.page.content()

    # The front page's kept copy gets the new count, filled in where it stands.
    answer = front.page.reload()
    expect(card_count).to_have_text(label)
    assert count_before != label
    assert "detail=refilled" in answer.headers["cache-status"]
    assert EMAIL not in front.page.content()
    front.assert_accessible("the front page with a count filled in again")


def test_a_reader_replies_to_a_comment(demo, reader, approved_comment):
    page = reader.page
    reader.go(demo.get_absolute_url())
    comment_form_or_skip(page)
    page.get_by_role("link", name=f"Répondre à {approved_comment.name}").click()
    expect(page.locator(".comment-form__title")).to_contain_text(approved_comment.name)

    post_comment(page, "Je ne suis pas d'accord avec vous.", name="Dominique")
    thread = page.locator(f"#comment-{approved_comment.pk} + .comment-list--replies")
    expect(thread).to_contain_text("Je ne suis pas d'accord avec vous.")
    expect(thread).to_contain_text("Dominique")


def test_a_reader_fixes_an_invalid_comment_with_the_keyboard(demo, reader):
    page = reader.page
    reader.go(demo.get_absolute_url())
    comment_form_or_skip(page)
    tab_to(page, "id_body", limit=120)
    page.keyboard.type("Merci pour ces précisions.")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_name"
    page.keyboard.type("Camille")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_email"
    page.keyboard.type("camille@")
    page.keyboard.press("Enter")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    assert "id_email_error" in email.get_attribute("aria-describedby").split()
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.locator("#id_body")).to_have_value("Merci pour ces précisions.")
    reader.assert_accessible("the article with comment form errors")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(email).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    expect(page.locator(".comment--pending")).to_contain_text("Merci pour ces précisions.")


def test_a_reader_comments_from_a_phone(demo, browsing):
    phone = browsing(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.go(demo.get_absolute_url())
    form = comment_form_or_skip(phone.page)
    for field in ["#id_body", "#id_name", "#id_email", 'button[type="submit"]']:
        box = form.locator(field).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], field
        # Big enough to hit with a thumb (WCAG 2.2 target size: 24 px at least).
        assert box["height"] >= 24, field
    form.locator("#id_body").tap()
    post_comment(phone.page, "Lu dans le métro.")
    expect(phone.page.locator(".comment--pending")).to_contain_text("Lu dans le métro.")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_reading_and_commenting_need_no_javascript(demo, browsing):
    reader = browsing(java_script_enabled=False)
    reader.go(demo.get_absolute_url())
    expect(reader.page.locator("h1")).to_have_text(demo.title)
    post_comment(reader.page, "Sans JavaScript, tout marche.")
    expect(reader.page.locator(".comment--pending")).to_contain_text("Sans JavaScript")
