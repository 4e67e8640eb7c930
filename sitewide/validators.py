"""Validators shared by every form that takes a reader's text."""

import re
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from sitewide.markup import has_control_characters


@deconstructible
class ProhibitControlCharactersValidator:
    """Refuse control characters; tabs and line breaks pass only in multi-line text.

    Written after Django's ProhibitNullCharactersValidator. A single line ends up in
    places (mail headers, logs, feeds) where a line break is an attack, not text. A
    line break is anything ``str.splitlines()`` breaks on, not only CR and LF: some
    interpreters' mail code also ends a header line at NEL (U+0085), U+2028, U+2029
    or the separators U+001C to U+001E.
    """

    message = _("Control characters are not allowed.")
    code = "control_characters"
    multiline = False

    def __init__(
        self, message: str | None = None, code: str | None = None, *, multiline: bool = False
    ):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        text = str(value)
        if has_control_characters(text, multiline=self.multiline) or (
            not self.multiline and has_line_breaks(text)
        ):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ProhibitControlCharactersValidator)
            and self.message == other.message
            and self.code == other.code
            and self.multiline == other.multiline
        )


def has_line_breaks(text: str) -> bool:
    """Whether ``str.splitlines()`` would break text anywhere (a trailing break included)."""
    return "".join(text.splitlines()) != text


# The local part of a plain address: dot-separated atoms, no quotes, no spaces.
_PLAIN_LOCAL_PART = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)


def is_plain_address(address: str) -> bool:
    """Whether address is a bare ``local@domain`` that can go into a header as it is.

    No display name, no quoted local part, no comment, no encoded word (``=?``), nothing
    outside ASCII, nothing a header parser would read differently: parsing it gives back
    exactly what was written. What is not plain never reaches a header.
    """
    if not address.isascii() or "=?" in address or has_line_breaks(address):
        return False
    local, at, domain = address.rpartition("@")
    if not at or not _PLAIN_LOCAL_PART.fullmatch(local) or not domain:
        return False
    if parseaddr(address) != ("", address):
        return False
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError):
        return False
    return (parsed.username, parsed.domain, parsed.addr_spec) == (local, domain, address)


def validate_plain_email(value: str) -> None:
    """A form's email that may become a Reply-To header: a plain address only."""
    if not is_plain_address(str(value)):
        raise ValidationError(
            _("Enter a plain email address, such as name@example.org."), "invalid"
        )
