import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import cached_property

from sitewide import languages
from sitewide.http import is_site_path
from sitewide.uploads import MediaStoreUnavailable


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
            redirect = self._redirect_old_address(request)
            if redirect:
                return redirect
        response = self.get_response(request)
        if in_admin:
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", code)
        return response

    def _redirect_old_address(self, request: HttpRequest) -> HttpResponse | None:
        """The 301 of an old ?lang= link; None for an address that is not a path of this
        site (``//other.example/?lang=en``), which is answered as any unknown page."""
        if not is_site_path(request.path):
            return None
        query = request.GET.copy()
        code = query.pop("lang")[-1]
        if code not in languages.BY_CODE:
            code = request.LANGUAGE_CODE
        path = f"{request.path}?{query.urlencode()}" if query else request.path
        return HttpResponsePermanentRedirect(languages.translate_path(path, code))


class AdminContentSecurityPolicyMiddleware:
    """The admin's pages get settings.SECURE_CSP_ADMIN, every other page SECURE_CSP.

    Sits inside Django's ContentSecurityPolicyMiddleware, which writes the header from
    the policy a response carries; a view's own csp_override is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_path(self) -> str:
        return reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(self.admin_path) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.SECURE_CSP_ADMIN
        return response


logger = logging.getLogger(__name__)

# Seconds a reader is asked to wait while the database is unreachable.
OUTAGE_RETRY_AFTER = 10
# The fields of a post whose text the outage page gives back: a comment's, a contact message's.
KEPT_FIELDS = ("body", "message")
# Whether this process has logged the current outage; a new connection to the database
# (sitewide/apps.py connects the signal) ends the outage.
_outage_logged = False


def database_connected(sender, **kwargs) -> None:
    """The database accepted a new connection: a later failure is a new outage."""
    global _outage_logged
    if _outage_logged:
        logger.warning("The database answers again")
    _outage_logged = False


class DatabaseOutageMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not 500.

    The page is short, in the reader's language, rendered without the database, and
    gives back the text of a comment or message that could not be stored. The outage
    is logged once per process, with its first error, not once per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, MediaStoreUnavailable):
            # The store failed after the upload form's own check of it (sitewide/uploads.py):
            # the save is rolled back with the request's transaction, nothing half-saved.
            logger.error("The media storage does not answer", exc_info=exception)
            return outage_response(request, media=True)
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        global _outage_logged
        if not _outage_logged:
            _outage_logged = True
            logger.error(
                "The database is unreachable; answering 503 until it is back",
                exc_info=exception,
            )
        return outage_response(request)


def outage_response(request: HttpRequest, *, media: bool = False) -> HttpResponse:
    """503 with Retry-After: the database is out of reach, or the media storage (media)."""
    kept_text = ""
    if request.method == "POST":
        kept_text = next((request.POST[f] for f in KEPT_FIELDS if request.POST.get(f)), "")
    try:
        home_url = reverse("blog:home")
    except NoReverseMatch:
        home_url = "/"
    content = loader.render_to_string(
        "503.html",
        {
            "retry_after": OUTAGE_RETRY_AFTER,
            "kept_text": kept_text,
            "home_url": home_url,
            "media": media,
        },
    )
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    add_never_cache_headers(response)
    return response
