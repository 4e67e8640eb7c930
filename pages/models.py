"""The site's few standing pages ("À propos", "Mentions légales", "Contact").

A small model of its own rather than django.contrib.flatpages: flatpages needs the
sites framework, stores raw HTML that nothing sanitises and renders it with its own
view and middleware; here the body goes through sitewide.markup like an article's,
the page lives under the language prefixes like every reader page, and revisions,
the footer, the sitemap and the page cache treat it like the rest of the site.
"""

import reversion
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sitewide import cache, languages
from sitewide.markup import clean_article_html
from sitewide.pagecache import pages_changed

# The footer's links, kept until a page changes; the timeout only bounds how long a cache
# that missed an invalidation can lag.
FOOTER_CACHE_KEY = "pages:footer:v1"
FOOTER_CACHE_SECONDS = 3600


class PageQuerySet(models.QuerySet):
    def published(self) -> "PageQuerySet":
        return self.filter(published=True)


class Page(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("The page's address: /pages/<slug>/.")
    )
    body = models.TextField(_("body"), help_text=_("HTML; it is sanitised when saved."))
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=languages.CHOICES, default=languages.site_code
    )
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Published pages are public and linked from the footer of every page."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Kept sanitised, as an article's body is: what was dropped leaves the editor too.
        self.body = clean_article_html(self.body, language=self.language)
        self.body_html = self.body
        super().save(*args, **kwargs)
        _footer_changed(kwargs.get("using"))

    def get_absolute_url(self) -> str:
        return reverse("pages:page", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        _footer_changed(kwargs.get("using"))
        return deleted


# What a revision keeps: what the editor wrote, not what is derived from it.
reversion.register(Page, fields=["title", "slug", "body", "language", "published"])


def _footer_changed(using: str | None) -> None:
    pages_changed(using)
    cache.delete(FOOTER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(FOOTER_CACHE_KEY), using=using)


def footer_links() -> list[dict]:
    """The published pages' titles, slugs and languages, for the footer of every page."""
    links = cache.get(FOOTER_CACHE_KEY)
    if links is None:
        # By address: "a-propos", "contact", "mentions-legales" read in a sensible order,
        # where titles would put "À propos" last.
        links = list(Page.objects.published().order_by("slug").values("title", "slug", "language"))
        cache.set(FOOTER_CACHE_KEY, links, FOOTER_CACHE_SECONDS)
    return links
