from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from taggit.models import Tag

from accounts.models import User
from blog.models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, item: Article):
        return item.updated_at


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


SITEMAPS = {
    "home": StaticSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
