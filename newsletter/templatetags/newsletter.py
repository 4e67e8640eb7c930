from django import template

from newsletter.forms import ShortSignUpForm

register = template.Library()


@register.inclusion_tag("newsletter/form.html", takes_context=True)
def newsletter_form(context: template.Context) -> dict:
    """The short sign-up form, the same for every reader (the page stays cacheable): the
    address and the rhythm; the categories a link away, on the sign-up page."""
    return {"request": context["request"], "form": ShortSignUpForm()}
