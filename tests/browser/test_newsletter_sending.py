"""An editor's newsletter: on the article's form, whom it would reach, a preview of its
mail and a test send to themselves; then Publish, and each subscriber gets the article
once, with one-click unsubscribe. axe on the form and the test send's page, light and
dark, desktop and phone.

The live server runs the tasks right after each commit, in this process: the mail is
read from Django's test outbox.
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.base import make_draft, make_subscriber
from tests.browser.test_conflicts import assert_accessible_everywhere
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_editor_previews_tests_and_publishes_an_article_to_its_subscribers(demo, browsing):
    from accounts.models import User
    from newsletter.models import Issue

    editor_account = User.objects.get(username="editor")
    article = make_draft(author=editor_account, title="Une lettre pour vous")
    subscriber = make_subscriber(email="camille@example.com")
    make_subscriber(email="pending@example.com", confirmed_at=None)

    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    form = f"/admin/blog/article/{article.pk}/change/"
    editor.go(form)
    part = page.locator(".field-newsletter")
    expect(part).to_contain_text("Il atteindrait 1 abonné(s) confirmé(s) à sa publication.")
    expect(part).not_to_contain_text("@")
    assert_accessible_everywhere(editor, "article form, newsletter part")

    part.get_by_role("link", name="Aperçu du courriel").click()
    expect(page.get_by_role("heading", name="Une lettre pour vous")).to_be_visible()
    expect(page.get_by_role("link", name="Lire l’article")).to_be_visible()

    editor.go(form)
    before = len(mail.outbox)  # the sign-in's own notice, say
    page.locator(".field-newsletter").get_by_role("link", name="M’envoyer un essai").click()
    expect(page.locator("#content")).to_contain_text(editor_account.email)
    assert_accessible_everywhere(editor, "test send")
    assert len(mail.outbox) == before  # asked first
    page.get_by_role("button", name="M’envoyer un essai").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Un essai du courriel")
    [test] = mail.outbox[before:]
    assert test.to == [editor_account.email] and test.subject == "Une lettre pour vous"
    assert not Issue.objects.exists()

    mail.outbox.clear()
    editor.go(form)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".messagelist")).to_contain_text("Publié.")
    editor.go(form)
    expect(page.locator(".field-newsletter")).to_contain_text("Envoyé 1/1")
    editor.go("/admin/")  # no open form while the test reads the database
    [message] = [m for m in mail.outbox if "List-Unsubscribe" in m.extra_headers]
    assert message.to == [subscriber.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert subscriber.unsubscribe_url() in message.extra_headers["List-Unsubscribe"]
