from django import forms
from django.utils.translation import gettext_lazy as _

from sitewide.validators import ProhibitControlCharactersValidator, validate_plain_email


class ContactForm(forms.Form):
    """A reader's message to an author; the author's address is never shown."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        validators=[
            ProhibitControlCharactersValidator(_("Your name cannot contain control characters."))
        ],
    )
    # It becomes the message's Reply-To header: a plain address only (no quoted local
    # part, no encoded word, ASCII), so that no header parser can read more into it.
    email = forms.EmailField(
        label=_("Your email"),
        help_text=_("So that the author can answer you."),
        validators=[
            ProhibitControlCharactersValidator(_("Enter a valid email address."), "invalid"),
            validate_plain_email,
        ],
    )
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)
    # Humans never see this field; bots fill it.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class CodeForm(forms.Form):
    """The second step: a code from the authenticator app, or a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class AuthenticatorForm(forms.Form):
    """Setting up an authenticator app: its name here, and a code it shows."""

    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("To tell it from others, such as “Phone” or “Laptop”."),
    )
    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
