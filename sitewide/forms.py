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


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Rows chosen by id, where what is posted may be anything: a value that is no id a
    database stores (not ASCII digits, longer than a bigint) is the field's own "not one
    of the choices" error, never a query that fails (SQLite overflows on 2**63)."""

    def clean(self, value: object) -> object:
        for pk in value if isinstance(value, list | tuple) else []:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)
