from django import forms

from editing.editor import RichTextEditor
from pages.models import Page


class PageAdminForm(forms.ModelForm):
    """PageAdmin's form: the body in the same rich-text editor as articles."""

    class Meta:
        model = Page
        fields = ["title", "slug", "body", "language", "published", "title_en", "body_en"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField carnet-title"}),
            "body": RichTextEditor(),
            "title_en": forms.TextInput(attrs={"class": "vTextField"}),
            "body_en": RichTextEditor(language="en"),
        }
