import datetime
import json

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from taggit.models import Tag

from blog.models import Article, Category
from pages.sitemaps import PageSitemap
from sitewide import fragments, languages, pagecache
from sitewide.pagecache import list_of, showing_lists

# What a page of /sitemap-articles.xml reads of an article and of its translation, in
# the order ArticleSitemap.page_xml() unpacks them.
ARTICLE_COLUMNS = [
    "slug",
    "language",
    "updated_at",
    *(f"translation__{field}" for field in ["slug", "language", "status", "published_at"]),
]


# The largest OFFSET SQLite and PostgreSQL take (a signed 64-bit integer).
MAX_OFFSET = 2**63 - 1


class ArticleSitemap(Sitemap):
    """Every published article once, at its address in its own edition, in pk order.

    Its pages are written by page_xml(), not by Django's sitemap view and template: at
    500 URLs a page those spent about 0.2 ms of CPU per URL (a model per row, reverse()
    twice with a language switch, the template, the date filter). The bytes are the
    same (tests/blog/test_sitemaps.py compares them with Django's).
    """

    changefreq = "monthly"
    priority = 0.8
    # URLs per page of /sitemap-articles.xml (the protocol allows 50,000).
    limit = 500

    def items(self):
        # In pk order, read off the (status, id) index: a page's articles stay on it when
        # new ones are published, and each article is on exactly one page.
        return Article.objects.published().order_by("pk")

    def get_latest_lastmod(self):
        # Django's default would load every article to take the latest of their times;
        # this reads the newest off the (status, -updated_at) index.
        return self.items().order_by("-updated_at").values_list("updated_at", flat=True).first()

    def page_xml(
        self, number: str, protocol: str, domain: str
    ) -> tuple[str, datetime.datetime | None]:
        """Page `number` (as in ?p=) of /sitemap-articles.xml, and its articles' latest
        change (None if it has none). Raises Http404 for a page that is not a number, or
        past the last.

        The page is found without counting the articles: it exists if it has one
        (the first, empty, exists too). Its keys are read off the index in a subquery,
        then its rows with their translation's in one query of values.
        """
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise Http404(f"No page {number!r}") from None
        # A page past what an SQL OFFSET can hold (a 64-bit integer) is past the last:
        # the database would refuse the query (a 500) rather than find it empty.
        if number < 1 or (number - 1) * self.limit > MAX_OFFSET:
            raise Http404(f"Page {number} empty")
        articles = self.items()
        keys = articles.values("pk")[(number - 1) * self.limit : number * self.limit]
        rows = articles.filter(pk__in=keys).values_list(*ARTICLE_COLUMNS)
        paths = ArticlePaths(protocol, domain)
        now, zone = timezone.now(), timezone.get_current_timezone()
        # Django's sitemap.xml with {% spaceless %}, one URL at a time.
        tail = f"<changefreq>{self.changefreq}</changefreq><priority>{self.priority}</priority>"
        parts, latest = [], None
        for slug, language, updated_at, *other in rows:
            url = paths.url(language, slug)
            parts += ["<url><loc>", url, "</loc><lastmod>"]
            # The date in the current time zone, as the template's |date:"Y-m-d".
            parts += [updated_at.astimezone(zone).date().isoformat(), "</lastmod>", tail]
            other_slug, other_language, other_status, other_published_at = other
            # Article.language_paths(): both editions, once the translation is published.
            if (
                other_status == Article.Status.PUBLISHED
                and other_published_at is not None
                and other_published_at <= now
            ):
                alternates = {language: url, other_language: paths.url(other_language, other_slug)}
                for code in languages.BY_CODE:
                    if code in alternates:
                        parts += [
                            f'<xhtml:link rel="alternate" hreflang="{code}" href="',
                            alternates[code],
                            '"/>',
                        ]
            parts.append("</url>")
            latest = updated_at if latest is None else max(latest, updated_at)
        if not parts and number > 1:
            raise Http404(f"Page {number} empty")
        return URLSET.format("".join(parts)), latest


URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n{}\n</urlset>\n'
)


class ArticlePaths:
    """Articles' absolute addresses in their edition, from the slug: reverse() once per
    language, not once per article."""

    def __init__(self, protocol: str, domain: str) -> None:
        self.root = f"{protocol}://{domain}"
        self.prefixes: dict[str, tuple[str, str]] = {}

    def url(self, language: str, slug: str) -> str:
        prefix = self.prefixes.get(language)
        if prefix is None:
            with translation.override(language):
                path = reverse("blog:article", kwargs={"slug": "-"})
            # Escaped as the template would; a slug needs it not ([-a-zA-Z0-9_]).
            before, after = path.split("/-/")
            prefix = self.prefixes[language] = (escape(self.root + before + "/"), "/" + after)
        return prefix[0] + slug + prefix[1]


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
    URLs itself names no other. Written as Django's index view and template write it,
    but from each section's number of pages and latest change, kept (sections()), and
    with its lines built as strings: it lists 200 pages at 100,000 articles.
    """
    if request.GET.get("p", "1") != "1":
        raise Http404("No such page.")
    domain = get_current_site(request).domain
    lines, timestamps = [], []
    for section, (pages, lastmod, timestamp) in sections(request).items():
        path = reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": section})
        protocol = SITEMAPS[section].protocol or request.scheme
        location = escape(f"{protocol}://{domain}{path}")
        dated = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<sitemap><loc>{location}</loc>{dated}</sitemap>")
        lines += [
            f"<sitemap><loc>{location}?p={page}</loc>{dated}</sitemap>"
            for page in range(2, pages + 1)
        ]
        timestamps.append(timestamp)
    response = HttpResponse(SITEMAPINDEX.format("".join(lines)), content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    # As Django's index: Last-Modified only when every section has its latest change.
    if None not in timestamps:
        response.headers["Last-Modified"] = http_date(max(timestamps))
    return response


SITEMAPINDEX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{}\n</sitemapindex>\n'
)


def sections(request: HttpRequest) -> dict[str, list]:
    """Each section of SITEMAPS: its number of pages, its latest change as the index
    writes it (|date:"c", in the current time zone) and as a Unix time (None, None
    without one); kept as a fragment.

    Counting the pages costs a COUNT over every published article (an index-only scan
    of 100,000 entries) and a query per other section. What a section lists is a set of
    public addresses: a change to it touches `addresses` (an article entering or leaving
    the lists, a category's, a tag's or an author's change) or `site` (the pages', and
    every fragment shows it). A published article's change, which dates the articles
    and its category, touches the list of articles.
    """

    def read() -> str:
        pagecache.shows(request, pagecache.ADDRESSES, list_of(Article), list_of(Category))
        found = {}
        for section, site in SITEMAPS.items():
            site = site() if callable(site) else site
            # Every section's lastmod is an aware datetime, or None.
            lastmod = site.get_latest_lastmod()
            found[section] = [
                site.paginator.num_pages,
                timezone.localtime(lastmod).isoformat() if lastmod else None,
                lastmod.timestamp() if lastmod else None,
            ]
        return json.dumps(found)

    return json.loads(fragments.kept(request, "sitemap-sections", [], read))


@showing_lists(Article, Category)
def sitemap(request: HttpRequest, sitemaps: dict, section: str) -> HttpResponse:
    """/sitemap-<section>.xml: a section's page, in the news format for a news sitemap."""
    # Its addresses: a tag renamed or deleted, an author's page gone with their account,
    # touch these, and no list of articles.
    pagecache.shows(request, pagecache.ADDRESSES)
    site = sitemaps.get(section)
    if site is ArticleSitemap:
        return _articles_page(request, site())
    if not isinstance(site, NewsSitemap):
        return _section_page(request, sitemaps, section)
    response = sitemap_views.sitemap(request, sitemaps, section, site.template_name)
    # Publishing forgets it (list:article); an article leaving the 48 hours changes it
    # with no change to name: it is kept until then at most.
    leaves_at = site.leaves_at([url["item"] for url in response.context_data["urlset"]])
    if leaves_at is not None:
        pagecache.fresh_until(request, leaves_at)
    return response


def _articles_page(request: HttpRequest, site: ArticleSitemap) -> HttpResponse:
    """A page of /sitemap-articles.xml, with the headers Django's sitemap view gives."""
    domain = get_current_site(request).domain
    number = request.GET.get("p", "1")

    def read() -> str:
        # What the page cache keeps it by (the view's lists and addresses): a published
        # article's change, the only thing that dates or moves its URLs, touches the
        # list of articles.
        pagecache.shows(request, pagecache.ADDRESSES, list_of(Article), list_of(Category))
        xml, latest = site.page_xml(number, request.scheme, domain)
        return json.dumps([xml, latest.timestamp() if latest is not None else None])

    # Kept as the index's sections are: a deep page's keys are an index-only scan of
    # every article before it (100,000 entries for the last page at 100,000 articles).
    # A page past the last raises Http404 inside, and nothing is kept.
    xml, latest = json.loads(fragments.kept(request, "sitemap-articles", [domain, number], read))
    response = HttpResponse(xml, content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    if latest is not None:
        response.headers["Last-Modified"] = http_date(latest)
    return response


def _section_page(request: HttpRequest, sitemaps: dict, section: str) -> HttpResponse:
    """A page of the home, categories, tags, authors or pages section: Django's sitemap
    view, its XML and Last-Modified kept as a fragment, as a page of articles is. The
    tags' page asks, tag by tag, for one published article with it (25 ms at 100,000
    articles for a tag that none has), then Django's paginator and template: 74 ms a
    request in process, 99.6 ms p99 in bench/scale.py."""
    number = request.GET.get("p", "1")

    def read() -> str:
        # What the page cache keeps it by: a section's addresses, and the articles and
        # categories that date them and decide which tags, categories and authors show.
        pagecache.shows(request, pagecache.ADDRESSES, list_of(Article), list_of(Category))
        # A page past the last raises Http404 here, and nothing is kept.
        written = sitemap_views.sitemap(request, sitemaps, section).render()
        return json.dumps([written.content.decode(), written.headers.get("Last-Modified")])

    domain = get_current_site(request).domain
    xml, last_modified = json.loads(
        fragments.kept(request, "sitemap-section", [domain, section, number], read)
    )
    response = HttpResponse(xml, content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    if last_modified is not None:
        response.headers["Last-Modified"] = last_modified
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
