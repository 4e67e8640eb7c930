"""Comment counts filled in late: a kept part of a page does not hold the counts it shows.

An article's comment count shows in its header and on its cards: the front page, the
lists, the related articles of other pages. Rendered into the kept fragments that show
it (sitewide/fragments.py), a count made every one of them stale at each approval, and
the pages around them were rendered nearly whole again: five pages an approval, most of
their cost the lists' queries and cards, to change one number.

So a fragment being kept holds a marker for each count instead of its label, and does
not show the count's tag; the page, once assembled (CommentCountMiddleware, before the
page cache keeps it), has its markers replaced by the labels, read in one query for all
of them, and shows the counts' tags itself (`count:article:42`). The caches in front
forget the same pages as before; the fragments stay kept. The page cache, told where
the labels are, fills them in again in its kept copy when they are all that changed
(sitewide/pagecache.py, fills_late): an approval renders its article's page, and
only splices the new label into the other pages that show its count. Where nothing is
kept (fragments off, a preview) the label is rendered where it stands, as before.
"""

import re
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from blog.models import Article
from sitewide import fragments, pagecache
from sitewide.middleware import outage_response

# An HTML comment: sanitised HTML (bleach strips comments) and escaped text cannot hold
# one, so that only a marker rendered here is ever filled in.
_MARKER = "<!--carnet:comment-count:{}-->"
_MARKER_START = b"<!--carnet:comment-count:"
_MARKERS = re.compile(rb"<!--carnet:comment-count:(\d+)-->")


def label(count: int | None) -> str:
    """ "No comments", "1 comment", "12 comments", in the reader's language."""
    count = count or 0
    if not count:
        return gettext("No comments")
    return ngettext("%(count)s comment", "%(count)s comments", count) % {"count": count}


def shown(request: HttpRequest | None, article: Article) -> str:
    """The article's comment count as the page shows it: in a fragment being kept, a
    marker the page fills in; elsewhere its label, the count's tag shown where it stands."""
    if article.pk is not None and fragments.is_keeping(request):
        # Read by this request already: the page fills it in without asking again.
        request.__dict__.setdefault("comment_counts", {})[article.pk] = article.comment_count
        return mark_safe(_MARKER.format(int(article.pk)))
    pagecache.shows(request, pagecache.count_of(article))
    if request is not None:
        # Where it stands, it is not a part the page cache could fill in again.
        request.__dict__.setdefault("counts_shown_inline", set()).add(article.pk)
    return conditional_escape(label(article.comment_count))


def fill_in(request: HttpRequest, response: HttpResponse) -> None:
    """Replace the page's count markers by their labels and note that the page shows
    those counts: the counts read by this request's renders, the others in one query."""
    if response.streaming or _MARKER_START not in response.content:
        return
    markers = list(_MARKERS.finditer(response.content))
    pks = {int(found[1]) for found in markers}
    counts = getattr(request, "comment_counts", {})
    if unknown := pks - counts.keys():
        # Those of the parts read from the cache, in one query.
        counts |= Article.comment_counts(list(unknown))
    pagecache.shows(request, *(_tag(pk) for pk in sorted(pks)))
    # An article deleted since its card was kept: the page is stale already (its tag
    # changed), and says "No comments" until it is rendered again.
    response.content, parts = pagecache.splice(
        response.content,
        [(found.start(), found.end(), _tag(int(found[1]))) for found in markers],
        {_tag(pk): _label(counts.get(pk)) for pk in pks},
        response.charset,
    )
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    # Where the labels are: the page cache fills them in again when they alone change
    # (not a count shown inline too, which it would miss).
    inline = {_tag(pk) for pk in getattr(request, "counts_shown_inline", ())}
    pagecache.filled_late(
        request, [part for part in parts if part[2] not in inline], response.charset
    )


def _tag(pk: int) -> str:
    return pagecache.count_of(Article, pk)


def _label(count: int | None) -> str:
    return str(conditional_escape(label(count)))


def _labels(tags: list[str]) -> dict[str, str]:
    """The labels of these counts' tags, read in one query: for the page cache, which fills
    them in again in the pages it keeps."""
    pks = {tag: int(tag.rpartition(":")[2]) for tag in tags}
    counts = Article.comment_counts(list(pks.values()))
    return {tag: _label(counts.get(pk)) for tag, pk in pks.items()}


pagecache.fills_late(pagecache.count_of(Article, ""), _labels)


class CommentCountMiddleware:
    """Fills in the counts of a page made of kept fragments (fill_in), in the page's
    language: below LocaleMiddleware, above the page cache and compression."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            fill_in(request, response)
        except (OperationalError, InterfaceError):
            # A page made of kept parts alone reads no row but this one: without the
            # database it answers as any view that cannot reach it (503, not 500).
            return outage_response(request)
        return response
