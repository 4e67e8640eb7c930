import time

from django import template
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from blog import most_read
from blog.models import Article
from sitewide import pagecache

register = template.Library()


@register.simple_tag
def reads_are_counted() -> bool:
    """{% reads_are_counted as counted %}: whether there are lists to show (Redis only)."""
    return most_read.is_counting()


@register.simple_tag(takes_context=True)
def most_read_lists(context: template.Context) -> list[tuple[str, list[Article]]]:
    """{% most_read_lists as lists %}: the edition's most-read articles of the last 24 hours
    and 7 days, as (heading, articles), the empty ones left out. A little stale is fine:
    the part of the page showing them is right for MOST_READ_SECONDS, then rendered again
    (never forgotten at each read)."""
    if not most_read.is_counting():
        return []
    pagecache.fresh_until(context.get("request"), time.time() + settings.MOST_READ_SECONDS)
    headings = {most_read.DAY: _("Last 24 hours"), most_read.WEEK: _("Last 7 days")}
    lists = most_read.lists(get_language(), tuple(headings))
    return [(headings[hours], articles) for hours, articles in lists if articles]
