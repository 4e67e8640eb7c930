"""Parts of pages kept ready until what they show changes.

A fragment is a part of a page that every reader of it sees the same, in the
page's language: the comments, the related articles, the lists, the menu. It is
kept as pages are (sitewide.pagecache): with the tags of what it shows, noted
while it renders, and the count of changes read before the view ran; a change
to anything it shows makes it stale, and a fragment rendered from rows older
than a change is never found again. The page around it shows its tags too, kept
or rendered. Readers who carry a cookie, to whom the page cache cannot answer,
get these parts ready-made; what is a reader's own (their held comments, a
moderator's view, the form as they fill it in, a preview) is never kept. A fragment whose content
changes by itself with time (the most-read list) says until when it is right
(`pagecache.fresh_until()`), and is kept no later, nor is the page around it.
What changes far more often than the rest of a fragment, a comment count, is left
out of it as a marker the page fills in (`is_keeping()`, comments/counts.py): an
approval then keeps the fragments that show the article's card.
"""

import hashlib
import math
import time
from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.utils import translation

from sitewide import cache, pagecache


def kept[T](
    request: HttpRequest, name: str, vary_on: Iterable[object], render: Callable[[], T]
) -> T:
    """The fragment `name` for these values, from the cache or rendered (and kept): HTML,
    or any value that pickles, read under the same rules (what it shows noted while it
    is worked out).

    Rendered every time for a request without a count of changes: not a read,
    fragments off, or no cache to count changes in.
    """
    seen = getattr(request, "change_count", None)
    if seen is None:
        return render()
    address = "\n".join(
        [request.scheme, request.get_host(), translation.get_language() or ""]
        + [str(value) for value in vary_on]
    )
    # "fragment:", not the "fragments:" of the copies kept without tags before.
    key = f"fragment:{name}:{hashlib.sha256(address.encode()).hexdigest()}"
    # Read with the count of changes if the page read it last time (pagecache.read_ahead).
    was_read, entry = pagecache.read_ahead(request, key)
    if not was_read:
        entry = cache.get(key)
    if entry is not None and _is_current(request, entry):
        pagecache.note_read(request, key, entry["tags"])
        pagecache.shows(request, *entry["tags"])
        pagecache.fresh_until(request, entry.get("until", math.inf))
        return entry["html"]
    with pagecache.showing(request) as tags:
        request.keeping = getattr(request, "keeping", 0) + 1
        try:
            html = render()
        finally:
            request.keeping -= 1
        until = pagecache.shown_until(request)
    pagecache.note_read(request, key, tags)
    # Until what it shows changes, or as long as a page (an article scheduled for later
    # goes live with no change: sitewide/pagecache.py), or until it is wrong by itself.
    seconds = pagecache.keep_seconds()
    if until < math.inf:
        seconds = min(seconds, math.ceil(until - time.time()))
    if seconds > 0:
        entry = {"seen": seen, "tags": sorted(tags), "html": html, "until": until}
        cache.set(key, entry, seconds)
    return html


def is_keeping(request: HttpRequest | None) -> bool:
    """Whether a fragment to be kept is being rendered for this request: what it shows
    that changes more often than the rest (a comment count: comments/counts.py) may be
    left for the page to fill in."""
    return getattr(request, "keeping", 0) > 0


def _is_current(request: HttpRequest, entry: dict) -> bool:
    return time.time() < entry.get("until", math.inf) and pagecache.is_fresh(request, entry)
