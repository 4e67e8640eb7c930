"""Pages every cache can keep: the same bytes for every anonymous reader.

A GET from a reader who carries none of Carnet's cookies is answered for
everyone: marked public for shared caches (a short max-age, then
stale-while-revalidate), given an ETag, and kept in the configured cache. A
reader who carries one of Carnet's cookies (a session, their pending comments,
a message) is answered privately, never from or into a shared copy.

A kept page names what it shows, as tags: the article `article:42`, its author
`user:7`, the lists of a category it is in `list:category:3`, every list of
articles `list:article` (`shows()`, `{% shows %}`). A change names what it
touched (`changed()`), and only the pages that show one of those tags are
rendered again; `pages_changed()` touches `site`, which every page shows. A
kept page then lives until a change it shows, or `CARNET_PAGE_KEEP_SECONDS`; a
page that shows something that changes by itself with time (an article leaving the
news sitemap's 48 hours, the most-read list) says until when (`fresh_until()`), and
lives no longer.

How it stays right inside transactions: every change takes a new number from
one counter, and writes it under each tag it touched, now and again after the
commit. A read notes the counter before its view runs; what it keeps is fresh
while none of its tags carries a later number. A page rendered from the old rows
before a commit was read before the second number, so it is never found again.

A stale page is served stale while one worker renders it again, and each server
renders one stale page at a time (`REVALIDATING`): a change's pages are then
rendered one after the other, not all at once on every worker. A page stale for
`STALE_WAIT_SECONDS` waits no more for that turn. The reader who finds a page
stale for less than `PAGE_STALE_SERVE_SECONDS` since its change gets the stale
copy too, and the page is rendered once that reader has it (stale-while-revalidate:
no reader waits for it); a change older than that is rendered for its reader, so
that no change stays unseen long. A stale copy says so to the caches in front
(`max-age=0`), which would otherwise keep it as fresh past a purge.

A part of a page filled in after its render under a tag of its own (a comment
count: comments/counts.py) is filled in again in the kept copy when such parts are
all that changed (`fills_late()`): one query and a splice, where the page would be
rendered whole.

The parts of pages that every reader shares (sitewide/fragments.py) are kept
the same way, under the same counter and tags. A page reads the count of changes
in one round trip with the parts it read last time and the numbers of their tags
(`start_reading_ahead()`), where each part cost two reads one after the other.
"""

import gzip
import hashlib
import logging
import math
import random
import re
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError, models, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.text import compress_string

from sitewide import cache
from sitewide.http import is_site_path

logger = logging.getLogger(__name__)

COUNTER_KEY = "pages:changes"
# Shown by every page.
SITE = "site"
# Shown by every missing or moved page (404, 410, 301): touched by a change that adds,
# moves or removes a public address.
ADDRESSES = "addresses"
SHAREABLE_STATUSES = {200, 301, 404, 410}
# A worker rendering a page again holds its lock this long at most (a worker that died
# holding it lets another render after that); the others serve the stale copy, or wait
# for the first copy of a page that has none, polling every RENDER_POLL_SECONDS.
RENDER_LOCK_SECONDS = 10
RENDER_POLL_SECONDS = 0.02
# Stale copies are rendered again one at a time on each server: the pages one change
# forgets (an approved comment's article, the front page, its category, the articles
# whose related cards show it) are all asked for within milliseconds, and rendered side
# by side they would take every worker and core from the readers a kept copy answers in
# a millisecond. Those pages are served stale a little longer instead. A page with no
# copy at all is not held back: its readers have nothing else.
REVALIDATING = f"pages:revalidating:{socket.gethostname()}"
# A stale copy served this long waits no more for the server's turn: it is rendered
# beside the page whose turn it is (still once, under its own lock).
STALE_WAIT_SECONDS = 2
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def tag_of(value: "models.Model | type[models.Model] | str", pk: object = None) -> str:
    """The tag of a row a page shows ("article:42"), given the row or its model and pk; a
    string is a tag already."""
    if isinstance(value, str):
        return value
    return f"{value._meta.model_name}:{value.pk if pk is None else pk}"


def list_of(value: "models.Model | type[models.Model]", pk: object = None) -> str:
    """The tag of the lists a row's children are in ("list:category:3"), given the row or
    its model and pk; for a model alone, of every list of its rows ("list:article")."""
    if isinstance(value, type) and pk is None:
        return f"list:{value._meta.model_name}"
    return f"list:{tag_of(value, pk)}"


def count_of(value: "models.Model | type[models.Model]", pk: object = None) -> str:
    """The tag of a row's count of children ("count:article:42": its comments), shown
    where the count shows without the list (a card); what changes the list changes it."""
    return f"count:{tag_of(value, pk)}"


def personal_cookies() -> frozenset[str]:
    """The cookies that make a page a reader's own."""
    return frozenset(
        {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"}
        | set(settings.CARNET_READER_COOKIES)
    )


def is_anonymous_read(request: HttpRequest) -> bool:
    return request.method in {"GET", "HEAD"} and not personal_cookies() & request.COOKIES.keys()


# What a request has shown so far: a stack of sets of tags, one per kept part being
# rendered (the page, then each fragment inside it).


def shows(request: HttpRequest | None, *values: "models.Model | str | None") -> None:
    """Note that the page rendered for `request` shows these rows or tags (None: nothing)."""
    shown = getattr(request, "shown_tags", None)
    if shown:
        shown[-1].update(tag_of(value) for value in values if value is not None)


def fresh_until(request: HttpRequest | None, moment: float) -> None:
    """Note that what the part being rendered shows changes by itself at `moment` (a Unix
    time), with no change to name: it, and the page around it, are kept no later."""
    until = getattr(request, "shown_until", None)
    if until:
        until[-1] = min(until[-1], moment)


def shown_until(request: HttpRequest) -> float:
    """Until when the part being rendered is right (infinity: until a change)."""
    until = getattr(request, "shown_until", None)
    return until[-1] if until else math.inf


@contextmanager
def showing(request: HttpRequest) -> Iterator[set[str]]:
    """Collect the tags shown inside, which the page around shows too (and so the time
    it is right until, read with shown_until() before the end)."""
    shown = request.__dict__.setdefault("shown_tags", [{SITE}])
    until = request.__dict__.setdefault("shown_until", [math.inf])
    shown.append({SITE})
    until.append(math.inf)
    try:
        yield shown[-1]
    finally:
        inner = shown.pop()
        shown[-1].update(inner)
        inner_until = until.pop()
        until[-1] = min(until[-1], inner_until)


def showing_lists(*models_shown: type[models.Model]) -> Callable:
    """A view decorator: the view lists rows of these models (a sitemap, a feed)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            shows(request, *(list_of(model) for model in models_shown))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_fresh(request: HttpRequest, entry: dict) -> bool:
    """Whether a kept page or fragment was rendered after every change to what it shows."""
    known = request.__dict__.get("tag_changes")
    if known is None or request.forgets_seen != _forgets():
        # None read yet, or this request changed something since it read them.
        known = request.tag_changes = {}
        request.forgets_seen = _forgets()
    missing = [tag for tag in entry["tags"] if tag not in known]
    if missing:
        found = cache.get_many([_tag_key(tag) for tag in missing])
        known.update((tag, _change(found.get(_tag_key(tag)))) for tag in missing)
    return not _stale_tags(known, entry)


def _stale_tags(known: dict[str, tuple[int, float]], entry: dict) -> list[str]:
    """The tags of a kept copy changed since it was rendered (or since the parts showing
    them were filled in again: "refilled")."""
    seen, refilled = entry["seen"], entry.get("refilled")
    if refilled is None:
        return [tag for tag in entry["tags"] if known[tag][0] > seen]
    return [tag for tag in entry["tags"] if known[tag][0] > refilled.get(tag, seen)]


def _change(value: "tuple[int, float] | int | None") -> tuple[int, float]:
    """A tag's last change: its number and when it was made (a number alone, as kept
    before the time was: long ago)."""
    if value is None:
        return (0, 0.0)
    return value if isinstance(value, tuple) else (value, 0.0)


def stale_since(request: HttpRequest, entry: dict) -> float:
    """Since when a stale copy has been stale: the last change to what it shows, or the
    end of its freshness."""
    is_fresh(request, entry)
    known = request.tag_changes
    changes = [known[tag][1] for tag in _stale_tags(known, entry)]
    return min([entry["fresh_until"], *changes])


def keep_seconds() -> int:
    """How long a copy that nothing changed stays fresh, a tenth less at random: the
    copies of popular pages, kept at once, do not all expire at the same moment."""
    keep = settings.CARNET_PAGE_KEEP_SECONDS
    return keep - random.randint(0, keep // 10)


def _tag_seconds() -> int:
    # Longer than any copy is kept, stale ones included, so that a missing number means
    # no change since the oldest copy was rendered.
    return settings.CARNET_PAGE_KEEP_SECONDS + settings.CARNET_PAGE_STALE_SECONDS + 60


_batch = threading.local()
# How many times this thread made something stale: see _forgets().
_this_thread = threading.local()


def changed(
    *values: "models.Model | str",
    using: str | None = None,
    then: Callable[[], Iterable["models.Model | str"]] | None = None,
) -> None:
    """The pages that show any of these rows or tags are stale.

    Now, and again after the commit, so that a page rendered from the old rows in
    between cannot outlive the change; `then` names what else it touched, read once
    committed. Within `one_change_for_many()`, once for the whole batch.
    """
    if in_one_change():
        _batch.changed.add(using)
        return
    from sitewide import purges  # its model imports this module

    tags = {tag_of(value) for value in values}
    forget(tags)
    purges.queue(tags)
    transaction.on_commit(lambda: forget(tags), using=using)
    if then is not None:

        def forget_the_rest() -> None:
            rest = {tag_of(value) for value in then()}
            forget(rest)
            purges.queue(rest)

        # Robust: the change is committed whatever reading the rest costs.
        transaction.on_commit(forget_the_rest, using=using, robust=True)


def pages_changed(using: str | None = None) -> None:
    """Every kept page is stale: for what every page shows (the site's settings, its
    footer) or a change too wide to name."""
    changed(SITE, using=using)


def forget(tags: Iterable[str]) -> None:
    """Stale from now on, whatever shows these tags (no second time after a commit: for
    a change already committed)."""
    tags = list(tags)
    if not tags:
        return
    _this_thread.forgets = _forgets() + 1
    count = _next_count()
    if count is not None:
        now = time.time()
        cache.set_many({_tag_key(tag): (count, now) for tag in tags}, _tag_seconds())


def in_one_change() -> bool:
    """Inside one_change_for_many(): every page changes at its end, nothing to name."""
    return getattr(_batch, "changed", None) is not None


@contextmanager
def one_change_for_many() -> Iterator[None]:
    """Count the changes made inside as one to every page, made at the end: thousands of
    saves (an import) then cost the cache two writes instead of two each, and no reads
    of what each touched. Enter it inside the transaction."""
    if in_one_change():
        yield
        return
    _batch.changed = set()
    try:
        yield
    finally:
        batch, _batch.changed = _batch.changed, None
        for using in batch:
            pages_changed(using)


class PageCacheMiddleware:
    """Answers anonymous reads from the page cache, and marks every read public or private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        anonymous = is_anonymous_read(request)
        if anonymous and settings.CARNET_PAGE_CACHE:
            return self._from_cache(request)
        if settings.CARNET_FRAGMENT_CACHE:
            start_reading_ahead(request)
        response = self.get_response(request)
        remember_reads(request)
        if anonymous:
            return _share(response, _shown(request, response), shown_until(request))
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response

    def _from_cache(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        # With the numbers of the tags the copy showed when this worker last served it:
        # a hit is then one round trip, not two.
        tag_keys = _tags_last_served.get(key, ())
        found = cache.get_many([COUNTER_KEY, key, *tag_keys])
        entry = found.get(key)
        if tag_keys:
            _note_tag_changes(request, tag_keys, found)
        if entry is not None:
            _remember(_tags_last_served, key, tuple(map(_tag_key, entry["tags"])))
            if _is_current(request, entry):
                return _from_entry(entry, "hit")
        start_reading(request, found.get(COUNTER_KEY))
        if request.change_count is None:  # the cache is down: nothing to share
            response = self.get_response(request)
            return _share(response, _shown(request, response), shown_until(request))
        if request.method == "GET" and entry is not None:
            if (refilled := _refilled(request, key, entry)) is not None:
                return refilled
        if request.method == "HEAD":
            # A HEAD's answer is never kept: it takes no render's place, and is answered
            # from the copy there is, stale or not.
            if entry is not None:
                return _from_stale(entry)
            return self._render(request, key, None)
        # One worker renders the page; while it does, the others serve the stale copy, or
        # wait for its first copy (a dogpile of renders at each change or expiry, else).
        lock = f"{key}:rendering"
        if entry is not None:
            return self._revalidate(request, key, entry, lock)
        token = _take(lock)
        if token is None:
            entry = _wait_for(request, key)
            if entry is not None:
                return _from_entry(entry, "hit; collapsed")
        try:
            return self._render(request, key, None)
        finally:
            _release(lock, token)

    def _revalidate(self, request: HttpRequest, key: str, stale: dict, lock: str) -> HttpResponse:
        """A stale copy: served as it is, and rendered again by this worker once it has
        answered, if no other renders a stale page on this server (or if it has been
        served stale STALE_WAIT_SECONDS already), nor this page anywhere."""
        turn = _take(REVALIDATING)
        if turn is None and not _waited_its_turn(key, stale):
            return _from_stale(stale)
        token = _take(lock)
        if token is None:
            _release(REVALIDATING, turn)
            return _from_stale(stale)

        def render_again() -> HttpResponse:
            try:
                return self._render(request, key, stale)
            finally:
                _release(lock, token)
                _release(REVALIDATING, turn)

        if not _may_serve_while_rendering(request, stale):
            return render_again()
        after_response(render_again)
        return _from_stale(stale, "stale-revalidating")

    def _render(self, request: HttpRequest, key: str, stale: dict | None) -> HttpResponse:
        read_ahead_now(request)
        response = self.get_response(request)
        remember_reads(request)
        tags = _shown(request, response)
        until = shown_until(request)
        response = _share(response, tags, until)
        public = "public" in response.get("Cache-Control", "")
        stored = public and request.method == "GET"
        if stored:
            entry = _to_entry(response, request.change_count, tags, until)
            if late := getattr(request, "filled_late", None):
                entry["late"] = late
            cache.set(key, entry, entry["fresh_until"] - entry["stored_at"] + _stale_seconds())
        forwarded = "stale" if stale is not None else "miss"
        response["Cache-Status"] = f"Carnet; fwd={forwarded}" + ("; stored" if stored else "")
        return response


_after = threading.local()


def after_response(work: Callable[[], None]) -> None:
    """Do `work` once this request's response has gone out (its last byte written: the
    WSGI server then closes the response, which sends `request_finished`)."""
    _after.__dict__.setdefault("work", []).append(work)


@receiver(request_finished)
def finish_response(**kwargs) -> None:
    """The work left for after this thread's response; one failure stops no other."""
    work, _after.work = getattr(_after, "work", []), []
    for done in work:
        try:
            done()
        except Exception:
            logger.exception("Work after a response failed")


def _may_serve_while_rendering(request: HttpRequest, stale: dict) -> bool:
    """Whether the reader who found this copy stale may be served it while it is rendered
    again: not a missing or moved page (its address may lead to a page now, just
    published), nor an answer that says it may not be served stale (a live coverage's
    open range: its readers would get a new entry a poll later), nor a change no reader
    has seen for a while (a story taken down on a quiet page is not shown once more)."""
    return (
        stale["status"] == 200
        and "stale-while-revalidate" in stale["headers"].get("Cache-Control", "")
        and time.time() - stale_since(request, stale) < settings.CARNET_PAGE_STALE_SERVE_SECONDS
    )


def _take(lock: str) -> int | None:
    """A token if this worker took the lock (None if another holds it), to release it
    with: a render longer than the lock lets another take it, and this one must not
    release theirs."""
    token = secrets.randbits(63)
    return token if cache.add(lock, token, RENDER_LOCK_SECONDS) else None


def _release(lock: str, token: int | None) -> None:
    if token is not None:
        cache.delete_if(lock, token)


def _waited_its_turn(key: str, stale: dict) -> bool:
    """Whether this stale copy has been served stale STALE_WAIT_SECONDS since a reader
    first found it so: under a steady stream of changes the server's turn to render may
    always be taken by another page, and this one would stay stale until its copy
    expires (PAGE_STALE_SECONDS). Noted once for each copy, which is stale for good."""
    now = time.time()
    noted = f"{key}:stale:{stale.get('refilled_at', stale['stored_at'])}"
    if cache.add(noted, now, _stale_seconds()):
        return False
    since = cache.get(noted)
    return since is not None and now - since >= STALE_WAIT_SECONDS


def _is_current(request: HttpRequest, entry: dict) -> bool:
    return time.time() < entry["fresh_until"] and is_fresh(request, entry)


def _wait_for(request: HttpRequest, key: str) -> dict | None:
    """The copy another worker is rendering, once kept (None if it takes longer than its
    lock: then this one renders too)."""
    deadline = time.monotonic() + RENDER_LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        entry = cache.get(key)
        if entry is not None and entry["seen"] >= request.change_count:
            return entry
        if cache.get(f"{key}:rendering") is None:
            return None
    return None


def _stale_seconds() -> int:
    return settings.CARNET_PAGE_STALE_SECONDS


def start_reading(request: HttpRequest, count: int | None = None) -> None:
    """Note the count of changes (if not read already) before the view reads anything
    (None: the cache is down, and nothing is kept), and start noting what it shows."""
    request.change_count = count if count is not None else _start_counter()
    request.shown_tags = [{SITE}]
    request.shown_until = [math.inf]


# What each page read of the cache last time in this process, by address: the keys of
# its fragments (sitewide/fragments.py) and of their tags' numbers. Read in the same
# round trip as the count of changes, they answer the dozen reads the page would make
# one after the other. Only a guess: a key the page reads and its guess lacks is read on
# its own, one it no longer reads costs a few bytes, and the next guess is what it read.
READ_AHEAD_PAGES = 2000
_read_last_time: dict[str, tuple[str, ...]] = {}
# The same for the page cache: the keys of the tags each kept copy showed, by its key.
_tags_last_served: dict[str, tuple[str, ...]] = {}


def start_reading_ahead(request: HttpRequest) -> None:
    """start_reading(), with the count of changes read in one round trip (MGET) with what
    this page read last time."""
    request.read_address = _address(request)
    keys = _read_last_time.get(request.read_address, ())
    read = cache.get_many([COUNTER_KEY, *keys])
    start_reading(request, read.get(COUNTER_KEY))
    _keep_read_ahead(request, keys, read)


def read_ahead_now(request: HttpRequest) -> None:
    """What this page read last time, for a request that read the count already (a page
    the page cache renders): one round trip for all its fragments."""
    request.read_address = _address(request)
    keys = _read_last_time.get(request.read_address, ())
    _keep_read_ahead(request, keys, cache.get_many(list(keys)) if keys else {})


def _keep_read_ahead(request: HttpRequest, keys: tuple[str, ...], read: dict) -> None:
    request.kept_read = {}
    if request.change_count is None or not read:
        return  # the cache is down (or emptied): each part is read on its own
    # Read at one instant, with or after the count: as fresh as reads made later in the
    # request would be, since a change after that instant is numbered above the count.
    request.read_ahead = {key: read.get(key) for key in keys if not key.startswith(_TAG_KEY)}
    _note_tag_changes(request, keys, read)


def _note_tag_changes(request: HttpRequest, keys: Iterable[str], read: dict) -> None:
    """The numbers of the tags among `keys`, read at one instant (is_fresh reads them)."""
    request.tag_changes = {
        key.removeprefix(_TAG_KEY): _change(read.get(key))
        for key in keys
        if key.startswith(_TAG_KEY)
    }
    request.forgets_seen = _forgets()


def read_ahead(request: HttpRequest, key: str) -> tuple[bool, object]:
    """(True, value or None if missing) if the request read `key` ahead and has changed
    nothing since; (False, None) if it must read it."""
    ahead = getattr(request, "read_ahead", None)
    if ahead is None or key not in ahead or request.forgets_seen != _forgets():
        return False, None
    return True, ahead[key]


def note_read(request: HttpRequest, key: str, tags: Iterable[str]) -> None:
    """Note that the page read `key` (a fragment showing `tags`): read ahead next time."""
    kept_read = getattr(request, "kept_read", None)
    if kept_read is not None:
        kept_read[key] = tags


def remember_reads(request: HttpRequest) -> None:
    """Keep what the page read (note_read) as what to read ahead for its next request."""
    kept_read = getattr(request, "kept_read", None)
    if kept_read is None:
        return
    tags = sorted({tag for shown in kept_read.values() for tag in shown})
    _remember(_read_last_time, request.read_address, (*kept_read, *map(_tag_key, tags)))


def _remember(guesses: dict[str, tuple[str, ...]], address: str, keys: tuple[str, ...]) -> None:
    """Keep `keys` as what to read ahead for `address` next time."""
    # Put back last: the guesses no page used for the longest time make room first.
    kept = guesses.pop(address, None)
    if not keys:
        return
    if kept != keys:
        # Interned: the keys every page reads (the menu's, the tag "site") are kept once.
        kept = tuple(sys.intern(key) for key in keys)
    while len(guesses) >= READ_AHEAD_PAGES:
        try:
            del guesses[next(iter(guesses))]
        except (KeyError, RuntimeError, StopIteration):  # another thread made room already
            pass
    guesses[address] = kept


def _address(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}"


def _forgets() -> int:
    """How many times this thread made something stale (forget()): a request that did
    reads the numbers of tags again."""
    return getattr(_this_thread, "forgets", 0)


def _start_counter() -> int | None:
    """Count changes from now on, if the cache has no count (emptied, or never used)."""
    # From the clock: above any number a change wrote before the cache lost its count.
    count = cache.get(COUNTER_KEY)
    if count is None:
        cache.add(COUNTER_KEY, time.time_ns(), None)
        count = cache.get(COUNTER_KEY)
    return count


def _next_count() -> int | None:
    count = cache.incr(COUNTER_KEY)
    return count if count is not None else _start_counter()


# What fills in the parts of pages filled in late, by the prefix of their tags: given
# such tags, the text of each, in the active language (fills_late()).
_late_fillers: dict[str, Callable[[list[str]], dict[str, str]]] = {}


def fills_late(prefix: str, fill: Callable[[list[str]], dict[str, str]]) -> None:
    """Let the page cache fill in again the parts of kept copies whose tags start with
    `prefix` (noted by filled_late()): `fill` gives each such tag's text."""
    _late_fillers[prefix] = fill


def filled_late(request: HttpRequest, parts: list[tuple[int, int, str]], charset: str) -> None:
    """Note that the page's content, as rendered (uncompressed, in `charset`), holds these
    parts filled in late, each (start, end, tag), in the active language."""
    request.filled_late = {
        "language": translation.get_language(),
        "charset": charset,
        "parts": parts,
    }


def _filler(tag: str) -> Callable[[list[str]], dict[str, str]] | None:
    prefix = tag[: tag.rfind(":") + 1]
    return _late_fillers.get(prefix)


def _refilled(request: HttpRequest, key: str, entry: dict) -> HttpResponse | None:
    """The kept copy with its parts filled in late filled in again, kept, if they are all
    that changed since it was rendered; None if the page must be rendered."""
    late = entry.get("late")
    # is_fresh() reads the numbers of all its tags (none again, when the copy was found
    # stale just now).
    if late is None or time.time() >= entry["fresh_until"] or is_fresh(request, entry):
        return None
    stale = _stale_tags(request.tag_changes, entry)
    filled = {tag for _start, _end, tag in late["parts"]}
    fillers: dict[Callable, list[str]] = {}
    for tag in stale:
        fill = _filler(tag)
        if tag not in filled or fill is None:
            return None
        fillers.setdefault(fill, []).append(tag)
    texts = {}
    try:
        with translation.override(late["language"]):
            for fill, tags in fillers.items():
                texts |= fill(tags)
    except (OperationalError, InterfaceError):
        return None  # the page's render answers as a view does without the database
    if not texts.keys() >= set(stale):
        return None
    content = entry["content"]
    compressed = entry["headers"].get("Content-Encoding") == "gzip"
    if compressed:
        content = gzip.decompress(content)
    content, parts = splice(content, late["parts"], texts, late["charset"])
    if compressed:
        content = compress_string(content, max_random_bytes=GZipMiddleware.max_random_bytes)
    response = HttpResponse(content, status=entry["status"], headers=entry["headers"])
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(content))
    set_response_etag(response)
    refilled = {
        **entry,
        # Only these parts were read again, after the count of changes: the rest of the
        # copy is as fresh as its render, whatever number a change wrote since then.
        "refilled": {**entry.get("refilled", {}), **dict.fromkeys(stale, request.change_count)},
        "refilled_at": time.time(),
        "headers": dict(response.headers.items()),
        "content": content,
        "late": {**late, "parts": parts},
    }
    # Its Age and lifetimes stay those of its render, which its Cache-Control counts from.
    cache.set(key, refilled, refilled["fresh_until"] - time.time() + _stale_seconds())
    return _from_entry(refilled, "hit; detail=refilled")


def splice(
    content: bytes, parts: list[tuple[int, int, str]], texts: dict[str, str], charset: str
) -> tuple[bytes, list[tuple[int, int, str]]]:
    """The content with its parts (start, end, tag), in order, replaced by the texts of
    their tags (those without one left as they are), and where each part is now."""
    pieces, moved, at, length = [], [], 0, 0
    for start, end, tag in parts:
        text = texts[tag].encode(charset) if tag in texts else content[start:end]
        length += start - at
        moved.append((length, length + len(text), tag))
        length += len(text)
        pieces += [content[at:start], text]
        at = end
    pieces.append(content[at:])
    return b"".join(pieces), moved


_TAG_KEY = "pages:tag:"


def _tag_key(tag: str) -> str:
    return f"{_TAG_KEY}{tag}"


def _shown(request: HttpRequest, response: HttpResponse) -> set[str] | None:
    """The tags of what the response shows; None if they were not noted."""
    shown = getattr(request, "shown_tags", None)
    if not shown:
        return None
    if response.status_code != 200:
        shown[0].add(ADDRESSES)
    return shown[0]


def _share(
    response: HttpResponse, tags: set[str] | None = None, until: float = math.inf
) -> HttpResponse:
    """Mark a response the view left for everyone as public, with an ETag; for a shared
    cache that forgets by tag, with its tags and kept as long as Carnet keeps it. Every
    cache keeps it no later than `until`, when what it shows changes by itself."""
    if _is_shareable(response):
        purged = settings.CARNET_PURGE_URL and tags is not None
        left = max(0, int(until - time.time())) if until < math.inf else math.inf
        patch_cache_control(
            response,
            public=True,
            max_age=min(settings.CARNET_PAGE_MAX_AGE, left),
            stale_while_revalidate=settings.CARNET_PAGE_STALE_SECONDS,
            **({"s_maxage": min(settings.CARNET_PAGE_KEEP_SECONDS, left)} if purged else {}),
        )
        if purged:
            # Varnish's xkey reads the first, Fastly and others the second.
            response["xkey"] = response["Surrogate-Key"] = " ".join(sorted(tags))
        set_response_etag(response)
    return response


def share_for(
    request: HttpRequest, response: HttpResponse, max_age: int, until: float | None = None
) -> HttpResponse:
    """Mark a response public for `max_age` seconds in every cache, for a view that knows
    how long its answer holds (a live coverage's range: blog/live.py) rather than a
    page's PAGE_MAX_AGE; named by its tags, as pages are, for a shared cache that forgets
    by tag, which keeps it as long (or until `until`, a time since the epoch, when its
    answer will change by itself). Carnet's own cache keeps it no longer either."""
    tags = _shown(request, response)
    keep = settings.CARNET_PAGE_KEEP_SECONDS
    if until is not None:
        keep = max(1, min(keep, int(until - time.time())))
        max_age = min(max_age, keep)
        fresh_until(request, until)
    purged = settings.CARNET_PURGE_URL and tags is not None
    patch_cache_control(
        response, public=True, max_age=max_age, **({"s_maxage": keep} if purged else {})
    )
    if purged:
        response["xkey"] = response["Surrogate-Key"] = " ".join(sorted(tags))
    set_response_etag(response)
    return response


def _key(request: HttpRequest) -> str:
    # The kept copy is compressed when the reader's browser accepts it (GZipMiddleware
    # sits below): one copy per encoding.
    encoding = "gzip" if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else ""
    # Host as validated by ALLOWED_HOSTS: an unknown one never reaches here.
    address = f"{encoding} {request.scheme}://{request.get_host()}{request.get_full_path()}"
    # "page:", not the "pages:" of the copies kept without tags before.
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _is_shareable(response: HttpResponse) -> bool:
    """A response the view left for everyone: no cookie set, no caching rule of its own,
    and no redirect off the site (kept, it would send every reader there)."""
    return (
        response.status_code in SHAREABLE_STATUSES
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and is_site_path(response.get("Location", "/"))
    )


def _to_entry(response: HttpResponse, seen: int, tags: set[str], until: float) -> dict:
    stored_at = time.time()
    return {
        "seen": seen,
        "tags": sorted(tags),
        "stored_at": stored_at,
        "fresh_until": min(stored_at + keep_seconds(), until),
        "status": response.status_code,
        "headers": dict(response.headers.items()),
        "content": response.content,
    }


def _from_stale(entry: dict, detail: str = "stale") -> HttpResponse:
    """The kept copy of a page that changed since, said stale to the caches in front too:
    with the freshness it was kept with, Varnish would keep it for hours, past the purge
    that told it of the change. They may serve it stale while they ask again."""
    response = _from_entry(entry, f"hit; detail={detail}")
    cache_control = response.get("Cache-Control", "")
    patch_cache_control(
        response, max_age=0, **({"s_maxage": 0} if "s-maxage" in cache_control else {})
    )
    return response


def _from_entry(entry: dict, status: str) -> HttpResponse:
    """The kept copy, with its age (RFC 9111) and where it came from (RFC 9211)."""
    response = HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
    response["Age"] = str(max(0, int(time.time() - entry["stored_at"])))
    response["Cache-Status"] = f"Carnet; {status}"
    return response
