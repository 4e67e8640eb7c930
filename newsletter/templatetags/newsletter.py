from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString

from newsletter.forms import ShortSignUpForm
from sitewide import csrf

register = template.Library()

# The blank form's HTML for each (language, address of the sign-up page): it is made of
# code and translations alone, never of a row, so nothing can change it while the process
# runs. Its four widgets cost a fifth of the front page's render, fragments kept or not.
_blank_forms: dict[tuple[str, str], SafeString] = {}


@register.simple_tag(takes_context=True)
def newsletter_form(context: template.Context) -> SafeString:
    """The short sign-up form, the same for every reader (the page stays cacheable): the
    address and the rhythm; the categories a link away, on the sign-up page.

    Rendered once per language and process; a reader with a session gets it rendered
    each time, with the CSRF token that is theirs alone.
    """
    request = context["request"]
    form_template = context.template.engine.get_template("newsletter/form.html")

    def render() -> SafeString:
        return form_template.render(context.new({"request": request, "form": ShortSignUpForm()}))

    if csrf.needs_token(request):
        return render()
    key = (translation.get_language(), reverse("newsletter:sign_up"))
    if key not in _blank_forms:
        _blank_forms[key] = render()
    return _blank_forms[key]
