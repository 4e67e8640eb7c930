"""Parts of pages kept ready until published content changes.

A fragment is a part of a page that every reader of it sees the same, in the
page's language: the comments, the related articles, the lists, the menu. It is
kept in the configured cache under the page cache's generation
(sitewide.pagecache), read before the view runs, and for as long as a page is:
whatever makes pages stale makes fragments stale too, and a fragment rendered
from rows older than a change is never found again. Readers who carry a cookie,
to whom the page cache cannot answer, get these parts ready-made; what is a
reader's own (their held comments, a moderator's view, the form, a preview) is
never kept.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.safestring import SafeString

from sitewide import cache


def kept(
    request: HttpRequest, name: str, vary_on: Iterable[object], render: Callable[[], str]
) -> SafeString | str:
    """The fragment `name` for these values, from the cache or rendered (and kept).

    Rendered every time for a request without a generation: not a read, fragments
    off, or no cache to count changes in.
    """
    generation = getattr(request, "page_generation", None)
    if generation is None:
        return render()
    address = "\n".join(
        [request.scheme, request.get_host(), translation.get_language() or "", str(generation)]
        + [str(value) for value in vary_on]
    )
    key = f"fragments:{name}:{hashlib.sha256(address.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = render()
        # No longer than a page: an article scheduled for later goes live with no change
        # to count, and must show within the max-age, here as in every page cache.
        cache.set(key, html, settings.CARNET_PAGE_MAX_AGE)
    return html
