"""A reader subscribes to the newsletter, confirms by mail, changes their choices and
leaves, in each edition; axe on every page on the way, light and dark, desktop and phone.

The mail Carnet sends is read from Django's test outbox: the live server runs the tasks
right after each commit, in this process.
"""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_conflicts import assert_accessible_everywhere
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READER = "camille.reader@example.com"


def mail_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def link(message, kind: str) -> str:
    """The path of the message's newsletter link of that kind (confirm, manage)."""
    found = re.search(rf"https?://[^/\s]+(/(?:en/)?newsletter/{kind}/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_a_reader_signs_up_under_an_article_confirms_manages_and_unsubscribes(demo, browsing):
    from newsletter.models import Subscriber

    reader = browsing()
    page = reader.page
    reader.go(demo.get_absolute_url())
    signup = page.locator(".newsletter-signup")
    assert_accessible_everywhere(reader, "the article with the sign-up form")
    signup.get_by_label("Votre adresse e-mail").fill(READER)
    signup.get_by_label("Un résumé chaque jour").check()
    signup.get_by_role("button", name="S’abonner").click()
    expect(page.locator("h1")).to_have_text("Consultez votre messagerie")
    assert_accessible_everywhere(reader, "the sign-up's answer")
    assert mail_to(READER) and Subscriber.objects.get().confirmed_at is None

    [confirmation] = mail_to(READER)
    assert "Confirmez votre abonnement" in confirmation.subject
    reader.go(link(confirmation, "confirm"))
    assert_accessible_everywhere(reader, "the confirmation page")
    page.get_by_role("button", name="Oui, abonnez-moi").click()
    expect(page.locator("h1")).to_have_text("Vous êtes abonné")
    subscriber = Subscriber.objects.get()
    assert subscriber.is_confirmed() and subscriber.rhythm == Subscriber.Rhythm.DAILY

    page.get_by_role("link", name="Changer ce que vous recevez").click()
    expect(page.locator("h1")).to_have_text("Votre lettre d’information")
    assert READER not in page.content()
    page.get_by_label("Un résumé chaque semaine").check()
    page.get_by_label(demo.category.name).check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.locator(".message")).to_have_text("Vos choix sont enregistrés.")
    expect(page.get_by_label("Un résumé chaque semaine")).to_be_checked()
    assert_accessible_everywhere(reader, "the manage page, saved")
    subscriber.refresh_from_db()
    assert subscriber.rhythm == Subscriber.Rhythm.WEEKLY
    assert list(subscriber.categories.all()) == [demo.category]

    page.get_by_role("button", name="Me désabonner").click()
    expect(page.locator(".message")).to_contain_text("Vous êtes désabonné")
    assert_accessible_everywhere(reader, "the unsubscribed page")
    subscriber.refresh_from_db()
    assert not subscriber.is_confirmed()
    # Nothing else was ever mailed: the confirmation alone.
    assert len(mail_to(READER)) == 1


def test_an_english_reader_signs_up_on_a_phone_and_leaves_from_the_unsubscribe_page(
    demo, browsing
):
    from newsletter.models import Subscriber

    reader = browsing(locale="en-GB", viewport=PHONE, is_mobile=True)
    page = reader.page
    reader.go("/en/")
    page.get_by_role("link", name="Only some categories?").click()
    expect(page).to_have_url(re.compile(r"/en/newsletter/$"))
    expect(page.locator("h1")).to_have_text("The newsletter")
    reader.assert_accessible("the sign-up page (en, phone)")
    # A mistyped address: the form again, the error first and focused, the input kept.
    page.get_by_label("Your email").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Your email")).to_have_value("not an address")
    reader.assert_accessible("the sign-up page with an error (en, phone)")
    page.get_by_label("Your email").fill(READER)
    with translation.override("en"):
        page.get_by_label(demo.category.local_name).check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("h1")).to_have_text("Check your mailbox")

    [confirmation] = mail_to(READER)
    assert "Confirm your subscription" in confirmation.subject
    reader.go(link(confirmation, "confirm"))
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "en" and subscriber.is_confirmed()

    reader.go(subscriber.unsubscribe_url())
    assert_accessible_everywhere(reader, "the unsubscribe page (en)")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator(".message")).to_have_text(
        "You are unsubscribed: we send you no more newsletters."
    )
    # A mistake: undone on the same page, then done again.
    page.get_by_role("button", name="Subscribe me again").click()
    expect(page.locator(".message")).to_have_text(
        "You are subscribed again, with the same choices."
    )
    reader.assert_accessible("the unsubscribe page, subscribed again (en, phone)")
    subscriber.refresh_from_db()
    assert subscriber.is_confirmed()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("button", name="Subscribe me again")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_the_editor_in_chief_finds_a_subscriber_and_ends_the_subscription(demo, browsing):
    from newsletter.models import Subscriber
    from tests.base import make_subscriber

    asking = make_subscriber(email="wants.out@example.com")
    make_subscriber(email="stays@example.com", language="en")
    make_subscriber(email="waiting@example.com", confirmed_at=None)
    chief = browsing()
    page = chief.page
    log_in(page, "editor")  # the demo's editor is the Editor-in-chief
    page.goto("/admin/newsletter/subscriber/")
    expect(page.locator("#changelist-filter")).to_contain_text("Confirmé (2)")
    expect(page.locator("#changelist-filter")).to_contain_text("En attente de confirmation (1)")
    assert_accessible_everywhere(chief, "the subscriber list")
    page.get_by_role("link", name="Confirmé (2)").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.locator(f'input[name="_selected_action"][value="{asking.pk}"]').check()
    page.locator('select[name="action"]').select_option("unsubscribe")
    page.get_by_role("button", name="Exécuter").click()
    expect(page.locator(".messagelist")).to_contain_text("1 abonné désabonné.")
    assert_accessible_everywhere(chief, "the subscriber list after the action")
    asking.refresh_from_db()
    assert asking.unsubscribed_at is not None
    assert Subscriber.objects.confirmed().count() == 1
