import datetime

from django.conf import settings
from django.core.paginator import InvalidPage, Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from taggit.models import Tag

from blog.models import Article, Category
from sitewide.models import SiteSettings
from sitewide.pagination import BoundedPaginator

SEARCH_MAX_LENGTH = 200
# Lists count at most this many articles (more for a deep page): past it, "Page 3 of many".
LIST_COUNT_LIMIT = 500
# Search ranks the newest 1,000 matches and says how many it found up to there, then
# "More than 1,000".
SEARCH_COUNT_LIMIT = 1000


def paginate(request: HttpRequest, queryset: QuerySet, count_limit: int) -> Page:
    """The requested page of a list; a page number that does not exist is a 404."""
    paginator = BoundedPaginator(
        queryset, settings.CARNET_PAGE_SIZE, allow_empty_first_page=True, count_limit=count_limit
    )
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None


def render_article_list(
    request: HttpRequest,
    template: str,
    queryset: QuerySet,
    count_limit: int | None = None,
    **context,
) -> HttpResponse:
    """A paginated list page of articles, as every list (home, category, author…) shows it."""
    page = paginate(request, queryset.for_listing(), count_limit or LIST_COUNT_LIMIT)
    return render(request, template, {"page": page, "articles": page.object_list, **context})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render_article_list(request, "blog/home.html", Article.objects.published())


def article_context(request: HttpRequest, article: Article) -> dict:
    """What the article page shows; the comments app renders the same page with its form."""
    tags = list(article.tags.all())
    # Given to the template too: the context processor's copy is then never loaded.
    site = SiteSettings.load()
    return {
        "site": site,
        "article": article,
        "tags": tags,
        "metadata": article.metadata(request, site, tags),
        "translation": article.published_translation(),
        "language_paths": article.language_paths(),
        "is_preview": not article.is_published(),
        "previous_article": article.get_previous_published(),
        "next_article": article.get_next_published(),
    }


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("author", "category", "translation"), slug=slug
    )
    is_preview = not article.is_published()
    if is_preview and not article.is_editable_by(request.user):
        raise Http404("No such article.")
    response = render(request, "blog/article.html", article_context(request, article))
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
        Article.objects.published().filter(category=category),
        category=category,
    )


@require_safe
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    return render_article_list(
        request, "blog/tag.html", Article.objects.published().filter(tags=tag), tag=tag
    )


@require_safe
def author(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Article.objects.published().authors(), slug=slug)
    return render_article_list(
        request,
        "blog/author.html",
        Article.objects.published().filter(author=author),
        author=author,
    )


@require_safe
def archive(request: HttpRequest, year: int, month: int) -> HttpResponse:
    # Years 1 and 9999 are left out: their months overflow once converted to UTC.
    if not (1 <= month <= 12 and datetime.MINYEAR < year < datetime.MAXYEAR):
        raise Http404("No such month.")
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    articles = Article.objects.published().filter(published_at__gte=start, published_at__lt=end)
    return render_article_list(request, "blog/archive.html", articles, month=start.date())


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    query = query.replace("\x00", "")
    articles = (
        # One more match than the count shows, for "More than 1,000 results".
        Article.objects.published().search(query, limit=SEARCH_COUNT_LIMIT + 1)
        if query
        else Article.objects.none()
    )
    page = paginate(request, articles.for_listing(), SEARCH_COUNT_LIMIT)
    articles = list(page.object_list)
    excerpts = Article.objects.excerpts(articles, query)
    for article in articles:
        article.excerpt = excerpts.get(article.pk, "")
    return render(
        request, "blog/search.html", {"page": page, "articles": articles, "query": query}
    )
