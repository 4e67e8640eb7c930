from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property

from sitewide import languages


class LocaleMiddleware:
    """The interface language comes from the address alone: the site's language at the
    root, another under its prefix (``/en/``); never a cookie or Accept-Language, so that
    one address is one page for every reader and every cache.

    Old ``?lang=`` links answer 301 with the page's address in that language. The admin,
    private to staff, follows the browser's language as Django does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_path(self) -> str:
        return reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_admin = request.path_info.startswith(self.admin_path)
        if in_admin:
            code = translation.get_language_from_request(request)
        else:
            code = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        if "lang" in request.GET and request.method in {"GET", "HEAD"} and not in_admin:
            return self._redirect_old_address(request)
        response = self.get_response(request)
        if in_admin:
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", code)
        return response

    def _redirect_old_address(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.copy()
        code = query.pop("lang")[-1]
        if code not in languages.BY_CODE:
            code = request.LANGUAGE_CODE
        path = f"{request.path}?{query.urlencode()}" if query else request.path
        return HttpResponsePermanentRedirect(translate_url(path, code))
