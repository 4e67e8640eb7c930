from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

from sitewide import languages


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, plus ``?lang=en``: one address per language, for the hreflang alternates.

    The reader's own choice is still made with the switcher (Django's set_language),
    which keeps it in a cookie; ``?lang=`` only chooses the language of one response.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.GET.get("lang", "")
        if language in languages.BY_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
            return
        super().process_request(request)
