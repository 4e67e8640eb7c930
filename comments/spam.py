"""The automatic checks on a reader's comment, before it is stored.

A comment that must not be stored raises a Refused (the view decides how to
answer); one that may be stored gets a status and a reason from the word and link
policy. The commenter's email is never logged.
"""

import datetime
import math
import re

from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.models import Comment
from sitewide import flood, languages
from sitewide.models import SiteSettings

DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class Refused(Exception):
    """A comment that is not stored, with the message the reader sees."""

    message = ""
    retry_after: int | None = None

    def __init__(self, message: str | None = None):
        if message is not None:
            self.message = message
        super().__init__(self.message)


class Replayed(Refused):
    message = gettext_lazy("This comment has already been sent.")


class Duplicate(Refused):
    message = gettext_lazy("You have already sent this comment.")


class TooSoon(Refused):
    def __init__(self, seconds: float):
        self.retry_after = math.ceil(seconds)
        super().__init__(
            _("You are commenting too fast. Please wait %(seconds)s seconds.")
            % {"seconds": self.retry_after}
        )


# The flood limit's scope: the same keys as when comments kept the limit themselves.
FLOOD_SCOPE = "comments"


def check_repeats(comment: Comment, *, flood_limited: bool) -> None:
    """Refuse a replayed form, a flood from one address, or the same words sent again.

    Call inside the transaction that stores the comment.
    """
    seconds = settings.COMMENTS_FLOOD_SECONDS if flood_limited else 0
    limit = flood.lock(FLOOD_SCOPE, comment.ip_address, comment.submitted_at, seconds)
    # After the lock: a double click from one address sees the first click's comment.
    if Comment.objects.filter(token=comment.token).exists():
        raise Replayed
    wait = flood.wait(limit, comment.submitted_at, seconds)
    if wait:
        raise TooSoon(wait)
    recent_tokens = set(
        Comment.objects.from_email(comment.email)
        .filter(body=comment.body, submitted_at__gte=comment.submitted_at - DUPLICATE_WINDOW)
        .values_list("token", flat=True)
    )
    if comment.token in recent_tokens:
        # The same form, committed by a concurrent request since the check above.
        raise Replayed
    if recent_tokens:
        raise Duplicate


def automatic_decision(comment: Comment, site: SiteSettings) -> tuple[str, str]:
    """The status and reason the word and link policy gives a reader's comment.

    The reason is stored, so it is written in the site's language, not the reader's.
    """
    with languages.in_site_language():
        status, reason = _automatic_decision(comment, site)
    return status, Truncator(reason).chars(Comment._meta.get_field("reason").max_length)


def _automatic_decision(comment: Comment, site: SiteSettings) -> tuple[str, str]:
    fields = {
        "name": comment.name,
        "email": comment.email,
        "website": comment.website,
        "body": comment.body,
    }
    found = _find_word(site.word_list(site.comment_refuse_words), fields)
    if found:
        return Comment.Status.SPAM, _("Refused: the word “%(word)s” in the %(field)s") % {
            "word": found[0],
            "field": found[1],
        }
    found = _find_word(site.word_list(site.comment_hold_words), fields)
    if found:
        return Comment.Status.PENDING, _("Held: the word “%(word)s” in the %(field)s") % {
            "word": found[0],
            "field": found[1],
        }
    links = len(_LINK.findall(comment.body))
    if links > settings.COMMENTS_MAX_LINKS:
        return Comment.Status.PENDING, _("Held: %(links)s links (more than %(limit)s)") % {
            "links": links,
            "limit": settings.COMMENTS_MAX_LINKS,
        }
    return Comment.Status.PENDING, ""


def _find_word(words: list[str], fields: dict[str, str]) -> tuple[str, str] | None:
    for word in words:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        for field, value in fields.items():
            if pattern.search(value):
                return word, field
    return None
