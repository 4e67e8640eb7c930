import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import Tag

from blog.models import Article, Category
from pages.sitemaps import PageSitemap
from sitewide import languages, pagecache
from sitewide.pagecache import showing_lists
from sitewide.pagination import LateRowPaginator

# What Article.language_paths() reads of a translation.
TRANSLATION_COLUMNS = [
    f"translation__{field}" for field in ["slug", "language", "status", "published_at"]
]


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    # URLs per page of /sitemap-articles.xml (the protocol allows 50,000). Rendering
    # costs about 0.2 ms of CPU per URL: 500 keep a page near 100 ms.
    limit = 500

    def items(self):
        # In pk order, read off the (status, id) index: a page's articles stay on it when
        # new ones are published, and each article is on exactly one page.
        return (
            Article.objects.published()
            .select_related("translation")
            .only("slug", "updated_at", "language", *TRANSLATION_COLUMNS)
            .order_by("pk")
        )

    def location(self, item: Article) -> str:
        # Each article once, at its canonical address: in its own edition.
        return item.language_path()

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        """An article and its translation name each other with xhtml:link."""
        urls = super().get_urls(page, site, protocol)
        protocol, domain = self.get_protocol(protocol), self.get_domain(site)
        for url in urls:
            paths = url["item"].language_paths()
            if paths:
                url["alternates"] = [
                    {"lang_code": code, "location": f"{protocol}://{domain}{path}"}
                    for code, path in paths.items()
                ]
        return urls

    def lastmod(self, item: Article):
        return item.updated_at

    @property
    def paginator(self) -> LateRowPaginator:
        # A deep page's skipped articles are read off the index, not the table.
        return LateRowPaginator(self._items(), self.limit)

    def get_latest_lastmod(self):
        # Django's default would load every article to take the latest of their times;
        # this reads the newest off the (status, -updated_at) index.
        return self.items().order_by("-updated_at").values_list("updated_at", flat=True).first()


class EditionsSitemap(Sitemap):
    """A page that each edition has: listed once per language, the versions naming each
    other (and the site's language as x-default)."""

    i18n = True
    alternates = True
    x_default = True


# Categories, tags and authors are listed when one published article at least has them:
# an EXISTS stops at that first article, where a join would go through all of them.


class CategorySitemap(EditionsSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        published = Article.objects.published().filter(category=OuterRef("pk"))
        return (
            Category.objects.filter(Exists(published))
            .annotate(last_article=Subquery(published.values("published_at")[:1]))
            .order_by("slug")
        )

    def lastmod(self, item: Category):
        return item.last_article


class TagSitemap(EditionsSitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        # A scalar subquery, which PostgreSQL runs tag by tag, each stopping at its first
        # published article: an EXISTS it would turn into a join with every tagged item.
        # Unordered, so that it starts from the tag's own items: in date order it walked
        # the newest articles until one had the tag (84 ms at 100,000 articles).
        first = Article.objects.published().filter(tags=OuterRef("pk")).order_by().values("pk")[:1]
        return (
            Tag.objects.annotate(first_article=Subquery(first))
            .filter(first_article__isnull=False)
            .order_by("slug")
        )

    def location(self, item: Tag) -> str:
        return reverse("blog:tag", kwargs={"slug": item.slug})


class AuthorSitemap(EditionsSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        # Deactivated authors keep their articles but lose their page.
        return Article.objects.published().authors().order_by("slug")


class StaticSitemap(EditionsSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["blog:home", "blog:archive_index", "blog:tag_index", "blog:corrections"]

    def location(self, item: str) -> str:
        return reverse(item)


class OnePagePaginator(Paginator):
    """A list that stops at its limit: one page, read and never counted (the index
    lists it without a query)."""

    num_pages = 1

    def page(self, number) -> Page:
        return self._get_page(list(self.object_list), self.validate_number(number), self)


class NewsSitemap(Sitemap):
    """An edition's Google News sitemap: the articles written in its language in the last
    48 hours, newest first, but those excluded from Google News
    (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap).
    """

    template_name = "blog/news_sitemap.xml"
    window = datetime.timedelta(hours=48)
    # Google reads the first 1,000 URLs of a news sitemap.
    limit = 1000

    def __init__(self, language: str) -> None:
        self.language = language

    def items(self):
        since = timezone.now() - self.window
        return (
            Article.objects.published()
            .filter(language=self.language, exclude_from_google_news=False)
            .filter(published_at__gt=since)
            .only("slug", "title", "language", "published_at")
            .order_by("-published_at", "-pk")[: self.limit]
        )

    def location(self, item: Article) -> str:
        return item.language_path()

    @property
    def paginator(self) -> Paginator:
        return OnePagePaginator(self.items(), self.limit)

    def leaves_at(self, articles: list[Article]) -> float | None:
        """When the oldest of these articles leaves the window (None for none)."""
        oldest = min((article.published_at for article in articles), default=None)
        return (oldest + self.window).timestamp() if oldest else None


# The sitemaps list articles, and categories (and their tags and authors, which an
# article's change touches as it does every list of articles).
@require_safe
@showing_lists(Article, Category)
def index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the index of the sections' pages, /sitemap-<section>.xml?p=N.

    The index itself is one page; a ?p= left over from when /sitemap.xml listed the
    URLs itself names no other.
    """
    if request.GET.get("p", "1") != "1":
        raise Http404("No such page.")
    return sitemap_views.index(request, SITEMAPS)


@showing_lists(Article, Category)
def sitemap(request: HttpRequest, sitemaps: dict, section: str) -> HttpResponse:
    """/sitemap-<section>.xml: a section's page, in the news format for a news sitemap."""
    site = sitemaps.get(section)
    if not isinstance(site, NewsSitemap):
        return sitemap_views.sitemap(request, sitemaps, section)
    response = sitemap_views.sitemap(request, sitemaps, section, site.template_name)
    # Publishing forgets it (list:article); an article leaving the 48 hours changes it
    # with no change to name: it is kept until then at most.
    leaves_at = site.leaves_at([url["item"] for url in response.context_data["urlset"]])
    if leaves_at is not None:
        pagecache.fresh_until(request, leaves_at)
    return response


SITEMAPS = {
    "home": StaticSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
    # One per edition, each in its language: /sitemap-news-fr.xml, /sitemap-news-en.xml.
    **{f"news-{code}": NewsSitemap(code) for code in languages.BY_CODE},
}
