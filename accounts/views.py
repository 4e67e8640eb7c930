import logging
import smtplib

from django.contrib import messages
from django.core.mail import EmailMessage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.forms import ContactForm
from accounts.models import User
from sitewide.models import SiteSettings

logger = logging.getLogger(__name__)


def _author_or_404(slug: str) -> User:
    return get_object_or_404(User, slug=slug, is_active=True)


@sensitive_post_parameters("email", "message")
@require_http_methods(["GET", "HEAD", "POST"])
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
        if not form.is_spam():
            site_name = SiteSettings.load().site_name
            try:
                EmailMessage(
                    subject=_("[%(site)s] Message from %(name)s")
                    % {"site": site_name, "name": form.cleaned_data["name"]},
                    body=form.cleaned_data["message"],
                    to=[author.email],
                    reply_to=[form.cleaned_data["email"]],
                ).send()
            except (OSError, smtplib.SMTPException):
                # The reader keeps what they wrote and can send it again later.
                logger.exception("Could not send a contact message to author %s", author.pk)
                form.add_error(
                    None, _("Your message could not be sent just now. Please try again later.")
                )
                return render(
                    request, "accounts/contact.html", {"author": author, "form": form}, status=503
                )
        messages.success(
            request, _("Your message has been sent to %(name)s.") % {"name": author.public_name}
        )
        return HttpResponseRedirect(author.get_absolute_url(), status=303)
    return render(request, "accounts/contact.html", {"author": author, "form": form})
