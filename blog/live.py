"""Live coverage's time ranges: how readers' pages poll for new entries, cacheably.

A live article's entries are polled by fixed ranges of time (``LIVE_RANGE_SECONDS``,
a minute by default), Automattic's liveblog's idea: ``/live/<article>/<start>/``
answers the entries posted or changed from ``start`` to the next range. A range that
is over never changes unless an entry of it is edited, so its answer is kept long
(docs/deploy.md); the open one briefly. Each answer names its range as a tag
(``live:42:1765100400``) besides its article's: a new entry or an edit forgets its own
range and the article's page (``live:42``), never the others, nor the lists the article
is on.
"""

import datetime

from django.conf import settings

# A live article's page is kept this many ranges at most: a reader who opens it asks for
# every range since it was rendered, one after the other, before polling the open one.
PAGE_RANGES = 10


def range_seconds() -> int:
    return settings.CARNET_LIVE_RANGE_SECONDS


def range_start(when: datetime.datetime) -> int:
    """The start of the range holding ``when``, in seconds since the epoch."""
    seconds = int(when.timestamp())
    return seconds - seconds % range_seconds()


def range_bounds(start: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The range's start and end as times; ValueError for a start out of any calendar."""
    begin = datetime.datetime.fromtimestamp(start, tz=datetime.UTC)
    return begin, begin + datetime.timedelta(seconds=range_seconds())


def is_range_start(start: int) -> bool:
    return start >= 0 and start % range_seconds() == 0


def page_tag(article_pk: int) -> str:
    """The tag of an article's entries on its page: posting or editing one forgets it."""
    return f"live:{article_pk}"


def range_tag(article_pk: int, start: int) -> str:
    return f"live:{article_pk}:{start}"
