"""Forms a reader fills in with the keyboard alone, errors announced and tied to their fields."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def tab_to(page, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never got the focus after {limit} Tabs")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_reader_fixes_an_invalid_contact_form_with_the_keyboard(demo, reader):
    page = reader.page
    reader.go("/author/houssen-moshinaly/contact/")
    tab_to(page, "id_name")
    page.keyboard.type("Pascal")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_email"
    page.keyboard.type("pascal-at-example")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_message"
    page.keyboard.type("Merci pour cet article.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    # The errors are announced first: the summary takes the focus and lists them.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email_error")).to_be_visible()
    assert "id_email_error" in email.get_attribute("aria-describedby").split()
    expect(page.locator("#id_name")).not_to_have_attribute("aria-invalid", "true")
    reader.assert_accessible("the contact form with an error")

    # The summary's link leads to the field; the reader fixes it and sends.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(email).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("pascal@example.com")
    tab_to(page, "id_message")
    expect(page.locator("#id_message")).to_have_value("Merci pour cet article.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{reader.base_url}/author/houssen-moshinaly/")
    expect(page.get_by_role("status")).to_contain_text("Houssen Moshinaly")
