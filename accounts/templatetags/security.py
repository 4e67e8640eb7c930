from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from sitewide.http import browser_and_system

register = template.Library()


@register.filter
def browser_name(user_agent: str) -> str:
    """ "Firefox on Linux", from a User-Agent header, for a person to know their browser."""
    browser, system = browser_and_system(user_agent or "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


@register.simple_tag
def two_step_required() -> bool:
    """Whether the site requires a second step of superusers and editors-in-chief."""
    return settings.TWO_STEP_REQUIRED
