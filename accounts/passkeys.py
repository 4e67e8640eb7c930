"""Passkeys as a second step: django-otp-webauthn's models, helper and JSON views, made
to work inside Carnet's two-step sign-in (accounts/twostep.py).

The package checks each ceremony (py_webauthn); these subclasses add what Carnet needs
around it: the account that owes the step, django-axes' count of failures, the end of a
sign-in, the owner told of a new passkey. The browser side is Carnet's own script
(accounts/static/accounts/passkeys.js), its messages in the admin's language.
"""

import logging

import django_otp
from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, JsonResponse
from django.http.request import split_domain_port
from django.utils.translation import gettext as _
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import twostep
from accounts.models import SignIn
from sitewide.models import SiteSettings

logger = logging.getLogger(__name__)


def relying_party_id(request: HttpRequest) -> str:
    """WEBAUTHN_RP_ID, or the host the admin is served from (already checked against
    ALLOWED_HOSTS)."""
    return settings.WEBAUTHN_RP_ID or split_domain_port(request.get_host())[0]


def relying_party_name(request: HttpRequest) -> str:
    return SiteSettings.load().site_name


class PasskeyHelper(WebAuthnHelper):
    """django-otp-webauthn's helper, with the site's own origin allowed and a name for
    each new passkey."""

    def get_allowed_origins(self) -> list[str]:
        own = f"{self.request.scheme}://{self.request.get_host()}"
        return [own, *super().get_allowed_origins()]

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        name = " ".join(self.request.GET.get("name", "").split())[:64]
        device.name = name or _("Passkey")
        return device


class Locked(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_detail = "Signing in is locked."
    default_code = "locked"


class RegistrationBegin(BeginCredentialRegistrationView):
    """Options to create a passkey, for a signed-in account (or one setting up its first
    second step); an account that has devices must have given one (the package's rule)."""

    def check_can_register(self) -> None:
        if not self.request.user.is_staff:
            raise exceptions.NotAuthenticated()


class RegistrationComplete(CompleteCredentialRegistrationView):
    def check_can_register(self) -> None:
        if not self.request.user.is_staff:
            raise exceptions.NotAuthenticated()

    def post(self, *args, **kwargs) -> JsonResponse:
        request = self.request
        owed = request.second_step_owed()
        user, state, helper = self.get_user(), self.get_state(), self.get_helper()
        with rewrite_exceptions(logger=logger):
            device = helper.register_complete(user=user, state=state, data=request.data)
        if owed:
            # The account's first device, set up while signing in: the sign-in is whole.
            twostep.finish_sign_in(request, user, SignIn.Method.PASSKEY, device)
        elif not request.user.is_verified():
            django_otp.login(request, device)
        twostep.tell_owner(
            request,
            user,
            _("A passkey (“%(name)s”) was added to your account.") % {"name": device.name},
        )
        messages.success(request, _("The passkey “%(name)s” was added.") % {"name": device.name})
        return JsonResponse({"id": device.pk})


class _SecondStep:
    """The passkey ceremony of the second step: for an account that owes it, counted by
    django-axes like a wrong code when it fails."""

    def check_can_authenticate(self) -> None:
        if not self.request.second_step_owed():
            raise exceptions.NotAuthenticated()
        if twostep.is_locked(self.request, self.request.user):
            raise Locked()

    def handle_exception(self, exc):
        user = self.request.user
        failed = isinstance(exc, exceptions.OTPWebAuthnApiError) and not isinstance(
            exc, (exceptions.NotAuthenticated, exceptions.MalformedRequest, Locked)
        )
        if failed and user.is_authenticated and twostep.count_failure(self.request, user):
            auth.logout(self.request)
            exc = Locked()
        return super().handle_exception(exc)


class AuthenticationBegin(_SecondStep, BeginCredentialAuthenticationView):
    pass


class AuthenticationComplete(_SecondStep, CompleteCredentialAuthenticationView):
    def complete_auth(self, device) -> None:
        twostep.finish_sign_in(self.request, device.user, SignIn.Method.PASSKEY, device)

    def get_success_url(self) -> str:
        return twostep.safe_next(self.request, self.request.GET.get("next"))
