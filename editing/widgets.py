"""Form widgets of the writing tools, besides the rich-text editor (editing/editor.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget


class SuggestingTagWidget(TagWidget):
    """taggit's comma-separated tags input, suggesting existing tags as one types.

    editing/static/editing/tag-suggest.js turns it into a combobox (the ARIA pattern of
    a list autocomplete) fed by editing.views.tag_choices; without JavaScript it stays
    the plain input.
    """

    class Media:
        js = ["editing/tag-suggest.js"]
        css = {"all": ["editing/tag-suggest.css"]}

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "autocomplete": "off",
                "data-suggest-url": reverse("editing:tag_choices"),
                "data-suggest-label": _("Existing tags"),
                "data-suggest-count": _("{n} suggestions. Up and down arrows to choose."),
            }
        )
        return context
