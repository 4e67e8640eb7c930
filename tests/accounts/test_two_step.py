"""Two-step sign-in for staff (accounts/twostep.py): who owes a second step, the step
itself, its throttling with passwords, setting up devices, and what a password alone
gets (nothing)."""

import base64
import datetime
import re
import time

from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twostep
from accounts.models import SignIn
from sitewide.http import browser_and_system
from tests.base import (
    PASSWORD,
    make_chief_editor,
    make_contributor,
    make_draft,
    make_editor,
    make_moderator,
    make_superuser,
    sign_in,
)

LOCKED = "La connexion est bloquée pendant 15 minutes"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or that many steps later), as the device expects it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def base32_key(secret: str) -> bytes:
    """The key of an authenticator app's set-up, as typed: base32 in groups of four."""
    secret = secret.replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def make_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone")


def make_backup_codes(user, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Backup codes")
    for code in codes:
        device.token_set.create(token=code)
    return device


class RuleTests(TestCase):
    """Who owes a second step."""

    def test_superusers_and_editors_in_chief_need_it_when_the_site_requires_it(self):
        self.assertTrue(twostep.needs_second_step(make_superuser()))
        self.assertTrue(twostep.needs_second_step(make_chief_editor()))
        for user in [make_editor(), make_contributor(), make_moderator()]:
            self.assertFalse(twostep.needs_second_step(user), user.username)

    @override_settings(TWO_STEP_REQUIRED=False)
    def test_off_the_password_alone_signs_them_in(self):
        self.assertFalse(twostep.needs_second_step(make_superuser()))
        self.assertFalse(twostep.needs_second_step(make_chief_editor()))

    @override_settings(TWO_STEP_REQUIRED=False)
    def test_an_account_with_a_device_always_needs_it(self):
        for make in [make_superuser, make_editor, make_moderator]:
            user = make()
            make_authenticator(user)
            self.assertTrue(twostep.needs_second_step(user), user.username)

    def test_a_device_not_confirmed_or_codes_used_up_do_not_count(self):
        editor = make_editor()
        TOTPDevice.objects.create(user=editor, name="Half set up", confirmed=False)
        make_backup_codes(editor)  # every code used
        self.assertFalse(twostep.needs_second_step(editor))
        make_backup_codes(editor, "abcdefgh")
        self.assertTrue(twostep.needs_second_step(editor))

    def test_the_check_costs_one_query(self):
        editor = make_editor()
        with self.assertNumQueries(1):
            twostep.needs_second_step(editor)


class SignInTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.chief = make_chief_editor(username="chief", email="chief@carnet.example")
        cls.app = make_authenticator(cls.chief)
        cls.draft = make_draft(author=cls.chief, slug="embargoed", title="Embargoed story")

    def sign_in_with_password(self, username="chief", password=PASSWORD, client=None, **extra):
        client = client or self.client
        with self.captureOnCommitCallbacks(execute=True):  # mail goes after the commit
            return client.post(
                "/admin/login/",
                {"username": username, "password": password, "next": "/admin/blog/article/"},
                REMOTE_ADDR="203.0.113.7",
                **extra,
            )

    def give_code(self, code: str, client=None, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(
                "/admin/security/verify/",
                {"code": code, "next": "/admin/blog/article/"},
                REMOTE_ADDR="203.0.113.7",
                **extra,
            )


class SecondStepTests(SignInTestCase):
    def test_the_password_leads_to_the_second_step(self):
        response = self.sign_in_with_password()
        self.assertRedirects(
            response,
            "/admin/security/verify/?next=%2Fadmin%2Fblog%2Farticle%2F",
            fetch_redirect_response=False,
        )
        page = self.client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(page, "Code de votre application d’authentification")
        self.assertContains(page, 'autocomplete="one-time-code"')

    def test_the_right_code_signs_in_and_goes_where_it_was_going(self):
        self.sign_in_with_password()
        response = self.give_code(code_for(self.app))
        self.assertRedirects(response, "/admin/blog/article/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/blog/article/").status_code, 200)
        record = SignIn.objects.get()
        self.assertEqual(
            (record.user, record.method, record.ip_address),
            (self.chief, SignIn.Method.AUTHENTICATOR, "203.0.113.7"),
        )

    def test_a_code_is_not_taken_twice(self):
        self.sign_in_with_password()
        code = code_for(self.app)
        self.give_code(code)
        self.client.post("/admin/logout/")
        self.sign_in_with_password()
        self.assertEqual(self.give_code(code).status_code, 400)

    def test_a_wrong_code_is_refused_in_the_admins_language_and_counted(self):
        self.sign_in_with_password()
        response = self.give_code("000000", HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, "Ce code n’est pas le bon", status_code=400)
        self.assertEqual(AccessAttempt.objects.get().failures_since_start, 1)
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_ten_wrong_codes_lock_out_like_ten_wrong_passwords(self):
        self.sign_in_with_password()
        for _ in range(9):
            self.assertEqual(self.give_code("123456").status_code, 400)
        with self.assertLogs("accounts.twostep", "WARNING"):
            response = self.give_code("123456")
        self.assertContains(response, LOCKED, status_code=429)
        self.assertEqual(response["Retry-After"], "900")
        # The half-done sign-in is over, and the password is refused for the cool-off.
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertContains(self.sign_in_with_password(), LOCKED, status_code=429)
        # The owner learns that someone has their password.
        [message] = mail.outbox
        self.assertEqual(message.to, ["chief@carnet.example"])
        self.assertIn("mot de passe", message.subject)  # mail is in the site's language
        self.assertIn("203.0.113.7", message.body)

    def test_a_right_password_does_not_wipe_the_wrong_tries_before_it(self):
        for _ in range(5):
            self.sign_in_with_password(password="wrong")
        self.sign_in_with_password()
        for _ in range(4):
            self.give_code("123456")
        self.assertContains(self.give_code("123456"), LOCKED, status_code=429)

    def test_a_locked_account_is_refused_even_the_right_code(self):
        self.sign_in_with_password()
        AccessAttempt.objects.create(
            username="chief",
            ip_address="198.51.100.1",
            user_agent="",
            failures_since_start=10,
            attempt_time=timezone.now(),
        )
        self.assertContains(self.give_code(code_for(self.app)), LOCKED, status_code=429)
        self.assertFalse(SignIn.objects.exists())

    def test_a_whole_sign_in_starts_the_count_again(self):
        self.sign_in_with_password()
        for _ in range(5):
            self.give_code("123456")
        self.give_code(code_for(self.app))
        self.assertFalse(AccessAttempt.objects.exists())

    def test_a_backup_code_works_once(self):
        make_backup_codes(self.chief, "k7qv2x4m", "a2b3c4d5")
        self.sign_in_with_password()
        response = self.give_code("K7QV 2X4M")
        self.assertRedirects(response, "/admin/blog/article/", fetch_redirect_response=False)
        self.assertEqual(SignIn.objects.get().method, SignIn.Method.BACKUP_CODE)
        self.client.post("/admin/logout/")
        self.sign_in_with_password()
        self.assertEqual(self.give_code("k7qv2x4m").status_code, 400)
        self.assertEqual(list(StaticToken.objects.values_list("token", flat=True)), ["a2b3c4d5"])

    def test_the_last_backup_codes_are_pointed_out(self):
        make_backup_codes(self.chief, "k7qv2x4m")
        self.sign_in_with_password()
        response = self.give_code("k7qv2x4m", follow=True, HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, "Il vous reste 0 code de secours")

    def test_a_next_address_elsewhere_is_not_followed(self):
        self.sign_in_with_password()
        response = self.client.post(
            "/admin/security/verify/",
            {"code": code_for(self.app), "next": "//evil.example/admin/"},
        )
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_cancelling_signs_out(self):
        self.sign_in_with_password()
        response = self.client.post("/admin/security/sign-out/")
        self.assertRedirects(response, "/admin/login/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_account_without_a_second_step_signs_in_with_its_password(self):
        make_editor(username="writer")
        response = self.sign_in_with_password("writer")
        self.assertRedirects(response, "/admin/blog/article/", fetch_redirect_response=False)
        self.assertEqual(SignIn.objects.get().method, SignIn.Method.PASSWORD)


class NewBrowserTests(SignInTestCase):
    def test_the_first_sign_in_from_a_browser_is_mailed_the_next_is_not(self):
        self.sign_in_with_password(HTTP_USER_AGENT=FIREFOX)
        self.give_code(code_for(self.app), HTTP_USER_AGENT=FIREFOX)
        [message] = mail.outbox
        self.assertEqual(message.to, ["chief@carnet.example"])
        self.assertIn("Firefox", message.body)
        self.assertIn("Linux", message.body)
        self.assertIn("203.0.113.7", message.body)
        self.assertIn("/admin/security/sessions/", message.body)
        self.assertTrue(SignIn.objects.get().new_browser)
        cookie = self.client.cookies[twostep.BROWSER_COOKIE]
        self.assertEqual(cookie["path"], "/admin/")
        self.assertTrue(cookie["httponly"])

        self.client.post("/admin/logout/")
        self.sign_in_with_password()
        self.give_code(code_for(self.app, steps_ahead=1))
        self.assertEqual(len(mail.outbox), 1)
        self.assertFalse(SignIn.objects.first().new_browser)

    def test_a_forged_cookie_is_a_new_browser(self):
        self.client.cookies[twostep.BROWSER_COOKIE] = '{"id": "x", "users": [1, 2, 3]}'
        self.sign_in_with_password()
        self.give_code(code_for(self.app))
        self.assertEqual(len(mail.outbox), 1)

    def test_another_account_on_the_same_browser_is_new_to_it(self):
        self.sign_in_with_password()
        self.give_code(code_for(self.app))
        self.client.post("/admin/logout/")
        make_editor(username="writer", email="writer@carnet.example")
        self.sign_in_with_password("writer")
        self.assertEqual([m.to for m in mail.outbox][-1], ["writer@carnet.example"])


def admin_addresses() -> list[str]:
    """An address for every URL pattern under /admin/ (the admin's, its JSON endpoints,
    the editors' tools, sign-in security), with 1 for each parameter."""
    addresses = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                addresses.append(route)

    walk(get_resolver().url_patterns, "")
    concrete = set()
    for route in addresses:
        if not route.startswith(("admin/", "^admin/")):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
        path = path.replace("^", "").replace("$", "").replace("\\", "")
        concrete.add("/" + path)
    return sorted(concrete)


# The steps of signing in themselves, and the page that sets up a first device.
STEP_ADDRESSES = {
    "/admin/security/verify/",
    "/admin/security/set-up/",
    "/admin/security/sign-out/",
    "/admin/security/passkeys/register/begin/",
    "/admin/security/passkeys/register/complete/",
    "/admin/security/passkeys/verify/begin/",
    "/admin/security/passkeys/verify/complete/",
}


class PasswordAloneTests(SignInTestCase):
    """A staff account with a device gets nothing with its password alone."""

    def setUp(self):
        self.sign_in_with_password()

    def test_every_admin_address_sends_it_to_the_second_step(self):
        addresses = admin_addresses()
        self.assertIn("/admin/autocomplete/", addresses)
        self.assertIn("/admin/editing/autosave/", addresses)
        self.assertIn("/admin/editing/images.json", addresses)
        self.assertIn("/admin/blog/article/1/change/", addresses)
        self.assertGreater(len(addresses), 60)
        for address in addresses:
            if address in STEP_ADDRESSES:
                continue
            for method in ["get", "post"]:
                with self.subTest(address=address, method=method):
                    response = getattr(self.client, method)(address + "?q=x&_bypass=1&otp=1")
                    self.assertEqual(response.status_code, 302, address)
                    self.assertTrue(
                        response["Location"].startswith("/admin/security/verify/"),
                        response["Location"],
                    )

    def test_the_steps_answer_it_without_a_500(self):
        for address in STEP_ADDRESSES - {"/admin/security/sign-out/"}:
            for method in ["get", "post"]:
                with self.subTest(address=address, method=method):
                    response = getattr(self.client, method)(address)
                    self.assertLess(response.status_code, 500, address)
        # Setting up a new device takes the second step first.
        self.assertRedirects(
            self.client.get("/admin/security/set-up/"),
            "/admin/security/verify/",
            fetch_redirect_response=False,
        )
        response = self.client.post(
            "/admin/security/passkeys/register/begin/", content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)

    def test_a_draft_preview_is_not_shown(self):
        self.assertEqual(self.client.get("/articles/embargoed/").status_code, 404)

    def test_the_admin_site_itself_refuses_the_session(self):
        from django.contrib import admin
        from django.test import RequestFactory

        from accounts.middleware import TwoStepMiddleware

        request = RequestFactory().get("/admin/")
        request.session = self.client.session
        request.user = self.chief
        self.chief.is_verified = lambda: False
        TwoStepMiddleware(lambda request: None)(request)
        request.user = self.chief  # as if a view had been handed the account itself
        self.assertFalse(admin.site.has_permission(request))


class EnrolTests(SignInTestCase):
    """An account that must have a second step and has none sets one up first."""

    def setUp(self):
        self.newcomer = make_superuser(username="newcomer", email="new@carnet.example")

    def test_it_is_sent_to_set_one_up_before_the_admin(self):
        response = self.sign_in_with_password("newcomer")
        self.assertTrue(response["Location"].startswith("/admin/security/set-up/"))
        self.assertRedirects(
            self.client.get("/admin/"),
            "/admin/security/set-up/?next=%2Fadmin%2F",
            fetch_redirect_response=False,
        )

    def test_scanning_the_code_and_typing_a_code_sets_up_the_app(self):
        self.sign_in_with_password("newcomer")
        page = self.client.get("/admin/security/set-up/", HTTP_ACCEPT_LANGUAGE="fr")
        self.assertEqual(page["Cache-Control"].count("no-store"), 1)
        self.assertContains(page, 'src="data:image/svg+xml')
        secret = re.search(r'class="two-step__secret">([A-Z2-7 ]+)<', page.content.decode())[1]
        # The same key in the QR code and as text; reloading keeps it.
        device = TOTPDevice.objects.get(user=self.newcomer)
        self.assertFalse(device.confirmed)
        key = base32_key(secret)
        self.assertEqual(key, device.bin_key)
        self.assertContains(page, twostep.authenticator_qr(device))
        self.assertContains(self.client.get("/admin/security/set-up/"), secret)

        totp = TOTP(key)
        code = f"{totp.token():06d}"
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/admin/security/set-up/", {"name": "Téléphone", "code": code}
            )
        self.assertRedirects(response, "/admin/security/", fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertEqual((device.confirmed, device.name), (True, "Téléphone"))
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(SignIn.objects.get().method, SignIn.Method.AUTHENTICATOR)
        subjects = [message.subject for message in mail.outbox]
        self.assertEqual(len(subjects), 2, subjects)  # a new browser, a new device

    def test_a_wrong_code_does_not_set_it_up(self):
        self.sign_in_with_password("newcomer")
        self.client.get("/admin/security/set-up/")
        response = self.client.post(
            "/admin/security/set-up/",
            {"name": "Phone", "code": "000000"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
        self.assertContains(response, "Ce code n’est pas le bon", status_code=400)
        self.assertFalse(TOTPDevice.objects.filter(confirmed=True, user=self.newcomer).exists())
        self.assertEqual(self.client.get("/admin/").status_code, 302)


class SecurityPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor(email="ed@carnet.example")

    def setUp(self):
        sign_in(self.client, self.editor)

    def test_optional_staff_add_an_app_and_are_then_asked_for_it(self):
        self.client.get("/admin/security/set-up/")
        device = TOTPDevice.objects.get(user=self.editor)
        response = self.client.post(
            "/admin/security/set-up/", {"name": "Phone", "code": code_for(device)}
        )
        self.assertRedirects(response, "/admin/security/", fetch_redirect_response=False)
        # This session gave the code; a new one will be asked for it.
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        other = Client()
        other.force_login(self.editor)
        self.assertEqual(other.get("/admin/").status_code, 302)

    def test_the_page_lists_devices_codes_and_sign_ins(self):
        make_authenticator(self.editor)
        make_backup_codes(self.editor, "aaaaaaaa", "bbbbbbbb")
        sign_in(self.client, self.editor)
        SignIn.objects.create(
            user=self.editor, method=SignIn.Method.AUTHENTICATOR, user_agent=FIREFOX
        )
        response = self.client.get("/admin/security/", HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, "Phone")
        self.assertContains(response, "2 codes de secours restants")
        self.assertContains(response, "Firefox sur Linux")

    def test_new_backup_codes_replace_the_old_and_are_shown_once(self):
        make_authenticator(self.editor)
        make_backup_codes(self.editor, "aaaaaaaa")
        sign_in(self.client, self.editor)
        response = self.client.post("/admin/security/backup-codes/")
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
        self.assertEqual(len(codes), 10)
        self.assertEqual(set(StaticToken.objects.values_list("token", flat=True)), set(codes))
        self.assertNotContains(self.client.get("/admin/security/backup-codes/"), codes[0])

    def test_removing_the_last_device_takes_the_backup_codes_with_it(self):
        app = make_authenticator(self.editor)
        make_backup_codes(self.editor, "aaaaaaaa")
        sign_in(self.client, self.editor)
        address = f"/admin/security/remove/authenticator/{app.pk}/"
        self.assertContains(self.client.get(address), "codes de secours partent avec lui")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(address)
        self.assertRedirects(response, "/admin/security/", fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.exists())
        self.assertFalse(StaticToken.objects.exists())
        self.assertIn("a été retiré de votre compte", mail.outbox[-1].body)

    def test_removing_the_session_device_keeps_the_session_verified_by_another(self):
        first, second = make_authenticator(self.editor), make_authenticator(self.editor)
        sign_in(self.client, self.editor)  # verified by the first
        self.client.post(f"/admin/security/remove/authenticator/{first.pk}/")
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(list(TOTPDevice.objects.all()), [second])

    def test_nobody_removes_anothers_device(self):
        other = make_authenticator(make_editor())
        address = f"/admin/security/remove/authenticator/{other.pk}/"
        self.assertEqual(self.client.post(address).status_code, 404)
        self.assertEqual(self.client.get("/admin/security/remove/nonsense/1/").status_code, 404)
        self.assertTrue(TOTPDevice.objects.filter(pk=other.pk).exists())


class SessionListTests(TestCase):
    def test_it_lists_ones_sessions_and_signs_out_the_others(self):
        editor = make_editor()
        elsewhere = Client(HTTP_USER_AGENT=FIREFOX)
        elsewhere.post("/admin/login/", {"username": editor.username, "password": PASSWORD})
        sign_in(self.client, editor)
        someone_else = Client()
        someone_else.force_login(make_editor())

        response = self.client.get("/admin/security/sessions/", HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, "Firefox sur Linux")
        self.assertContains(response, "ce navigateur")
        page = response.content.decode()
        table = page.split('class="two-step__sessions"')[1].split("</table>")[0]
        self.assertEqual(table.count("<tr"), 3)  # a header and two rows

        response = self.client.post("/admin/security/sessions/")
        self.assertRedirects(response, "/admin/security/sessions/", fetch_redirect_response=False)
        self.assertEqual(elsewhere.get("/admin/").status_code, 302)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(someone_else.get("/admin/").status_code, 200)
        self.assertEqual(Session.objects.count(), 2)


class ResetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_superuser(username="boss", display_name="La Cheffe")
        cls.editor = make_editor(email="ed@carnet.example")
        make_authenticator(cls.editor)
        make_backup_codes(cls.editor, "aaaaaaaa")

    def address(self, user) -> str:
        return f"/admin/accounts/user/{user.pk}/two-step/reset/"

    def test_an_administrator_resets_anothers_devices(self):
        stolen_phone_session = Client()
        sign_in(stolen_phone_session, self.editor)
        sign_in(self.client, self.admin)
        change = self.client.get(f"/admin/accounts/user/{self.editor.pk}/change/")
        self.assertContains(change, self.address(self.editor))
        self.assertContains(self.client.get(self.address(self.editor)), "Phone")
        with (
            self.assertLogs("accounts.admin", "WARNING"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(self.address(self.editor))
        self.assertRedirects(
            response,
            f"/admin/accounts/user/{self.editor.pk}/change/",
            fetch_redirect_response=False,
        )
        self.assertFalse(TOTPDevice.objects.filter(user=self.editor).exists())
        self.assertFalse(StaticToken.objects.exists())
        self.assertEqual(stolen_phone_session.get("/admin/").status_code, 302)
        entry = LogEntry.objects.get(object_id=str(self.editor.pk))
        self.assertEqual(entry.user, self.admin)
        self.assertIn("2", entry.get_change_message())
        message = mail.outbox[-1]
        self.assertEqual(message.to, ["ed@carnet.example"])
        self.assertIn("La Cheffe", message.body)

    def test_an_editor_in_chief_cannot(self):
        sign_in(self.client, make_chief_editor())
        self.assertEqual(self.client.post(self.address(self.editor)).status_code, 404)
        self.assertTrue(TOTPDevice.objects.filter(user=self.editor).exists())

    def test_an_account_manager_cannot_reset_a_superuser_nor_themself(self):
        manager = make_editor()
        manager.user_permissions.add(
            *Permission.objects.filter(codename__in=["add_user", "change_user", "view_user"])
        )
        make_authenticator(self.admin)
        sign_in(self.client, manager)
        self.assertEqual(self.client.post(self.address(self.admin)).status_code, 403)
        self.assertEqual(self.client.post(self.address(manager)).status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.admin).exists())
        self.assertEqual(self.client.post(self.address(self.editor)).status_code, 302)

    def test_an_unknown_account_is_a_404(self):
        sign_in(self.client, self.admin)
        self.assertEqual(
            self.client.get("/admin/accounts/user/999999/two-step/reset/").status_code, 404
        )


class PasskeyEndpointTests(SignInTestCase):
    """The browser's ceremony itself is tested in tests/browser/test_two_step.py."""

    def test_the_second_step_options_name_the_accounts_passkeys_only(self):
        from django_otp_webauthn.models import WebAuthnCredential

        WebAuthnCredential.objects.create(
            user=self.chief, name="Laptop", credential_id=b"\x01" * 16, public_key=b"k"
        )
        self.sign_in_with_password()
        response = self.client.post(
            "/admin/security/passkeys/verify/begin/", content_type="application/json"
        )
        self.assertEqual(response.status_code, 200)
        options = response.json()
        self.assertEqual(options["rpId"], "testserver")
        self.assertEqual(
            [item["id"] for item in options["allowCredentials"]], ["AQEBAQEBAQEBAQEBAQEBAQ"]
        )

    def test_hostile_answers_are_refused_and_counted_never_a_500(self):
        self.sign_in_with_password()
        bodies = ["", "[]", "{}", '{"id": 1}', "not json", '{"response": {"clientDataJSON": 5}}']
        for body in bodies:
            self.client.post(
                "/admin/security/passkeys/verify/begin/", content_type="application/json"
            )
            with self.subTest(body=body):
                response = self.client.post(
                    "/admin/security/passkeys/verify/complete/",
                    body,
                    content_type="application/json",
                )
                self.assertIn(response.status_code, {400, 403, 404, 422})
        self.assertEqual(AccessAttempt.objects.get().failures_since_start, len(bodies) - 1)

    def test_nobody_signed_in_gets_no_options(self):
        response = self.client.post(
            "/admin/security/passkeys/verify/begin/", content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)


class PurgeTests(TestCase):
    def test_records_older_than_the_retention_go(self):
        editor = make_editor()
        old = timezone.now() - datetime.timedelta(days=91)
        SignIn.objects.create(user=editor, method="password", signed_in_at=old)
        kept = SignIn.objects.create(user=editor, method="password")
        AccessLog.objects.create(username="x", ip_address="192.0.2.1")
        AccessLog.objects.create(username="y", ip_address="192.0.2.1")
        AccessLog.objects.filter(username="x").update(attempt_time=old)
        TOTPDevice.objects.create(user=editor, name="never finished", confirmed=False)
        TOTPDevice.objects.update(created_at=old)
        call_command("purge_sign_ins", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertEqual(list(SignIn.objects.all()), [kept])
        self.assertEqual(list(AccessLog.objects.values_list("username", flat=True)), ["y"])
        self.assertFalse(TOTPDevice.objects.exists())


class BrowserNameTests(TestCase):
    def test_common_browsers_are_named(self):
        chrome_android = (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Mobile Safari/537.36"
        )
        edge = (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Safari/537.36 Edg/131.0"
        )
        safari = (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
        )
        self.assertEqual(browser_and_system(FIREFOX), ("Firefox", "Linux"))
        self.assertEqual(browser_and_system(chrome_android), ("Chrome", "Android"))
        self.assertEqual(browser_and_system(edge), ("Edge", "Windows"))
        self.assertEqual(browser_and_system(safari), ("Safari", "iOS"))
        self.assertEqual(browser_and_system("curl/8.0"), ("", ""))


class DeployCheckTests(TestCase):
    def test_it_warns_when_the_site_does_not_require_a_second_step(self):
        from accounts.checks import two_step_required

        self.assertEqual(two_step_required(None), [])
        with override_settings(TWO_STEP_REQUIRED=False):
            [warning] = two_step_required(None)
        self.assertEqual(warning.id, "accounts.W001")
