"""The site's few standing pages ("À propos", "Mentions légales", "Contact").

A small model of its own rather than django.contrib.flatpages: flatpages needs the
sites framework, stores raw HTML that nothing sanitises and renders it with its own
view and middleware; here the body goes through sitewide.markup like an article's,
the page lives under the language prefixes like every reader page, and revisions,
the footer, the sitemap and the page cache treat it like the rest of the site.
"""

import reversion
from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sitewide import cache, languages
from sitewide.markup import clean_article_html
from sitewide.pagecache import pages_changed

# The footer's links, kept until a page changes; the timeout only bounds how long a cache
# that missed an invalidation can lag.
FOOTER_CACHE_KEY = "pages:footer:v2"
FOOTER_CACHE_SECONDS = 3600


class PageQuerySet(models.QuerySet):
    def published(self) -> "PageQuerySet":
        return self.filter(published=True)


class Page(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        # No "<slug>" here: the admin shows help texts as HTML, and ate it.
        help_text=_(
            "The end of the page's address, filled in from the title: “a-propos” puts the "
            "page at /pages/a-propos/."
        ),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Headings, lists, links and images from the toolbar; pasted text keeps only "
            "these. What readers see is cleaned when the page is saved."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=languages.CHOICES, default=languages.site_code
    )
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Published pages are public and linked from the footer of every page."),
    )
    # The English edition's version of a page written in French (fields of our own, as
    # for categories): its title and text, each falling back to the page's own.
    title_en = models.CharField(
        _("title in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown by the English edition; the title above when empty."),
    )
    body_en = models.TextField(
        _("body in English"),
        blank=True,
        help_text=_("Shown by the English edition; the body above when empty."),
    )
    body_html_en = models.TextField(editable=False, blank=True)
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
        self.body_en = clean_article_html(self.body_en, language="en") if self.body_en else ""
        self.body_html_en = self.body_en
        super().save(*args, **kwargs)
        _footer_changed(kwargs.get("using"))

    def get_absolute_url(self) -> str:
        return reverse("pages:page", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        _footer_changed(kwargs.get("using"))
        return deleted

    @property
    def local_title(self) -> str:
        """The title in the current edition's language, when it has one."""
        return languages.edition_text(self, "title", self.language)

    @property
    def title_language(self) -> str:
        return languages.edition_language(self, "title", self.language)

    @property
    def local_body_html(self) -> str:
        return languages.edition_text(self, "body_html", self.language)

    @property
    def body_language(self) -> str:
        return languages.edition_language(self, "body_html", self.language)


# What a revision keeps: what the editor wrote, not what is derived from it.
reversion.register(
    Page, fields=["title", "slug", "body", "language", "published", "title_en", "body_en"]
)


def _footer_changed(using: str | None) -> None:
    pages_changed(using)
    cache.delete(FOOTER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(FOOTER_CACHE_KEY), using=using)


def footer_links() -> list[dict]:
    """The published pages' titles, slugs and languages as the current edition shows
    them, for the footer of every page."""
    by_language = cache.get(FOOTER_CACHE_KEY)
    if by_language is None:
        # By address: "a-propos", "contact", "mentions-legales" read in a sensible order,
        # where titles would put "À propos" last.
        pages = list(
            Page.objects.published().order_by("slug").only("title", "title_en", "slug", "language")
        )
        # Every edition's at once: one query, one key to forget.
        by_language = {}
        for code in languages.BY_CODE:
            with translation.override(code):
                by_language[code] = [
                    {"title": page.local_title, "slug": page.slug, "language": page.title_language}
                    for page in pages
                ]
        cache.set(FOOTER_CACHE_KEY, by_language, FOOTER_CACHE_SECONDS)
    return by_language.get(translation.get_language(), by_language[settings.LANGUAGE_CODE])
