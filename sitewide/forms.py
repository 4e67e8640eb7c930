from django import forms
from django.utils.translation import gettext_lazy as _

from sitewide.validators import ProhibitControlCharactersValidator, validate_plain_email


class EmailField(forms.EmailField):
    """A reader's address that Carnet will mail: checked as typed (stripping would forgive
    a trailing line break, which has no place in an address) and one plain address,
    nothing a mail server reads as more."""

    default_validators = [*forms.EmailField.default_validators, validate_plain_email]
    typed_validator = ProhibitControlCharactersValidator(
        _("Enter a valid email address."), "invalid"
    )

    def to_python(self, value: object) -> str:
        if isinstance(value, str):
            self.typed_validator(value)
        return super().to_python(value)
