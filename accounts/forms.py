from django import forms
from django.utils.translation import gettext_lazy as _

from sitewide.markup import has_control_characters


class ContactForm(forms.Form):
    """A reader's message to an author; the author's address is never shown."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your email"), help_text=_("So that the author can answer you.")
    )
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)
    # Humans never see this field; bots fill it.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if has_control_characters(name, multiline=False):
            raise forms.ValidationError(_("Your name cannot contain control characters."))
        return name

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
