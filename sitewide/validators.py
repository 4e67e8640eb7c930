"""Validators shared by every form that takes a reader's text."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from sitewide.markup import has_control_characters


@deconstructible
class ProhibitControlCharactersValidator:
    """Refuse control characters; tabs and line breaks pass only in multi-line text.

    Written after Django's ProhibitNullCharactersValidator. A single line ends up in
    places (mail headers, logs, feeds) where a line break is an attack, not text.
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
        if has_control_characters(str(value), multiline=self.multiline):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ProhibitControlCharactersValidator)
            and self.message == other.message
            and self.code == other.code
            and self.multiline == other.multiline
        )
