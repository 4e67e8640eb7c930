"""Admin sign-in is throttled per account and per client address (django-axes)."""

import datetime
from unittest import mock

from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.test import TestCase, override_settings
from django.utils import timezone

from tests.base import PASSWORD, make_article, make_editor, make_superuser, sign_in

# The admin speaks the site's language, French by default.
LOCKED = "La connexion est bloquée pendant 15 minutes"


class SignInThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor(username="ed")
        cls.admin = make_superuser(username="boss")

    def sign_in(self, username="ed", password="wrong", ip="203.0.113.7"):
        return self.client.post(
            "/admin/login/",
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=ip,
        )

    def fail_times(self, times: int, **kwargs) -> None:
        for _ in range(times):
            self.sign_in(**kwargs)

    def assertLocked(self, response):
        self.assertContains(response, LOCKED, status_code=429)
        self.assertEqual(response["Retry-After"], "900")

    def test_a_right_password_signs_in(self):
        self.assertRedirects(
            self.sign_in(password=PASSWORD), "/admin/", fetch_redirect_response=False
        )

    def test_ten_failures_lock_the_account_even_for_the_right_password(self):
        for _ in range(9):
            self.assertContains(self.sign_in(), "errornote")
        self.assertLocked(self.sign_in())
        self.assertLocked(self.sign_in(password=PASSWORD))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_eleventh_try_is_refused_without_checking_the_password(self):
        self.fail_times(10)
        with mock.patch(
            "django.contrib.auth.base_user.check_password", wraps=check_password
        ) as checked:
            self.assertLocked(self.sign_in(password=PASSWORD))
            self.assertLocked(self.sign_in(password="wrong again"))
        checked.assert_not_called()

    def test_the_account_is_locked_from_another_address_too(self):
        for n in range(10):
            self.sign_in(ip=f"198.51.100.{n + 1}")
        self.assertLocked(self.sign_in(password=PASSWORD, ip="192.0.2.50"))
        # Another account from a fresh address is not concerned.
        response = self.sign_in(username="boss", password=PASSWORD, ip="192.0.2.51")
        self.assertEqual(response.status_code, 302)

    def test_an_address_is_locked_whatever_account_it_tries(self):
        for n in range(10):
            self.sign_in(username=f"guess{n}")
        self.assertLocked(self.sign_in(username="boss", password=PASSWORD))
        response = self.sign_in(username="boss", password=PASSWORD, ip="192.0.2.51")
        self.assertEqual(response.status_code, 302)

    def test_an_ipv6_address_is_counted_by_its_64(self):
        for n in range(10):
            self.sign_in(username=f"guess{n}", ip=f"2001:db8:1:2::{n + 1:x}")
        self.assertLocked(self.sign_in(username="boss", password=PASSWORD, ip="2001:db8:1:2::ff"))
        response = self.sign_in(username="boss", password=PASSWORD, ip="2001:db8:1:3::1")
        self.assertEqual(response.status_code, 302)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(self):
        for n in range(10):
            self.client.post(
                "/admin/login/",
                {"username": f"guess{n}", "password": "x"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.9",
            )
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)), {"198.51.100.9"}
        )

    def test_the_lockout_ends_on_its_own_after_the_cool_off(self):
        self.fail_times(11)
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16)
        )
        response = self.sign_in(password=PASSWORD)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_a_success_starts_the_count_again(self):
        self.fail_times(9)
        self.sign_in(password=PASSWORD)
        self.client.logout()
        self.fail_times(9)
        self.assertEqual(self.sign_in(password=PASSWORD).status_code, 302)

    def test_a_lockout_is_logged(self):
        with self.assertLogs("axes", level="WARNING") as logs:
            self.fail_times(10)
        self.assertTrue(any("Locking out" in line for line in logs.output), logs.output)

    def test_administrators_see_the_attempts_in_the_admin(self):
        self.fail_times(3)
        sign_in(self.client, self.admin)
        response = self.client.get("/admin/axes/accessattempt/")
        self.assertContains(response, "203.0.113.7")
        self.assertContains(response, "ed")


class StaffSessionTests(TestCase):
    def test_a_staff_session_lasts_a_working_day_from_the_last_request(self):
        self.client.force_login(make_editor())
        session = Session.objects.get()
        Session.objects.update(expire_date=timezone.now() + datetime.timedelta(hours=1))
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.cookies["sessionid"]["max-age"], 8 * 3600)
        session.refresh_from_db()
        left = session.expire_date - timezone.now()
        self.assertTrue(
            datetime.timedelta(hours=7, minutes=59) < left <= datetime.timedelta(hours=8)
        )

    def test_an_expired_staff_session_signs_out(self):
        self.client.force_login(make_editor())
        Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_a_reader_is_given_no_session(self):
        make_article(slug="read")
        for url in ["/", "/articles/read/", "/feed/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("sessionid", response.cookies)
        self.assertFalse(Session.objects.exists())
