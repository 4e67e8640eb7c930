"""Pages every cache can keep: the same bytes for every anonymous reader.

A GET from a reader who carries none of Carnet's cookies is answered for
everyone: marked public for shared caches (a short max-age, then
stale-while-revalidate), given an ETag, and kept in the configured cache until
its max-age ends or any published content changes (`pages_changed()`). A
reader who carries one of Carnet's cookies (a session, their pending comments,
a message) is answered privately, never from or into a shared copy.

The same count of changes (the generation) keys the fragments of pages that
every reader shares (sitewide/fragments.py): it is read before the view runs,
for every read, and kept on the request as `page_generation`.
"""

import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag

from sitewide import cache
from sitewide.http import is_site_path

GENERATION_KEY = "pages:generation"
SHAREABLE_STATUSES = {200, 301, 404, 410}
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def personal_cookies() -> frozenset[str]:
    """The cookies that make a page a reader's own."""
    return frozenset(
        {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"}
        | set(settings.CARNET_READER_COOKIES)
    )


def is_anonymous_read(request: HttpRequest) -> bool:
    return request.method in {"GET", "HEAD"} and not personal_cookies() & request.COOKIES.keys()


_batch = threading.local()


def pages_changed(using: str | None = None) -> None:
    """Every kept page is stale: call when anything a reader can see has changed.

    Now, and again after the commit, so that a page rendered from the old rows
    in between cannot outlive the change. Within `one_change_for_many()`, once for
    the whole batch.
    """
    if getattr(_batch, "changed", None) is not None:
        _batch.changed.add(using)
        return

    _new_generation()
    transaction.on_commit(_new_generation, using=using)


@contextmanager
def one_change_for_many() -> Iterator[None]:
    """Count the changes made inside as one: thousands of saves (an import) then cost
    the cache two writes instead of two each. Enter it inside the transaction."""
    if getattr(_batch, "changed", None) is not None:
        yield
        return
    _batch.changed = set()
    try:
        yield
    finally:
        changed, _batch.changed = _batch.changed, None
        for using in changed:
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
            request.page_generation = _current_generation()
        response = self.get_response(request)
        if anonymous:
            return _share(response)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response

    def _from_cache(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation, entry = found.get(GENERATION_KEY), found.get(key)
        if entry is not None and generation is not None and entry["generation"] == generation:
            return _from_entry(entry)
        if settings.CARNET_FRAGMENT_CACHE:
            # Read before the view: the page's fragments are kept under the same count.
            request.page_generation = generation
        response = _share(self.get_response(request))
        if "public" not in response.get("Cache-Control", ""):
            return response
        if generation is None:
            # The first page since the cache was emptied: start counting changes.
            _new_generation()
        elif request.method == "GET":
            cache.set(key, _to_entry(response, generation), settings.CARNET_PAGE_MAX_AGE)
        return response


def _new_generation() -> int:
    """A new count of changes: whatever was kept under the old one is never read again."""
    generation = time.time_ns()
    cache.set(GENERATION_KEY, generation, None)
    return generation


def _current_generation() -> int | None:
    """The count of changes, started now if the cache has none (None if it is down)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Nothing was kept under a count that does not exist: starting one is safe.
        generation = _new_generation()
        if cache.get(GENERATION_KEY) != generation:
            return None
    return generation


def _share(response: HttpResponse) -> HttpResponse:
    """Mark a response the view left for everyone as public, with an ETag."""
    if _is_shareable(response):
        patch_cache_control(
            response,
            public=True,
            max_age=settings.CARNET_PAGE_MAX_AGE,
            stale_while_revalidate=settings.CARNET_PAGE_STALE_SECONDS,
        )
        set_response_etag(response)
    return response


def _key(request: HttpRequest) -> str:
    # The kept copy is compressed when the reader's browser accepts it (GZipMiddleware
    # sits below): one copy per encoding.
    encoding = "gzip" if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else ""
    # Host as validated by ALLOWED_HOSTS: an unknown one never reaches here.
    address = f"{encoding} {request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:" + hashlib.sha256(address.encode()).hexdigest()


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


def _to_entry(response: HttpResponse, generation: int) -> dict:
    return {
        "generation": generation,
        "status": response.status_code,
        "headers": dict(response.headers.items()),
        "content": response.content,
    }


def _from_entry(entry: dict) -> HttpResponse:
    return HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
