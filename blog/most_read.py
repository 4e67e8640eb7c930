"""Les plus lus: the articles most read in an edition over the last 24 hours and 7 days.

Counted without cookies, without personal data and without a third party, behind
any cache: the article page's script (static/js/carnet.js) posts one beacon per
read to an uncached endpoint (blog.views.count_read), which adds one to the
article in its edition's sorted set for the hour, in the Redis of REDIS_URL:

    carnet:1:most-read:<edition>:<YYYYMMDDHH>   article pk -> reads that hour

Each hour's set expires after 8 days. A list is the union of the last 24 (or
168) hours' sets (ZUNIONSTORE), read when its fragment is rendered: once per
edition every MOST_READ_SECONDS, whatever the traffic. A client network may be
counted MOST_READ_PER_MINUTE times a minute, by a counter under a keyed hash of
its address (sitewide/flood.py's key: never the address itself) that expires
with its minute.

Without Redis (the file cache of `make run`, the memory cache of the tests)
nothing is counted and no list is shown; when Redis is down, counting fails
quietly and the list is left out.
"""

import datetime
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from blog.models import Article
from sitewide import flood
from sitewide.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

# The windows a list covers, in hours.
DAY = 24
WEEK = 7 * 24
# An hour's counts outlive the longest window by a day.
BUCKET_SECONDS = (WEEK + DAY) * 3600
# Articles per list.
LENGTH = 5
# What crawlers, link previews, monitors and scripts call themselves. They rarely run
# the page's script anyway; this leaves out those that do.
BOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|"
    r"mediapartners|feedfetcher|lighthouse|pingdom|uptime|headless|phantomjs|"
    r"curl|wget|python|httpclient|http-client|okhttp|java/|libwww|scrapy",
    re.IGNORECASE,
)


def _redis():
    """The client of the configured cache's Redis; None when the cache is not Redis."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(write=True)


def _key(name: str) -> str:
    # Under the cache's prefix, so that a site's counts never meet another's.
    return caches["default"].make_key(f"most-read:{name}")


def _bucket(edition: str, moment: datetime.datetime) -> str:
    return _key(f"{edition}:{moment.astimezone(datetime.UTC):%Y%m%d%H}")


def is_counting() -> bool:
    """Whether reads are counted at all: only with Redis as the cache."""
    return _redis() is not None


def is_bot(user_agent: str) -> bool:
    return not user_agent or BOTS.search(user_agent) is not None


def may_count(ip: str | None) -> bool | None:
    """Whether this client may be counted once more this minute: True, False past the
    limit, None when Redis does not answer (nothing is counted then, without a second
    wait on it)."""
    limit = settings.MOST_READ_PER_MINUTE
    client = _redis()
    if not limit or ip is None or client is None:
        return True
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = _key(f"flood:{flood.key('reads', ip)}:{minute}")
    try:
        pipe = client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, 60)
        count, _ = pipe.execute()
    except CACHE_ERRORS:
        logger.warning("Redis unavailable: a read not counted", exc_info=True)
        return None
    return count <= limit


def count(edition: str, article_pk: int) -> None:
    """One read of this article in this edition, now (nothing if Redis is missing)."""
    client = _redis()
    if client is None:
        return
    key = _bucket(edition, timezone.now())
    try:
        pipe = client.pipeline(transaction=False)
        pipe.zincrby(key, 1, article_pk)
        pipe.expire(key, BUCKET_SECONDS)
        pipe.execute()
    except CACHE_ERRORS:
        logger.warning("Redis unavailable: a read not counted", exc_info=True)


def rankings(edition: str, windows: tuple[int, ...], length: int) -> dict[int, list]:
    """For each window of hours, the `length` most-read article pks of this edition, with
    their reads, most read first (the newer article breaking ties): one round trip to
    Redis for all of them (one wait, if it is down). Empty without Redis."""
    client = _redis()
    if client is None:
        return {hours: [] for hours in windows}
    now = timezone.now()
    try:
        # One transaction: two workers ranking at once never read each other's union.
        pipe = client.pipeline(transaction=True)
        for hours in windows:
            union = _key(f"{edition}:last-{hours}h")
            hourly = [_bucket(edition, now - datetime.timedelta(hours=h)) for h in range(hours)]
            pipe.zunionstore(union, hourly)
            pipe.zrange(union, 0, length - 1, desc=True, withscores=True)
            pipe.delete(union)
        answers = pipe.execute()
    except CACHE_ERRORS:
        logger.warning("Redis unavailable: no most-read list", exc_info=True)
        return {hours: [] for hours in windows}
    return {
        hours: sorted(
            ((int(pk), int(reads)) for pk, reads in answers[3 * n + 1]),
            key=lambda ranked: (-ranked[1], -ranked[0]),
        )
        for n, hours in enumerate(windows)
    }


def lists(edition: str, windows: tuple[int, ...] = (DAY, WEEK), length: int = LENGTH) -> list:
    """The edition's most-read published articles over each window of hours, as (hours,
    articles) pairs, most read first: those its lists show (a translated pair in the
    edition's language). One query for every window."""
    # A few more than shown: some may have been unpublished since.
    ranked_pks = [
        (hours, [pk for pk, _ in ranked])
        for hours, ranked in rankings(edition, windows, length * 2).items()
    ]
    pks = {pk for _, ranked in ranked_pks for pk in ranked}
    if not pks:
        return [(hours, []) for hours in windows]
    found = Article.objects.published().for_edition(edition).filter(pk__in=pks)
    by_pk = {article.pk: article for article in found.only("title", "slug", "language")}
    return [
        (hours, [by_pk[pk] for pk in ranked if pk in by_pk][:length])
        for hours, ranked in ranked_pks
    ]
