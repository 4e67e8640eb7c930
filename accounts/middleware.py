import functools

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property

from accounts import twostep


class TwoStepMiddleware:
    """An account that owes a second step is signed in nowhere but at that step.

    After django-otp's OTPMiddleware: a session signed in with the password alone, for
    an account that needs a second step (accounts.twostep.needs_second_step), is an
    anonymous visitor to every view (no admin, no draft preview, no editing endpoint),
    and any address under the admin sends it to the step. Views marked with
    ``twostep.second_step`` see the account itself. ``request.second_step_owed()`` says
    which it is, for the admin site's own check (sitewide/admin_site.py).

    It also sets the cookie by which a browser is known at its next sign-in, when a
    sign-in finished in this request (accounts.twostep.finish_sign_in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_path(self) -> str:
        return reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user
        owed = functools.cache(lambda: twostep.owes_second_step(signed_in))
        request.second_step_owed = owed
        request.signed_in_user = signed_in
        request.user = SimpleLazyObject(lambda: AnonymousUser() if owed() else signed_in)
        response = self.get_response(request)
        twostep.remember_browser(request, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(view_func, "second_step", False):
            request.user = request.signed_in_user
            return None
        if request.path_info.startswith(self.admin_path) and request.second_step_owed():
            # Where the account was going, if it was only reading.
            wanted = request.get_full_path() if request.method in {"GET", "HEAD"} else ""
            return HttpResponseRedirect(twostep.step_url(request.signed_in_user, wanted))
        return None
