from django import forms

from pages.models import Page


class PageAdminForm(forms.ModelForm):
    """PageAdmin's form. The body is a plain textarea until the article body's rich-text
    editor lands: swapping it in is the one line of ``widgets`` below."""

    class Meta:
        model = Page
        fields = ["title", "slug", "body", "language", "published"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField carnet-title"}),
            "body": forms.Textarea(attrs={"rows": 20}),
        }
