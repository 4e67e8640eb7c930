"""Two-step sign-in for staff: who owes a second step, the devices that give it, and what
happens once a sign-in is whole.

The devices are django-otp's own models, so that its admin and commands keep working for
operators: TOTPDevice (an authenticator app), StaticDevice (backup codes) and
django-otp-webauthn's WebAuthnCredential (a passkey). A session that gave a second step
is "verified" (``django_otp.login``, read back by django-otp's OTPMiddleware);
accounts.middleware.TwoStepMiddleware signs an account that owes one in nowhere but at
that step. Wrong codes count toward django-axes' lockout with wrong passwords.
"""

import base64
import datetime
import logging
import secrets
from dataclasses import dataclass

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SignIn, User
from accounts.roles import TWO_STEP_ROLES
from sitewide import languages, mail
from sitewide.http import absolute_url, browser_and_system, client_ip

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
# The signed cookie that lets a browser be recognised at its next sign-in (a random id
# and the accounts that signed in with it), read only under the admin's path.
BROWSER_COOKIE = "carnet_browser"
BROWSER_COOKIE_SALT = "accounts.twostep.browser"
BROWSER_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
# What a whole sign-in keeps in its session, for the list of one's sessions.
SESSION_INFO_KEY = "carnet_sign_in"


def _ways_to_sign_in() -> Q:
    """Users who have a second step to give: a confirmed authenticator app or passkey,
    or backup codes left."""
    return (
        Q(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        | Q(Exists(WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)))
        | Q(
            Exists(StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True))
        )
    )


def has_second_step(user: User) -> bool:
    return User.objects.filter(pk=user.pk).filter(_ways_to_sign_in()).exists()


def needs_second_step(user: User) -> bool:
    """Whether signing in as user takes a second step: always with a device, and for
    superusers and editors-in-chief whenever settings.TWO_STEP_REQUIRED is on."""
    if not user.is_authenticated:
        return False
    condition = _ways_to_sign_in()
    if settings.TWO_STEP_REQUIRED:
        if user.is_superuser:
            return True
        condition |= Q(
            Exists(
                User.groups.through.objects.filter(
                    user=OuterRef("pk"), group__name__in=TWO_STEP_ROLES
                )
            )
        )
    return User.objects.filter(pk=user.pk).filter(condition).exists()


def required_by_role(user: User) -> bool:
    """Whether the site requires a second step of user (superusers, editors-in-chief)."""
    return settings.TWO_STEP_REQUIRED and (
        user.is_superuser or user.groups.filter(name__in=TWO_STEP_ROLES).exists()
    )


def has_codes(user: User) -> bool:
    """Whether user can give a code: an authenticator app or backup codes."""
    return (
        User.objects.filter(pk=user.pk)
        .filter(
            Q(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
            | Q(
                Exists(
                    StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True)
                )
            )
        )
        .exists()
    )


def has_passkeys(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def owes_second_step(user) -> bool:
    """Signed in with a password, not yet with the second step the account needs.

    user is the request's user as django-otp's OTPMiddleware left it (is_verified()).
    """
    return user.is_authenticated and not user.is_verified() and needs_second_step(user)


def second_step(view):
    """Mark a view of the second step itself: it sees the account that owes the step
    (TwoStepMiddleware shows every other view an anonymous visitor)."""
    view.second_step = True
    return view


def step_url(user: User, next_url: str = "") -> str:
    """Where an account that owes a second step gives it: the code page, or the page
    that sets up a first device."""
    url = reverse("security:verify" if has_second_step(user) else "security:enrol")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return url


def safe_next(request: HttpRequest, value: str | None) -> str:
    """An admin page of this site to go to after signing in; the admin's home otherwise."""
    admin = reverse("admin:index")
    if (
        value
        and value.startswith(admin)
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return admin


# Devices


@dataclass
class DeviceRow:
    kind: str  # "authenticator" or "passkey"
    device: Device

    @property
    def label(self) -> str:
        return _("Authenticator app") if self.kind == "authenticator" else _("Passkey")


DEVICE_MODELS = {"authenticator": TOTPDevice, "passkey": WebAuthnCredential}


def devices_of(user: User) -> list[DeviceRow]:
    """The account's authenticator apps and passkeys, oldest first."""
    rows = [
        DeviceRow(kind, device)
        for kind, model in DEVICE_MODELS.items()
        for device in model.objects.filter(user=user, confirmed=True).order_by("pk")
    ]
    return sorted(rows, key=lambda row: row.device.created_at or timezone.now())


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def make_backup_codes(user: User) -> list[str]:
    """New backup codes for user, replacing any left; shown once, used once each."""
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="Backup codes", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator app being set up: the same key until it is confirmed, so that a
    reloaded page shows the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app")[:64], confirmed=False
    )


def authenticator_qr(device: TOTPDevice) -> str:
    """The key as a QR code, an SVG data: address (no script, no style: CSP allows it)."""
    return segno.make(device.config_url, error="m").svg_data_uri(
        scale=5, border=4, dark="#000", light="#fff"
    )


def authenticator_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_authenticator(device: TOTPDevice, code: str, name: str) -> bool:
    """Confirm the app being set up with a code it shows: proof that it holds the key."""
    if not device.verify_token(_clean(code)):
        return False
    device.name = name[:64]
    device.confirmed = True
    device.save(update_fields=["name", "confirmed"])
    return True


def verify_code(user: User, code: str) -> Device | None:
    """The device that accepts code (an authenticator app's, or a backup code, which is
    then used up), or None."""
    code = _clean(code)
    if not code or len(code) > 16:
        return None
    candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    if code.isdigit():
        candidates = [*TOTPDevice.objects.filter(user=user, confirmed=True), *candidates]
    for device in candidates:
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def method_of(device: Device) -> str:
    if isinstance(device, TOTPDevice):
        return SignIn.Method.AUTHENTICATOR
    if isinstance(device, StaticDevice):
        return SignIn.Method.BACKUP_CODE
    return SignIn.Method.PASSKEY


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def remove_device(request: HttpRequest, row: DeviceRow) -> None:
    """Remove one of the signed-in user's devices; the session stays verified by another.

    Backup codes go with the last authenticator app or passkey: alone they would be a
    second step that runs out.
    """
    user = request.user
    was_current = request.session.get(django_otp.DEVICE_ID_SESSION_KEY) == row.device.persistent_id
    name = row.device.name
    with transaction.atomic():
        row.device.delete()
        remaining = devices_of(user)
        if not remaining:
            StaticDevice.objects.filter(user=user).delete()
    if was_current and remaining:
        django_otp.login(request, remaining[0].device)
    tell_owner(
        request,
        user,
        _("%(kind)s “%(name)s” was removed from your account.")
        % {"kind": row.label, "name": name},
    )
    logger.info("Two-step sign-in: %s removed a %s", user.get_username(), row.kind)


def reset_devices(user: User) -> int:
    """Remove every device of user (an administrator's reset) and end their sessions;
    return how many devices went."""
    with transaction.atomic():
        count = sum(
            model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
            for model in (TOTPDevice, WebAuthnCredential, StaticDevice)
        )
        end_sessions(user)
    return count


# Finishing a sign-in


def finish_sign_in(
    request: HttpRequest, user: User, method: str, device: Device | None = None
) -> SignIn:
    """The sign-in is whole: mark the session (verified by device, if any, with a new
    key), start django-axes' count again, record it, and email the owner when this
    browser is new to the account."""
    if device is not None:
        django_otp.login(request, device)
    request.session.cycle_key()
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        username=user.get_username(), ip_address=request.axes_ip_address, ip_or_username=True
    )
    user_agent = request.headers.get("user-agent", "")[:300]
    ip = client_ip(request)
    now = timezone.now()
    request.session[SESSION_INFO_KEY] = {"at": now.isoformat(), "ua": user_agent, "ip": ip}
    browser_id, known = _known_browser(request)
    new_browser = user.pk not in known
    request.carnet_browser_cookie = signing.dumps(
        {"id": browser_id, "users": sorted({*known, user.pk})}, salt=BROWSER_COOKIE_SALT
    )
    record = SignIn.objects.create(
        user=user,
        signed_in_at=now,
        method=method,
        ip_address=ip,
        user_agent=user_agent,
        new_browser=new_browser,
    )
    logger.info(
        "Sign-in of %s (%s) from %s%s",
        user.get_username(),
        method,
        ip,
        ", a new browser" if new_browser else "",
    )
    if new_browser and user.email:
        browser, system = browser_and_system(user_agent)
        with languages.in_site_language():
            context = {
                "browser": browser,
                "system": system,
                "ip": ip or "",
                "when": formats.date_format(timezone.localtime(now), "DATETIME_FORMAT"),
                "method": str(SignIn.Method(method).label),
                "sessions_url": absolute_url(request, reverse("security:sessions")),
            }
        mail.send("new-sign-in", [user.email], context)
    return record


def remember_browser(request: HttpRequest, response: HttpResponse) -> None:
    """Set the cookie finish_sign_in prepared, if it did (TwoStepMiddleware calls this)."""
    value = getattr(request, "carnet_browser_cookie", None)
    if value:
        response.set_cookie(
            BROWSER_COOKIE,
            value,
            max_age=BROWSER_COOKIE_AGE,
            path=reverse("admin:index"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def _known_browser(request: HttpRequest) -> tuple[str, set[int]]:
    try:
        value = signing.loads(request.COOKIES.get(BROWSER_COOKIE, ""), salt=BROWSER_COOKIE_SALT)
        browser_id = str(value["id"])
        known = {int(pk) for pk in value["users"]}
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return secrets.token_urlsafe(16), set()
    return browser_id, known


# Throttling the second step with the passwords' rule (django-axes)


def is_locked(request: HttpRequest, user: User) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


def count_failure(request: HttpRequest, user: User) -> bool:
    """Count a wrong second step as django-axes counts a wrong password; True when that
    locks signing in. The owner is then emailed: someone has their password."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    locked = bool(getattr(request, "axes_locked_out", False))
    if locked:
        logger.warning(
            "Two-step sign-in: wrong codes locked signing in as %s", user.get_username()
        )
        if user.email:
            browser, system = browser_and_system(request.headers.get("user-agent", ""))
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            context = {
                "browser": browser,
                "system": system,
                "ip": client_ip(request) or "",
                "minutes": minutes,
            }
            mail.send("second-step-failed", [user.email], context)
    return locked


# Telling the owner


def tell_owner(request: HttpRequest, user: User, what: str) -> None:
    """Email the account's owner that its two-step sign-in changed (what, already in the
    site's language), with where to check it."""
    if user.email:
        context = {
            "what": what,
            "security_url": absolute_url(request, reverse("security:overview")),
        }
        mail.send("two-step-changed", [user.email], context)


# Sessions


@dataclass
class SessionRow:
    key: str
    current: bool
    signed_in_at: datetime.datetime | None
    last_seen: datetime.datetime
    user_agent: str
    ip: str
    verified: bool


def sessions_of(user: User, current_key: str | None = None) -> list[SessionRow]:
    """The account's live sessions, most recently used first.

    Only staff have sessions (readers get none), so reading every live one is cheap.
    A session signed in before the password last changed is dead already and left out.
    """
    rows = []
    auth_hash = user.get_session_auth_hash()
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        data = session.get_decoded()
        if data.get(SESSION_KEY) != str(user.pk):
            continue
        if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), auth_hash):
            continue
        info = data.get(SESSION_INFO_KEY) or {}
        rows.append(
            SessionRow(
                key=session.session_key,
                current=session.session_key == current_key,
                signed_in_at=parse_datetime(str(info.get("at", ""))),
                # Every request saves the session for SESSION_COOKIE_AGE more seconds.
                last_seen=session.expire_date
                - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE),
                user_agent=str(info.get("ua", "")),
                ip=str(info.get("ip") or ""),
                verified=django_otp.DEVICE_ID_SESSION_KEY in data,
            )
        )
    return sorted(rows, key=lambda row: (not row.current, -row.last_seen.timestamp()))


def end_sessions(user: User, keep: str | None = None) -> int:
    """Sign user out of every session but the one whose key is keep; return how many."""
    keys = [row.key for row in sessions_of(user) if row.key != keep]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)
