from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from editing.editor import RichTextEditor
from editing.widgets import SuggestingTagWidget


class ArticleAdminForm(forms.ModelForm):
    """ArticleAdmin's form; the admin supplies the model and the fields."""

    class Media:
        js = ["editing/autocomplete-names.js"]

    class Meta:
        widgets = {
            "body": RichTextEditor(),
            "tags": SuggestingTagWidget(),
        }
        help_texts = {
            "tags": _("Separated by commas. Existing tags are suggested as you type."),
            "body": _(
                "Headings, lists, quotes, links, tables and images from the library, from "
                "the toolbar. Pasted text keeps only these; the rest of its formatting is "
                "dropped."
            ),
        }

    def clean_tags(self) -> list[str]:
        # A tag lives at /tag/<slug>/, and taggit makes an ASCII slug: a name such as
        # "Россия" or "!!!" would get an empty one, which no page could link to.
        names = self.cleaned_data["tags"]
        without_address = [name for name in names if not Tag().slugify(name)]
        if without_address:
            raise forms.ValidationError(
                _("A tag needs a Latin letter or a digit for its address: %(names)s."),
                params={"names": ", ".join(without_address)},
            )
        return names
