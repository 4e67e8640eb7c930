import math

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.forms import ContactForm
from accounts.models import User
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
