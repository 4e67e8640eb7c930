from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from taggit.models import Tag

from accounts.models import User
from blog.models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    # URLs per page of /sitemap-articles.xml (the protocol allows 50,000): small enough
    # that a page renders in a few tens of milliseconds.
    limit = 2000

    def items(self):
        # In pk order, read off the (status, id) index: a page's articles stay on it when
        # new ones are published, and each article is on exactly one page.
        return Article.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Article):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default would load every article to take the latest of their times.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            Category.objects.filter(articles__in=Article.objects.published())
            .annotate(last_article=Max("articles__published_at"))
            .order_by("slug")
        )

    def lastmod(self, item: Category):
        return item.last_article


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return (
            Tag.objects.filter(article__in=Article.objects.published()).distinct().order_by("slug")
        )

    def location(self, item: Tag) -> str:
        return reverse("blog:tag", kwargs={"slug": item.slug})


class AuthorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return (
            # Deactivated authors keep their articles but lose their page.
            User.objects.filter(is_active=True, articles__in=Article.objects.published())
            .distinct()
            .order_by("slug")
        )


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["blog:home"]

    def location(self, item: str) -> str:
        return reverse(item)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the index of the sections' pages, /sitemap-<section>.xml?p=N.

    The index itself is one page; a ?p= left over from when /sitemap.xml listed the
    URLs itself names no other.
    """
    if request.GET.get("p", "1") != "1":
        raise Http404("No such page.")
    return sitemap_views.index(request, SITEMAPS)


SITEMAPS = {
    "home": StaticSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
