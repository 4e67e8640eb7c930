from django import forms
from django.utils.translation import gettext_lazy as _

from blog.models import Category
from newsletter.models import Subscriber
from sitewide import languages
from sitewide.forms import EmailField, IdsChoiceField


class CategoriesField(IdsChoiceField):
    """The categories, each named as the reader's edition names it."""

    def label_from_instance(self, category: Category) -> str:
        return category.local_name


class PreferencesForm(forms.ModelForm):
    """What a subscriber chooses, on the sign-up page and the manage page alike."""

    rhythm = forms.ChoiceField(
        label=_("How often"),
        choices=Subscriber.Rhythm.choices,
        initial=Subscriber.Rhythm.EACH,
        widget=forms.RadioSelect,
    )
    categories = CategoriesField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )

    class Meta:
        model = Subscriber
        fields = ["rhythm", "categories"]


class ManageForm(PreferencesForm):
    """The manage page's: the choices, and the edition, which a sign-up takes from the
    page it was made on."""

    language = forms.ChoiceField(
        label=_("Edition"),
        choices=languages.CHOICES,
        widget=forms.RadioSelect,
        help_text=_("The articles written in its language, and the emails in it."),
    )

    class Meta(PreferencesForm.Meta):
        fields = ["language", "rhythm", "categories"]


class SignUpForm(forms.Form):
    """A reader's sign-up. A plain form, not the model's: the model's would check the
    address against those subscribed, and say so, where the answer must be the same."""

    email = EmailField(label=_("Your email"), max_length=254)
    rhythm = PreferencesForm.base_fields["rhythm"]
    categories = PreferencesForm.base_fields["categories"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")


class ShortSignUpForm(SignUpForm):
    """The sign-up under articles and on the front page: the address and the rhythm; the
    categories are on the sign-up page (and the manage page), a link away."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="newsletter_%s", **kwargs)
        del self.fields["categories"]
