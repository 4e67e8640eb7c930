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
