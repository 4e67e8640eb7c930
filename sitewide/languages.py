"""The languages Carnet speaks, in one table.

Settings, the article's language choices, the OpenGraph locale and the PostgreSQL
search configuration all read this table; adding a language is one line here plus
its catalogue in locale/.
"""

import datetime
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils import dateformat, formats, timezone, translation
from django.utils.dates import MONTHS
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, as a reader looks for it
    opengraph_locale: str
    search_config: str  # a PostgreSQL text search configuration
    # Its name inside sentences of the page's language, whole sentences since French
    # writes "en anglais" and English "in French": a label, and a link's text.
    written_in: Promise
    read_in: Promise
    # A time to the minute as this language's press prints it (Django's date format),
    # in a sentence: "6 décembre 2026 à 10 h 36", "December 6, 2026, 10:36".
    time_format: str
    # The same on the first of a month, where it differs: "1er décembre".
    first_day_time_format: str = ""

    @property
    def unaccent_search_config(self) -> str:
        """search_config with accents removed before stemming, so that "elections" finds
        "élections" (blog's migration 0015 creates it, with PostgreSQL's unaccent)."""
        return f"{self.search_config}_unaccent"


LANGUAGES = (
    Language(
        "fr",
        "Français",
        "fr_FR",
        "french",
        written_in=_("In French"),
        read_in=_("Read this article in French"),
        # No-break spaces hold "10 h 36" together (the Imprimerie nationale's rule).
        time_format="j F Y à G\u00a0\\h\u00a0i",
        first_day_time_format="j\\e\\r F Y à G\u00a0\\h\u00a0i",
    ),
    Language(
        "en",
        "English",
        "en_GB",
        "english",
        written_in=_("In English"),
        read_in=_("Read this article in English"),
        time_format="F j, Y, H:i",
    ),
)
BY_CODE = {language.code: language for language in LANGUAGES}
CHOICES = [(language.code, language.name) for language in LANGUAGES]


def translate_path(path: str, code: str) -> str:
    """A path of this site in another language (``/en/articles/x/``), or that language's
    home when the path is not one of this site's (``//other.example/``): whatever the
    address asked, no link or redirect built from it leads elsewhere."""
    # Imported here: settings read this module before the apps are ready.
    from django.urls import translate_url

    from sitewide.http import is_site_path

    translated = translate_url(path, code) if is_site_path(path) else ""
    return translated if is_site_path(translated) else translate_url("/", code)


def site_code() -> str:
    """The site's language: the default of an article's language."""
    return settings.LANGUAGE_CODE


def get(code: str) -> Language:
    """The language with this code; the site's own for an unknown one."""
    return BY_CODE.get(code) or BY_CODE[settings.LANGUAGE_CODE]


@contextmanager
def in_site_language() -> Iterator[None]:
    """Translate in the site's language: for text that is stored or mailed, not shown to
    the reader who caused it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def edition_language(obj: object, field: str, written_in: str) -> str:
    """The language `obj.<field>` is shown in by the current edition: the edition's own
    when `obj` has the field in it (`name_en` for English), filled; else `written_in`,
    the language the field itself is written in."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language != written_in and getattr(obj, f"{field}_{language}", ""):
        return language
    return written_in


def edition_text(obj: object, field: str, written_in: str) -> str:
    """`obj.<field>` as the current edition shows it: in its language if there is a
    version in it (`name_en` for English), else the field itself."""
    language = edition_language(obj, field, written_in)
    return getattr(obj, field if language == written_in else f"{field}_{language}")


def full_time(when: datetime.datetime) -> str:
    """A time to the minute in the active language's press style and the site's time
    zone: "6 décembre 2026 à 10 h 36", "December 6, 2026, 10:36". The one place a full
    date and time is worded (the |full_time filter reads it)."""
    local = timezone.localtime(when)
    return formats.date_format(local, full_time_format(local.day))


def full_time_format(day: int = 0) -> str:
    """The active language's format of full_time() for a time on that day of a month."""
    language = get(translation.get_language() or settings.LANGUAGE_CODE)
    if day == 1 and language.first_day_time_format:
        return language.first_day_time_format
    return language.time_format


def full_time_formatter() -> Callable[[datetime.datetime], str]:
    """full_time() of local times, for a loop that words many (a page of comments): the
    formats are read, and each month's name translated, once for the loop rather than
    once per time, as Django's dateformat does. Worded as dateformat words them, to the
    character."""
    time_format, first_day_format = full_time_format(), full_time_format(1)
    month_names: dict[int, str] = {}

    def month_name(local: datetime.datetime) -> str:
        if local.month not in month_names:
            month_names[local.month] = str(MONTHS[local.month])
        return month_names[local.month]

    def worded(local: datetime.datetime) -> str:
        time_format_of_day = first_day_format if local.day == 1 else time_format
        pieces = _format_pieces(time_format_of_day)
        if pieces is None:
            return dateformat.format(local, time_format_of_day)
        return "".join(
            month_name(local) if piece == "F" else _FIELDS[piece](local) if is_field else piece
            for piece, is_field in pieces
        )

    return worded


# The fields of Django's date formats that the languages' time formats use, as its
# dateformat gives them for a datetime; "F", the month's name, is translated.
_FIELDS: dict[str, Callable[[datetime.datetime], str]] = {
    "j": lambda local: str(local.day),
    "G": lambda local: str(local.hour),
    "H": lambda local: f"{local.hour:02d}",
    "i": lambda local: f"{local.minute:02d}",
    "Y": lambda local: f"{local.year:04d}",
}


@functools.cache
def _format_pieces(time_format: str) -> tuple[tuple[str, bool], ...] | None:
    """A date format as (text, is a field) pieces, split and unescaped as Django's
    dateformat does; None if it has a field that _FIELDS does not know."""
    pieces = []
    for index, piece in enumerate(dateformat.re_formatchars.split(time_format)):
        if index % 2:
            if piece != "F" and piece not in _FIELDS:
                return None
            pieces.append((piece, True))
        elif piece:
            pieces.append((dateformat.re_escaped.sub(r"\1", piece), False))
    return tuple(pieces)
