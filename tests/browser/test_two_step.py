"""Two-step sign-in in Chromium: the editor-in-chief sets up an authenticator app (its code
computed from the key the page shows) and a passkey (Chromium's virtual authenticator),
makes backup codes, signs out, and signs in with each; a backup code works once.

axe runs on every new page, light and dark, on a desktop and a phone."""

import base64
import re
import time

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def required(demo):
    """The site requires a second step of editors-in-chief, as in production."""
    with override_settings(TWO_STEP_REQUIRED=True):
        yield


def code_from(secret: str, last_t: int) -> str:
    """The app's code for the key shown on the page: the current one, or the next if the
    current one was already used (a code signs in once)."""
    key = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time()
    if totp.t() <= last_t:
        totp.time += 30 * (last_t + 1 - totp.t())
    return f"{totp.token():06d}"


def last_step(username: str) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user__username=username, confirmed=True).last_t


def password_step(page, username: str = "editor") -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")


def sign_out(page) -> None:
    page.locator("#logout-form button").click()
    expect(page.locator("h1")).to_have_text("Déconnecté")


def test_an_editor_in_chief_sets_up_and_signs_in_with_an_app_a_passkey_and_a_backup_code(
    required, browsing
):
    chief = browsing()
    page = chief.page

    # The password alone leads to setting up a second step, nowhere else.
    password_step(page)
    expect(page).to_have_url(re.compile(r"/admin/security/set-up/"))
    expect(page.locator("h1")).to_have_text("Configurer la connexion en deux étapes")
    chief.assert_accessible("the set-up of a first second step")
    chief.go("/admin/blog/article/")
    expect(page).to_have_url(re.compile(r"/admin/security/set-up/"))

    # An authenticator app: the QR code, and the same key as text to type in.
    expect(page.get_by_role("img", name="QR code à scanner")).to_be_visible()
    secret = page.locator(".two-step__secret").inner_text()
    page.locator("#id_name").fill("Téléphone")
    page.get_by_label("Code affiché par l’application").fill(code_from(secret, -1))
    page.get_by_role("button", name="Ajouter l’application d’authentification").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Téléphone")
    expect(page.locator("h1")).to_have_text("Sécurité de la connexion")
    chief.assert_accessible("sign-in security")

    # A passkey, on Chromium's virtual authenticator.
    cdp = chief.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.get_by_role("link", name="Ajouter une application d’authentification ou une clé").click()
    expect(page.get_by_label("Nom de la clé d’accès")).to_be_visible()
    chief.assert_accessible("adding a way to sign in")
    page.get_by_label("Nom de la clé d’accès").fill("Ordinateur")
    page.get_by_role("button", name="Ajouter une clé d’accès").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Ordinateur")
    expect(page.locator(".two-step__devices tbody tr")).to_have_count(2)

    # Backup codes, shown once.
    page.get_by_role("link", name="Créer des codes de secours").click()
    expect(page.get_by_role("button", name="Créer de nouveaux codes de secours")).to_be_visible()
    chief.assert_accessible("backup codes")
    page.get_by_role("button", name="Créer de nouveaux codes de secours").click()
    expect(page.locator(".two-step__codes code")).to_have_count(10)
    codes = page.locator(".two-step__codes code").all_inner_texts()
    chief.assert_accessible("new backup codes")
    chief.go("/admin/security/sessions/")
    expect(page.locator(".two-step__current")).to_contain_text("ce navigateur")
    chief.assert_accessible("one's sessions")

    # Signing in with the app.
    sign_out(page)
    password_step(page)
    expect(page).to_have_url(re.compile(r"/admin/security/verify/"))
    chief.assert_accessible("the second step")
    code = page.get_by_label("Code de votre application d’authentification, ou code de secours")
    code.fill("000000")
    code.press("Enter")
    expect(page.locator(".errorlist")).to_contain_text("Ce code n’est pas le bon")
    code = page.get_by_label("Code de votre application d’authentification, ou code de secours")
    code.fill(code_from(secret, last_step("editor")))
    code.press("Enter")
    expect(page.locator("#user-tools")).to_be_visible()

    # With the passkey.
    sign_out(page)
    password_step(page)
    page.get_by_role("button", name="Utiliser une clé d’accès").click()
    expect(page.locator("#user-tools")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # With a backup code, once.
    sign_out(page)
    password_step(page)
    page.get_by_label("Code de votre application d’authentification, ou code de secours").fill(
        codes[0]
    )
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#user-tools")).to_be_visible()
    sign_out(page)
    password_step(page)
    page.get_by_label("Code de votre application d’authentification, ou code de secours").fill(
        codes[0]
    )
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".errorlist")).to_contain_text("Ce code n’est pas le bon")
    page.get_by_role("button", name="Annuler et se déconnecter").click()
    expect(page.locator("#id_username")).to_be_visible()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_sign_in_security_pages_are_accessible(required, browsing, theme, phone):
    from accounts.models import User
    from accounts.twostep import make_backup_codes

    codes = make_backup_codes(User.objects.get(username="admin"))
    reader = browsing(color_scheme=theme, viewport=PHONE if phone else DESKTOP, is_mobile=phone)
    page = reader.page
    password_step(page, "admin")
    expect(page.locator("h1")).to_have_text("Connexion en deux étapes")
    reader.assert_accessible(f"the second step ({theme})")
    page.get_by_label("Code de votre application d’authentification, ou code de secours").fill(
        "wrong"
    )
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".errorlist")).to_be_visible()
    reader.assert_accessible(f"a wrong code ({theme})")
    page.get_by_label("Code de votre application d’authentification, ou code de secours").fill(
        codes[0]
    )
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#user-tools")).to_be_visible()
    for path in [
        "/admin/security/",
        "/admin/security/set-up/",
        "/admin/security/backup-codes/",
        "/admin/security/sessions/",
    ]:
        reader.go(path)
        reader.assert_accessible(f"{path} ({theme})")
