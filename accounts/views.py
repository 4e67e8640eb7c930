import math

import django_otp
from django.conf import settings
from django.contrib import admin, auth, messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import twostep
from accounts.forms import AuthenticatorForm, CodeForm, ContactForm
from accounts.models import SignIn, User
from sitewide import flood, mail
from sitewide.csrf import origin_protected
from sitewide.http import client_ip


def _author_or_404(slug: str) -> User:
    return get_object_or_404(User, slug=slug, is_active=True)


@sensitive_post_parameters("email", "message")
@require_http_methods(["GET", "HEAD", "POST"])
@origin_protected
def contact(request: HttpRequest, slug: str) -> HttpResponse:
    author = _author_or_404(slug)
    if not author.can_be_contacted():
        raise Http404("This author does not take messages.")
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "accounts/contact.html", {"author": author, "form": form}, status=400
            )
        with transaction.atomic():
            # The comment form's flood limit, in a scope of its own.
            now, seconds = timezone.now(), settings.CONTACT_FLOOD_SECONDS
            wait = flood.wait(
                flood.lock("contact", client_ip(request), now, seconds), now, seconds
            )
            if not wait and not form.is_spam():
                # Queued with this transaction, sent by the worker: a mail server that is
                # down is retried there, and the reader is not kept waiting.
                mail.send(
                    "author-contact",
                    [author.email],
                    {"name": form.cleaned_data["name"], "message": form.cleaned_data["message"]},
                    reply_to=form.cleaned_data["email"],
                )
        if wait:
            return _too_soon(request, author, form, math.ceil(wait))
        messages.success(
            request, _("Your message has been sent to %(name)s.") % {"name": author.public_name}
        )
        return HttpResponseRedirect(author.get_absolute_url(), status=303)
    return render(request, "accounts/contact.html", {"author": author, "form": form})


def sign_in_locked(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: 429, and how long the lock lasts."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {
        **admin.site.each_context(request),
        "title": _("Signing in is locked"),
        "minutes": math.ceil(seconds / 60),
    }
    response = render(request, "admin/sign_in_locked.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _too_soon(request: HttpRequest, author: User, form: ContactForm, wait: int) -> HttpResponse:
    """The form again, its text kept, with how long to wait: 429 and Retry-After."""
    form.add_error(
        None,
        ngettext(
            "You are sending messages too fast. Please wait %(seconds)s second.",
            "You are sending messages too fast. Please wait %(seconds)s seconds.",
            wait,
        )
        % {"seconds": wait},
    )
    response = render(
        request, "accounts/contact.html", {"author": author, "form": form}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


# Signing in to the admin, in two steps when the account needs them (accounts/twostep.py)


def sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page, then the second step for an account that needs one.

    It answers /admin/login/ in place of the admin's own view (config/urls.py), which
    it runs: the password is checked there, through django-axes, as before.
    """
    response = admin.site.login(request)
    if request.method == "POST" and response.status_code == 302 and request.user.is_authenticated:
        user = request.user
        if twostep.needs_second_step(user):
            next_url = twostep.safe_next(request, request.POST.get("next"))
            return HttpResponseRedirect(twostep.step_url(user, next_url))
        twostep.finish_sign_in(request, user, SignIn.Method.PASSWORD)
    return response


def _step_page(request: HttpRequest, template: str, context: dict, status: int = 200):
    context = {**admin.site.each_context(request), **context}
    return render(request, template, context, status=status)


def _locked_out(request: HttpRequest) -> HttpResponse:
    """The lockout page of a wrong password, for wrong codes too; the half-done sign-in
    ends with it."""
    auth.logout(request)
    return sign_in_locked(request)


@twostep.second_step
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a backup code, or a passkey."""
    user = request.user
    next_url = twostep.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if not user.is_authenticated:
        return redirect("admin:login")
    if not request.second_step_owed():
        return HttpResponseRedirect(next_url)
    if not twostep.has_second_step(user):
        return redirect("security:enrol")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if twostep.is_locked(request, user):
            return _locked_out(request)
        if form.is_valid():
            device = twostep.verify_code(user, form.cleaned_data["code"])
            if device is not None:
                method = twostep.method_of(device)
                twostep.finish_sign_in(request, user, method, device)
                if method == SignIn.Method.BACKUP_CODE:
                    _warn_of_backup_codes_left(request, user)
                return HttpResponseRedirect(next_url)
            if twostep.count_failure(request, user):
                return _locked_out(request)
            form.add_error(
                "code",
                _("This code is not right. Check the app’s current code, or use a backup code."),
            )
        status = 400
    context = {
        "title": _("Two-step sign-in"),
        "form": form,
        "next": next_url,
        "signed_in_as": user,
        "uses_codes": twostep.has_codes(user),
        "uses_passkeys": twostep.has_passkeys(user),
    }
    return _step_page(request, "admin/security/verify.html", context, status)


def _warn_of_backup_codes_left(request: HttpRequest, user: User) -> None:
    left = twostep.backup_codes_left(user)
    if left <= 3:
        messages.warning(
            request,
            ngettext(
                "You have %(count)s backup code left: make new ones under Sign-in security.",
                "You have %(count)s backup codes left: make new ones under Sign-in security.",
                left,
            )
            % {"count": left},
        )


@twostep.second_step
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (or, by script, a passkey): the first while signing in,
    when the account must have one, or another from Sign-in security."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        return redirect("admin:login")
    owed = request.second_step_owed()
    if owed and twostep.has_second_step(user):
        # A new device is added only once the session gave the second step.
        return redirect("security:verify")
    device = twostep.pending_authenticator(user)
    form = AuthenticatorForm(
        request.POST if request.method == "POST" else None,
        initial={"name": _("Authenticator app")},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        if twostep.confirm_authenticator(device, form.cleaned_data["code"], name):
            if owed:
                twostep.finish_sign_in(request, user, SignIn.Method.AUTHENTICATOR, device)
            elif not user.is_verified():
                django_otp.login(request, device)
            twostep.tell_owner(
                request,
                user,
                _("An authenticator app (“%(name)s”) was added to your account.") % {"name": name},
            )
            messages.success(
                request, _("The authenticator app “%(name)s” was added.") % {"name": name}
            )
            return redirect("security:overview")
        form.add_error("code", _("This code is not right. Enter the code the app shows now."))
    if request.method == "POST":
        status = 400
    context = {
        "title": _("Set up two-step sign-in")
        if owed
        else _("Add an authenticator app or a passkey"),
        "owed": owed,
        "form": form,
        "qr": twostep.authenticator_qr(device),
        "secret": twostep.authenticator_secret(device),
        "signed_in_as": user,
    }
    return _step_page(request, "admin/security/enrol.html", context, status)


@twostep.second_step
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Leave a sign-in half-way (the admin's own sign-out is for whole ones)."""
    auth.logout(request)
    return redirect("admin:login")


def overview(request: HttpRequest) -> HttpResponse:
    """Sign-in security: one's devices, backup codes, sessions and recent sign-ins."""
    user = request.user
    context = {
        "title": _("Sign-in security"),
        "is_overview": True,
        "required_by_role": twostep.required_by_role(user),
        "site_requires": settings.TWO_STEP_REQUIRED,
        "devices": twostep.devices_of(user),
        "codes_left": twostep.backup_codes_left(user),
        "sign_ins": SignIn.objects.filter(user=user)[:10],
    }
    return _step_page(request, "admin/security/overview.html", context)


@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Make new backup codes (the old ones stop working), shown once."""
    user = request.user
    devices = twostep.devices_of(user)
    codes = None
    if request.method == "POST" and devices:
        codes = twostep.make_backup_codes(user)
        twostep.tell_owner(
            request,
            user,
            _("New backup codes were made for your account; the old ones no longer work."),
        )
    context = {
        "title": _("Backup codes"),
        "codes": codes,
        "codes_left": twostep.backup_codes_left(user),
        "has_devices": bool(devices),
    }
    return _step_page(request, "admin/security/backup_codes.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def remove_device(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Confirm, then remove one of one's own authenticator apps or passkeys."""
    model = twostep.DEVICE_MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of device.")
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    row = twostep.DeviceRow(kind, device)
    if request.method == "POST":
        twostep.remove_device(request, row)
        messages.success(request, _("“%(name)s” was removed.") % {"name": device.name})
        return redirect("security:overview")
    context = {
        "title": _("Remove “%(name)s”?") % {"name": device.name},
        "row": row,
        "last": len(twostep.devices_of(request.user)) == 1,
        "required": twostep.required_by_role(request.user),
    }
    return _step_page(request, "admin/security/remove_device.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    """One's signed-in sessions, this one marked, and signing out of all the others."""
    user = request.user
    if request.method == "POST":
        count = twostep.end_sessions(user, keep=request.session.session_key)
        messages.success(
            request,
            ngettext(
                "You were signed out of %(count)s other session.",
                "You were signed out of %(count)s other sessions.",
                count,
            )
            % {"count": count},
        )
        return redirect("security:sessions")
    context = {
        "title": _("Your sessions"),
        "sessions": twostep.sessions_of(user, request.session.session_key),
        "needs_second_step": twostep.needs_second_step(user),
    }
    return _step_page(request, "admin/security/sessions.html", context)
