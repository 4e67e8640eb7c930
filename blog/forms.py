from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog.models import ArticleQuerySet, Category, LiveEntry, create_tags, tag_slug
from editing.editor import RichTextEditor
from editing.widgets import SuggestingTagWidget
from sitewide import languages


class ArticleAdminForm(forms.ModelForm):
    """ArticleAdmin's form; the admin supplies the model and the fields."""

    # Shown to reviewers on an article in review (ArticleAdmin.get_fieldsets); not stored
    # on the article but in its history, and mailed to the author.
    review_note = forms.CharField(
        label=_("Why it goes back"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to send the article back: the author is emailed it, and it is kept in "
            "the article's history."
        ),
    )

    # Shown to publishers on a published article (ArticleAdmin.get_fieldsets): ticked, the
    # save dates the article's significant update (Article.mark_significant_update).
    significant_update = forms.BooleanField(
        label=_("Significant update"),
        required=False,
        help_text=_(
            "Tick it when the story changed in substance (new facts, a new development): "
            "readers then see “Updated on …” with this save's time, and feeds and search "
            "engines are told. Leave it unticked for a typo or a wording."
        ),
    )

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

    def clean_published_at(self):
        when = self.cleaned_data["published_at"]
        stored = self.instance.published_at
        if stored is None or not self.instance.pk:
            return when
        # The form shows whole seconds: a time left as it was keeps its stored fraction.
        if when == stored.replace(microsecond=0):
            return stored
        # A published article keeps its date: emptying the field does not date it anew.
        if when is None and self.instance.is_published():
            return stored
        return when

    def clean(self) -> dict:
        cleaned_data = super().clean()
        # self.data: the button pressed is not a field.
        when = cleaned_data.get("published_at")
        if "_schedule" in self.data and (when is None or when <= timezone.now()):
            self.add_error(
                "published_at", _("Choose a time in the future to schedule the article.")
            )
        if "_send_back" in self.data and not cleaned_data.get("review_note", "").strip():
            self.add_error(
                "review_note", _("Say why the article goes back: its author will read it.")
            )
        return cleaned_data

    @cached_property
    def changed_data(self) -> list[str]:
        # The note is not a field of the article: its history names it as the reason. A
        # ticked "significant update" is the change of the article's update time.
        renamed = {"review_note": None, "significant_update": "significant_update_at"}
        return [
            renamed.get(name, name) for name in super().changed_data if renamed.get(name, name)
        ]

    def clean_tags(self) -> list[str]:
        # A tag lives at /tag/<slug>/, and its slug is ASCII: a name such as "Россия" or
        # "!!!" would get an empty one, which no page could link to.
        names = self.cleaned_data["tags"]
        without_address = [name for name in names if not tag_slug(name)]
        if without_address:
            raise forms.ValidationError(
                _("A tag needs a Latin letter or a digit for its address: %(names)s."),
                params={"names": ", ".join(without_address)},
            )
        return names

    def _save_m2m(self) -> None:
        # New tags get Carnet's slug ("cœur" at /tag/coeur/) before taggit sees them.
        create_tags(self.cleaned_data.get("tags", []))
        super()._save_m2m()


class SearchFilterForm(forms.Form):
    """The search page's sort and filters, read from the address so that a search can be
    shared; the words themselves (q) are read by the view. The categories offered are
    the menu's, read once for both, and only when a category is asked or the form shown
    (a kept copy of it reads none)."""

    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("", _("Relevance")), ("newest", _("Newest first"))],
        required=False,
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, data, categories: Iterable[Category]) -> None:
        super().__init__(data)
        self.categories = categories
        # A callable: Django reads it when the choices are first needed.
        self.fields["category"].choices = lambda: (
            [("", _("All categories"))]
            + [(category.slug, category.local_name) for category in categories]
        )
        self.fields["language"].choices = [("", _("All languages"))] + [
            (language.code, language.written_in) for language in languages.LANGUAGES
        ]

    def clean_category(self) -> Category | None:
        slug = self.cleaned_data["category"]
        return next((c for c in self.categories if c.slug == slug), None) if slug else None

    def narrow(self, articles: ArticleQuerySet) -> ArticleQuerySet:
        """The articles of the category and language asked, once the form is valid."""
        if self.cleaned_data["category"]:
            articles = articles.filter(category=self.cleaned_data["category"])
        if self.cleaned_data["language"]:
            articles = articles.filter(language=self.cleaned_data["language"])
        return articles


class LiveEntryForm(forms.ModelForm):
    """LiveEntryAdmin's form: the entry's text with the article's rich-text editor."""

    class Media:
        js = ["editing/autocomplete-names.js"]  # the image's box, named by its label

    class Meta:
        model = LiveEntry
        fields = ["article", "body", "image", "embed_url", "pinned"]
        widgets = {"body": RichTextEditor()}


class LiveDeskForm(forms.Form):
    """The live coverage desk's one field: plain text, a paragraph a line; a line that
    is only a video's address becomes its embed (sitewide/markup.py)."""

    text = forms.CharField(
        label=_("New entry"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True, "data-live-desk": ""}),
        help_text=_("Enter posts it; Shift+Enter starts a new line."),
    )

    def html(self) -> str:
        """The text as HTML, a paragraph a line, escaped; the model sanitises it too."""
        lines = self.cleaned_data["text"].splitlines()
        return "".join(format_html("<p>{}</p>", line.strip()) for line in lines if line.strip())
