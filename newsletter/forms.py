from django import forms
from django.utils.translation import gettext_lazy as _

from blog.models import Category
from newsletter.models import Subscriber


class PreferencesForm(forms.ModelForm):
    """What a subscriber chooses, on the sign-up form and the manage page alike."""

    rhythm = forms.ChoiceField(
        label=_("How often"), choices=Subscriber.Rhythm.choices, widget=forms.RadioSelect
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )

    class Meta:
        model = Subscriber
        fields = ["rhythm", "categories"]
