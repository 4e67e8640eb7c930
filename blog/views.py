import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import InvalidPage, Page
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from taggit.models import Tag

from blog import live, most_read
from blog.forms import SearchFilterForm
from blog.models import LISTING_LEAVES_OUT, Article, ArticleQuerySet, Category, Correction
from sitewide import fragments, languages, pagecache
from sitewide.csrf import origin_protected
from sitewide.http import client_ip
from sitewide.models import SiteSettings
from sitewide.pagecache import list_of, showing_lists, tag_of
from sitewide.pagination import BoundedPaginator

SEARCH_MAX_LENGTH = 200
# Lists count at most this many articles (more for a deep page): past it, "Page 3 of many".
LIST_COUNT_LIMIT = 500
# Search ranks the newest 1,000 matches and says how many it found up to there, then
# "More than 1,000".
SEARCH_COUNT_LIMIT = 1000


def edition() -> ArticleQuerySet:
    """The published articles as the current language's edition lists them."""
    return Article.objects.published().for_edition(get_language())


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    count_limit: int,
    keep_count: Callable[[Callable[[], int]], int] | None = None,
) -> Page:
    """The requested page of a list; a page number that does not exist is a 404."""
    paginator = BoundedPaginator(
        queryset,
        settings.CARNET_PAGE_SIZE,
        allow_empty_first_page=True,
        count_limit=count_limit,
        keep_count=keep_count,
    )
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None


def kept_count(
    request: HttpRequest, name: str, tags: list[str]
) -> Callable[[Callable[[], int]], int]:
    """What keeps a list's bounded count beside its kept list (BoundedPaginator's
    `keep_count`): under the page's address in its edition, as the fragment of its cards,
    and showing `tags`, the list's own, so that what renders the list again counts it again.
    """

    def keep(count: Callable[[], int]) -> int:
        def counted() -> str:
            pagecache.shows(request, *tags)
            return str(count())

        return int(fragments.kept(request, name, [request.get_full_path()], counted))

    return keep


# The options of includes/article_card.html, off unless a page or an include sets one: a
# name a template looks up and finds in no context costs it three exceptions, for each
# card of the page.
CARD_OPTIONS = {
    "level": 2,
    "hide_author": False,
    "hide_category": False,
    "hide_language": False,
    "compact": False,
}


def render_article_list(
    request: HttpRequest,
    template: str,
    queryset: QuerySet,
    lists: list[str],
    count_limit: int | None = None,
    **context,
) -> HttpResponse:
    """A paginated list page of articles, as every list (home, category, author…) shows it;
    `lists` names the list it is to the page cache: an article entering it renders it again."""
    # Counting an edition's list goes through its join with the translations, no index
    # alone answers it (10-30 ms for a category at 100,000 articles, 100 ms for a deep page
    # of it): the count is kept as the cards are, until the list changes.
    page = paginate(
        request,
        queryset.for_listing(),
        count_limit or LIST_COUNT_LIMIT,
        kept_count(request, "list-count", lists),
    )
    return render(
        request,
        template,
        {**CARD_OPTIONS, "page": page, "articles": page.object_list, "lists": lists, **context},
    )


# The front page: the lead story, the newest after it, then each category's newest.
FRONT_LATEST = 6
FRONT_PER_CATEGORY = 4


@dataclass
class FrontPage:
    """What an edition's front page shows: the lead story, the latest articles, then each
    category's newest, all written in the edition's language; then the newest of those
    written in another language with no translation into this one (older articles are a
    click away, on the category and archive pages)."""

    lead: Article | None
    articles: list[Article]
    sections: list[tuple[Category, list[Article]]]
    other_languages: list[tuple[languages.Language, list[Article]]]
    categories: list[Category]

    @classmethod
    def read(cls, language: str) -> "FrontPage":
        published = Article.objects.published().for_listing()
        edition = published.for_edition(language)
        lead = edition.lead(language)
        shown = [lead.pk] if lead else []
        # An edition never leaves out its own stories: read in date order without
        # for_edition()'s join, off its index (written_in()).
        written_here = published.written_in(language)
        latest = list(written_here.exclude(pk__in=shown)[:FRONT_LATEST])
        shown += [article.pk for article in latest]
        categories = Category.menu()
        sections = written_here.latest_per_category(categories, FRONT_PER_CATEGORY, shown)
        # Written in another language: said with for_edition()'s own key and ordered by
        # date alone, so that both databases read them off the edition index in order
        # rather than sorting every article (SQLite sorts by a key it is given as equal).
        others = (
            edition.filter(in_other_language=1)
            .exclude(pk__in=shown)
            .order_by("-published_at", "-pk")[:FRONT_LATEST]
        )
        by_language = {}
        for article in others:
            by_language.setdefault(article.language, []).append(article)
        other_languages = [
            (languages.get(code), by_language[code])
            for code in languages.BY_CODE
            if code in by_language
        ]
        return cls(lead, latest, sections, other_languages, categories)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # Read only if the page's kept copy is missing (sitewide/fragments.py).
    front = SimpleLazyObject(lambda: FrontPage.read(get_language()))
    # The menu's categories are the front page's own: the context processor's stay unread.
    menu_categories = SimpleLazyObject(lambda: front.categories)
    return render(
        request,
        "blog/home.html",
        {
            **CARD_OPTIONS,
            "front": front,
            "menu_categories": menu_categories,
            "lists": [list_of(Article)],
        },
    )


@dataclass
class Story:
    """The rows an article page shows of its story: the article with its author, category,
    cover and translation, its tags, and its correction notices (newest first: at the top
    of the story and in its JSON-LD)."""

    article: Article
    tags: list[Tag]
    corrections: list[Correction]

    @classmethod
    def read(cls, request: HttpRequest, slug: str) -> "Story":
        """Three queries; a 404 if no article has this slug."""
        try:
            story = cls(*Article.story(slug))
        except Article.DoesNotExist:
            raise Http404("No such article.") from None
        article = story.article
        # What a change to any of these rows names (a correction names its article, a
        # comment approved its article's list): the kept story is read again after it.
        pagecache.shows(
            request,
            article,
            list_of(article),
            article.author,
            article.category,
            article.cover,
            article.translation,
            *story.tags,
        )
        return story

    @classmethod
    def kept(cls, request: HttpRequest, slug: str) -> "Story":
        """The story, kept as the parts of pages are (sitewide/fragments.py) until a
        change to one of its rows: an article page asked again reads no row. Whatever
        follows from the time (published yet, comments still open) is worked out from
        the rows at each request, never kept."""
        return fragments.kept(request, "story", [slug], lambda: cls.read(request, slug))


def article_context(
    request: HttpRequest,
    article: Article,
    tags: list[Tag] | None = None,
    corrections: list[Correction] | None = None,
) -> dict:
    """What the article page shows (its tags and corrections read here unless given); the
    comments app renders the same page with its form."""
    tags = list(article.tags.all()) if tags is None else tags
    corrections = list(article.corrections.all()) if corrections is None else corrections
    related = SimpleLazyObject(lambda: article.related(get_language(), [tag.pk for tag in tags]))
    # Given to the template too: the context processor's copy is then never loaded.
    site = SiteSettings.load()
    live_entries = list(article.live_entries.for_page()) if article.has_live_coverage else []
    # Read only by the parts of the page that are not kept (sitewide/fragments.py).
    metadata = SimpleLazyObject(
        lambda: article.metadata(request, site, tags, live_entries, corrections)
    )
    is_preview = not article.is_published()
    language = get_language()
    if article.is_live and not is_preview:
        pagecache.fresh_until(request, time.time() + live.PAGE_RANGES * live.range_seconds())
    return {
        **CARD_OPTIONS,
        "live_entries": live_entries,
        "live_tag": live.page_tag(article.pk),
        # Where and how often a reader's open page asks for new entries (static/js/carnet.js).
        "live_polling": (
            {
                "url": reverse("blog:live_range", args=[article.pk, 0]).removesuffix("0/"),
                "start": live.range_start(timezone.now()),
                "seconds": settings.CARNET_LIVE_POLL_SECONDS,
                "range": live.range_seconds(),
            }
            if article.is_live and not is_preview
            else None
        ),
        "site": site,
        "article": article,
        "tags": tags,
        "corrections": corrections,
        "metadata": metadata,
        "translation": article.published_translation(),
        # Its own address and its translation's: the only versions it has.
        "language_paths": article.language_paths() or {article.language: article.language_path()},
        "is_preview": is_preview,
        # The comment form's link by the count; the comments section decides the same way.
        "accepts_comments": not is_preview and article.accepts_comments(site),
        # Read only if the page's kept copy of them is missing (sitewide/fragments.py).
        "previous_article": SimpleLazyObject(lambda: article.get_previous_published(language)),
        "next_article": SimpleLazyObject(lambda: article.get_next_published(language)),
        "related": related,
        # What the related articles are chosen from: an article entering it may enter them.
        "related_lists": SimpleLazyObject(lambda: article.related_lists(tags, related)),
        "share_links": SimpleLazyObject(lambda: article.share_links(metadata.url)),
        # Where the page's script counts a read (blog/most_read.py); none for a preview,
        # or where nothing is counted.
        "count_read_url": (
            reverse("blog:count_read") if most_read.is_counting() and not is_preview else None
        ),
    }


def redirect_to_translation(request: HttpRequest, translation: Article) -> HttpResponse:
    """An article asked for in the interface of its translation's language: the
    translation. Temporary, since an editor may unpair them."""
    query = request.META.get("QUERY_STRING")
    return redirect(translation.language_path() + (f"?{query}" if query else ""))


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    story = Story.kept(request, slug)
    article = story.article
    is_preview = not article.is_published()
    if is_preview and not article.is_editable_by(request.user):
        raise Http404("No such article.")
    translation = article.published_translation()
    if translation and translation.language == get_language():
        return redirect_to_translation(request, translation)
    context = article_context(request, article, story.tags, story.corrections)
    response = render(request, "blog/article.html", context)
    if is_preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    return render_article_list(
        request,
        "blog/category.html",
        edition().filter(category=category),
        [list_of(category)],
        category=category,
    )


@require_safe
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    tag = Article.objects.published().tag(slug)
    if tag is None:
        raise Http404("No such tag.")
    return render_article_list(
        request, "blog/tag.html", edition().filter(tags=tag), [list_of(tag)], tag=tag
    )


@require_safe
def tag_index(request: HttpRequest) -> HttpResponse:
    """Every tag of the edition's published articles, with how many use it."""
    tags = edition().tag_counts()
    # A new tag comes with an article; a renamed or merged one names itself.
    pagecache.shows(request, list_of(Article), *(tag_of(Tag, pk) for pk, *_rest in tags))
    return render(request, "blog/tag_index.html", {"tags": tags})


@require_safe
def author(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Article.objects.published().authors(), slug=slug)
    return render_article_list(
        request,
        "blog/author.html",
        edition().filter(author=author),
        [list_of(author)],
        author=author,
    )


def _period(year: int, month: int | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end of a year or a month, in the site's time zone; 404 if out of range."""
    # Years 1 and 9999 are left out: their months overflow once converted to UTC.
    if not (datetime.MINYEAR < year < datetime.MAXYEAR and (month is None or 1 <= month <= 12)):
        raise Http404("No such month.")
    tz = timezone.get_current_timezone()
    if month is None:
        start, end = (year, 1), (year + 1, 1)
    else:
        start, end = (year, month), (year + month // 12, month % 12 + 1)
    return (
        datetime.datetime(*start, 1, tzinfo=tz),
        datetime.datetime(*end, 1, tzinfo=tz),
    )


@require_safe
@showing_lists(Article)
def archive_index(request: HttpRequest) -> HttpResponse:
    """Every year and month with published articles, newest first, with their counts."""
    years: dict[int, list[tuple[datetime.date, int]]] = {}
    for month, count in reversed(edition().month_counts()):
        years.setdefault(month.year, []).append((month, count))
    return render(request, "blog/archive_index.html", {"years": years.items()})


@require_safe
def archive_year(request: HttpRequest, year: int) -> HttpResponse:
    start, end = _period(year)
    articles = edition().filter(published_at__gte=start, published_at__lt=end)
    return render_article_list(
        request,
        "blog/archive_year.html",
        articles,
        [list_of(Article)],
        year=year,
        months=articles.month_counts(),
        years=Article.objects.published().dates("published_at", "year", order="DESC"),
    )


@require_safe
def archive(request: HttpRequest, year: int, month: int) -> HttpResponse:
    start, end = _period(year, month)
    articles = edition().filter(published_at__gte=start, published_at__lt=end)
    return render_article_list(
        request, "blog/archive.html", articles, [list_of(Article)], month=start.date()
    )


@require_safe
def corrections(request: HttpRequest) -> HttpResponse:
    """The edition's correction notices, newest first, each linked to its story."""
    notices = (
        Correction.objects.public()
        .for_edition(get_language())
        .select_related("article")
        .defer(*(f"article__{name}" for name in LISTING_LEAVES_OUT if "__" not in name))
    )
    page = paginate(request, notices, LIST_COUNT_LIMIT)
    # A new notice; an article published, unpublished or retitled.
    pagecache.shows(request, list_of(Correction), list_of(Article))
    pagecache.shows(request, *(tag_of(Article, notice.article_id) for notice in page))
    return render(request, "blog/corrections.html", {"page": page, "notices": page.object_list})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    query = query.replace("\x00", "")
    # Read only if the filters or the menu are shown anew, or a category is asked.
    categories = SimpleLazyObject(Category.menu)
    filters = SearchFilterForm(request.GET, categories)
    articles = (
        # One more match than the count shows, for "More than 1,000 results".
        filters.narrow(edition()).search(
            query, limit=SEARCH_COUNT_LIMIT + 1, newest=filters.cleaned_data["sort"] == "newest"
        )
        if query and filters.is_valid()
        else Article.objects.none()
    )

    # A common word's count walks the date index to its 1,001st match (11-28 ms at
    # 100,000 articles): kept until an article changes, or a category (?category= names
    # one by its slug, which a renamed one no longer has).
    counts = kept_count(request, "search-count", [list_of(Article), list_of(Category)])
    page = paginate(request, articles.for_listing(), SEARCH_COUNT_LIMIT, counts)

    def with_excerpts() -> list[Article]:
        found = list(page.object_list)
        excerpts = Article.objects.excerpts(found, query)
        for article in found:
            article.excerpt = excerpts.get(article.pk, "")
        return found

    # Read only if the page's kept list is missing (sitewide/fragments.py).
    articles = SimpleLazyObject(with_excerpts)
    return render(
        request,
        "blog/search.html",
        {
            "page": page,
            "articles": articles,
            "query": query,
            "lists": [list_of(Article)],
            "filters": filters,
            "menu_categories": categories,
        },
        # A sort or a filter the form does not offer: said on the page, nothing found.
        status=200 if filters.is_valid() else 400,
    )


# How long a live coverage's range answer is fresh in every cache: the open range for a
# few seconds (new entries come into it), a range that is over for a day (only an edit
# of one of its entries changes it, and forgets it by its tag).
LIVE_OPEN_MAX_AGE = 5
LIVE_CLOSED_MAX_AGE = 86400
# A range is over this long after its end: an entry dated just before the end (its time
# is taken before it is saved) is then committed, and in the range's last answer.
LIVE_CLOSING_SECONDS = 5


@require_safe
def live_range(request: HttpRequest, pk: int, start: int) -> HttpResponse:
    """The entries of a live article posted or changed in the range that begins at
    `start` (seconds since the epoch), for readers' open pages to add (blog/live.py)."""
    if not live.is_range_start(start):
        return HttpResponseBadRequest(
            f"Not the start of a range: a multiple of {live.range_seconds()} seconds.",
            content_type="text/plain",
        )
    article = get_object_or_404(
        Article.objects.published().filter(live_since__isnull=False), pk=pk
    )
    try:
        begin, end = live.range_bounds(start)
    except (ValueError, OverflowError, OSError):
        raise Http404("No such range.") from None
    now = timezone.now()
    closes = end + datetime.timedelta(seconds=LIVE_CLOSING_SECONDS)
    if begin > now:
        # Not yet: kept by no cache, since a kept 404 asked early by anyone would stop
        # every reader's polling (static/js/carnet.js stops on a 404) once it opens.
        response = HttpResponseNotFound("Not yet.", content_type="text/plain")
        add_never_cache_headers(response)
        return response
    ended = article.live_ended_at
    if end <= article.live_since or (ended and begin > ended):
        raise Http404("No entries there.")
    pagecache.shows(request, article, live.range_tag(article.pk, start))
    response = render(
        request,
        "blog/live_range.html",
        {
            "article": article,
            "entries": article.live_entries.in_range(begin, end).order_by("-published_at", "-pk"),
            "closed": closes <= now,
            "ended": not article.is_live,
            # While open, every entry it has now: a page drops those deleted since.
            "entry_ids": (
                None
                if closes <= now
                else " ".join(
                    str(pk)
                    for pk in article.live_entries.order_by("pk").values_list("pk", flat=True)
                )
            ),
            "rendered_at": int(now.timestamp()),
        },
    )
    if closes <= now:
        return pagecache.share_for(request, response, LIVE_CLOSED_MAX_AGE)
    return pagecache.share_for(request, response, LIVE_OPEN_MAX_AGE, until=closes.timestamp())


@require_safe
def most_read_page(request: HttpRequest) -> HttpResponse:
    """The edition's most-read lists on a page of their own, kept MOST_READ_SECONDS: what
    an article page's script puts after the story (and the link it holds without
    JavaScript), so that article pages are kept until they change, not for minutes."""
    if not most_read.is_counting():
        raise Http404("Nothing is counted here.")
    return render(request, "blog/most_read.html")


@never_cache
@require_POST
@origin_protected
def count_read(request: HttpRequest) -> HttpResponse:
    """A read of an article, posted by its page's script: counted in the edition's most-read
    lists (blog/most_read.py). Never cached, no cookie read or set; 204 when counted, or
    when not (a crawler, Redis down or missing): a reader's page has nothing to show."""
    pk = request.POST.get("article", "")
    if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
        return HttpResponseBadRequest("article: the number of a published article.")
    if most_read.is_bot(request.headers.get("User-Agent", "")):
        return HttpResponse(status=204)
    allowed = most_read.may_count(client_ip(request))
    if allowed is False:
        return HttpResponse(
            "Too many reads from this address.", status=429, headers={"Retry-After": "60"}
        )
    if not Article.objects.published().filter(pk=pk).exists():
        return HttpResponseNotFound("No such published article.")
    if allowed:  # None: Redis did not answer
        most_read.count(get_language(), int(pk))
    return HttpResponse(status=204)
