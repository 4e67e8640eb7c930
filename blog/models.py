import datetime
import functools
import html
import operator
from contextlib import nullcontext
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import reversion
from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Concat, TruncMonth
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import Tag

from accounts.models import User
from blog import live, search
from editing.models import Image
from sitewide import embeds, languages, pagecache, typography
from sitewide.http import absolute_url
from sitewide.markup import clean_article_html
from sitewide.models import SiteSettings
from sitewide.pagecache import list_of, pages_changed, tag_of
from sitewide.prepared import Prepared
from sitewide.slugs import slugify


class CategoryQuerySet(models.QuerySet):
    def in_use(self, now: datetime.datetime | None = None) -> "CategoryQuerySet":
        """The categories with a published article at least: the site's menu."""
        published = Article.objects.published(now)
        return self.filter(Exists(published.filter(category=OuterRef("pk"))))


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    # The English edition's; the site's language is in name and description. Two fields
    # of our own rather than django-modeltranslation: one language to add, no registry.
    name_en = models.CharField(
        _("name in English"),
        max_length=100,
        blank=True,
        help_text=_("Shown by the English edition; the name above when empty."),
    )
    description_en = models.TextField(
        _("description in English"),
        blank=True,
        help_text=_("Shown by the English edition; the description above when empty."),
    )
    # Read by the newsletter app, for the articles that do not say (Article.sends_by_mail).
    send_by_mail = models.BooleanField(
        _("send new articles by mail"),
        default=True,
        help_text=_(
            "Whether a new article of this category goes to the newsletter's subscribers "
            "when it is published, unless the article says otherwise."
        ),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self._changed()

    def get_absolute_url(self) -> str:
        return reverse("blog:category", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        self._changed()
        return super().delete(*args, **kwargs)

    @classmethod
    def menu(cls) -> list["Category"]:
        """The categories in use, as the menu lists them: the query every page's header
        asks, its SQL worked out once per process (sitewide/prepared.py)."""
        return _IN_USE.instances(now=timezone.now())

    @property
    def local_name(self) -> str:
        """The name in the current edition's language, when it has one."""
        return languages.edition_text(self, "name", languages.site_code())

    @property
    def local_description(self) -> str:
        return languages.edition_text(self, "description", languages.site_code())

    def _changed(self) -> None:
        # Its name wherever it shows, the menu and sitemap that list categories, and its
        # address (a 404 kept for it, or its old slug).
        pagecache.changed(self, list_of(Category), pagecache.ADDRESSES)


@dataclass(frozen=True)
class PageMetadata:
    """What a page tells search engines and link previews about itself."""

    url: str  # the canonical address
    meta: list[tuple[str, str, str]]  # each <meta>: attribute, its value, content
    json_ld: dict  # a schema.org description


# The editions whose lists have their own indexes (Article.Meta): a language added to
# LANGUAGES needs its own.
EDITIONS = ("fr", "en")


class EditionKey(models.Func):
    """0 for an article written in this language, 1 for the others: the first key of an
    edition's order, as the edition indexes hold it. The language is written into the SQL
    rather than passed beside it: SQLite matches an indexed expression only to one written
    with the same literals (PostgreSQL to either)."""

    template = "CASE WHEN %(expressions)s = '%(language)s' THEN 0 ELSE 1 END"
    output_field = models.IntegerField()

    def __init__(self, language: str) -> None:
        # Only a code of the site's own list is ever written into SQL.
        if language not in dict(settings.LANGUAGES):
            raise ValueError(f"{language!r} is not one of the site's languages.")
        super().__init__(models.F("language"), language=language)


class ArticleQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        pages_changed()
        return super().delete()

    def published(self, now: datetime.datetime | None = None) -> "ArticleQuerySet":
        """The one rule for what the public may see: published, and its time has come
        (`now`, unless told another time: a prepared query's, sitewide/prepared.py)."""
        now = timezone.now() if now is None else now
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now)

    def due(self) -> "ArticleQuerySet":
        """Scheduled articles whose time has come, not yet taken live (go_live)."""
        return self.published().filter(going_live=True)

    def sent_by_mail(self) -> "ArticleQuerySet":
        """Mirrors Article.sends_by_mail: the newsletter's digests list these."""
        by_category = Q(category__isnull=True) | Q(category__send_by_mail=True)
        return self.filter(Q(send_by_mail=True) | Q(send_by_mail__isnull=True) & by_category)

    def editable_by(self, user) -> "ArticleQuerySet":
        """Mirrors Article.is_editable_by: one's own articles, everyone's with
        change_others_article, none without the right to change articles."""
        if not (user.is_active and user.is_staff and user.has_perm("blog.change_article")):
            return self.none()
        if user.has_perm("blog.change_others_article"):
            return self
        return self.filter(author=user)

    def for_edition(
        self, language: str, now: datetime.datetime | None = None
    ) -> "ArticleQuerySet":
        """The articles an edition lists: those written in its language first, then the
        others that have no published translation into it (each reachable, marked with its
        own language), newest first within each. One rule for every list, feed and count:
        a translated pair appears once per edition, in the edition's language.
        """
        now = timezone.now() if now is None else now
        translated_here = Q(
            translation__language=language,
            translation__status=Article.Status.PUBLISHED,
            translation__published_at__lte=now,
        )
        # Read in this order off the edition indexes (Meta.indexes).
        return (
            self.exclude(~Q(language=language) & translated_here)
            .alias(in_other_language=EditionKey(language))
            .order_by("in_other_language", "-published_at", "-pk")
        )

    def written_in(self, language: str) -> "ArticleQuerySet":
        """Those written in this language, newest first; said with for_edition()'s key
        (0 for the edition's own), which the edition indexes (Meta.indexes) find by
        language and date at once. Written `language = …`, an edition
        with few stories of its own (the English one of a French site) was expected to
        have one, and the planner read every article for it: 300 ms at 100,000."""
        return (
            self.alias(in_other_language=EditionKey(language))
            .filter(in_other_language=0)
            .order_by("-published_at", "-pk")
        )

    def lead(self, language: str | None = None) -> "Article | None":
        """The front page's lead story: the pinned article if it is published, else the
        newest one; in an edition, those written in its language come first."""
        published = self.published()
        if language is not None:
            # In date order alone: the indexes give it, for_edition()'s key they cannot.
            written_here = published.written_in(language)
            # One article at most is pinned (article_one_lead_story), found by that index;
            # an OR across the translation's join instead read every article.
            pin = self.model._default_manager.filter(featured=True).values_list("pk", flat=True)
            pin = next(iter(pin[:1]), None)
            pinned = written_here.filter(Q(pk=pin) | Q(translation=pin)).first() if pin else None
            return pinned or written_here.first() or published.first()
        return published.filter(featured=True).first() or published.first()

    def latest_per_category(
        self, categories: list["Category"], count: int, exclude: list[int]
    ) -> list[tuple["Category", list["Article"]]]:
        """The newest `count` articles of each category, leaving out the `exclude` pks,
        as (category, articles) pairs; categories left with none are dropped.

        One query whatever the number of categories: each category's newest are picked by
        a subquery that reads the (category, status, published_at) index. PostgreSQL gets
        them as one UNION ALL, which it looks up by key; an OR of the subqueries made it
        filter every article (12 ms at 10,000). SQLite cannot LIMIT a part of a UNION: it
        keeps the OR, which it answers one subquery at a time.
        """
        newest = [
            self.filter(category=category).exclude(pk__in=exclude).values("pk")[:count]
            for category in categories
        ]
        if not newest:
            return []
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            picks = Q(pk__in=newest[0].union(*newest[1:], all=True))
        else:
            picks = functools.reduce(operator.or_, (Q(pk__in=pks) for pks in newest))
        found = list(self.filter(picks).for_listing())
        return [
            (category, articles)
            for category in categories
            if (articles := [a for a in found if a.category_id == category.pk])
        ]

    def month_counts(self) -> list[tuple[datetime.date, int]]:
        """(first day of the month, how many) for each month of these articles, in order,
        months counted in the site's time zone."""
        rows = (
            self.annotate(month=TruncMonth("published_at"))
            .order_by("month")
            .values_list("month")
            .annotate(count=models.Count("pk"))
        )
        return [(month.date(), count) for month, count in rows]

    def tag_counts(self) -> list[tuple[int, str, str, int]]:
        """(pk, name, slug, how many of these articles) for each tag they use, by name with
        accents and case ignored: one grouped query over the tagged articles."""
        rows = (
            self.filter(tags__isnull=False)
            .order_by()
            .values_list("tags__pk", "tags__name", "tags__slug")
            .annotate(count=models.Count("pk"))
        )
        return sorted(rows, key=lambda row: search.fold(row[1]))

    def authors(self) -> models.QuerySet:
        """The active users who wrote one of these articles at least.

        As `published().authors()`, the one rule for who has a public author page,
        feed and sitemap entry: a staff account with nothing published has none.
        """
        return User.objects.filter(Exists(self.filter(author=OuterRef("pk"))), is_active=True)

    def tags(self) -> models.QuerySet:
        """The tags of one of these articles at least.

        As `published().tags()`, the one rule for which tags have a public page and feed:
        a tag used only by drafts or scheduled articles names an embargoed story.
        """
        return Tag.objects.filter(Exists(self.filter(tags=OuterRef("pk"))))

    def tag(self, slug: str) -> Tag | None:
        """The tag of this slug if one of these articles at least has it (the rule of
        tags()), else None. Found by its slug first, then its articles asked whether one
        has it: PostgreSQL answered tags().filter(slug=…) by hashing every use of the tag
        (23,000 for a common one at 100,000 articles: 13-250 ms), where this stops at
        the first of its articles that qualifies (under 2 ms)."""
        tag = Tag.objects.filter(slug=slug).first()
        return tag if tag is not None and self.filter(tags=tag).exists() else None

    def for_listing(self) -> "ArticleQuerySet":
        """What an article card shows: its columns, author, category and cover (an image
        of the library) joined. The text and its search vector stay in the database."""
        return self.select_related("author", "category", "cover").defer(*LISTING_LEAVES_OUT)

    def for_feed(self) -> "ArticleQuerySet":
        """A list with each article's whole text and its tags, as feeds carry them."""
        return (
            self.for_listing()
            .defer(None)
            # Into a plain list: taggit's manager builds a queryset per article otherwise.
            .prefetch_related(Prefetch("tags", to_attr="listed_tags"))
        )

    def search(
        self, query: str, limit: int | None = None, newest: bool = False
    ) -> "ArticleQuerySet":
        """Full-text search on PostgreSQL, a word-by-word match elsewhere; accents and case
        ignored on both.

        On PostgreSQL each article is matched against its stored search vector, with the
        query parsed in the article's own language, accents removed: one match per
        language, OR-ed, so that the GIN index on search_vector serves every one of them;
        the best ranked come first. Elsewhere every word of the query must be in the
        article's accent-folded search_text. With a limit, only the newest `limit` matches
        are kept: a common word matches tens of thousands of articles, and ranking them all
        would cost more than the rest of the page. `newest` orders them by date instead
        (SQLite always does); an edition's own language leads either way.
        """
        postgresql = connections[self.db].vendor == "postgresql"
        matches, ranks = Q(), []
        if postgresql:
            for language in languages.LANGUAGES:
                search_query = _search_query(query, language)
                matches |= Q(language=language.code, search_vector=search_query)
                ranks.append(
                    models.When(
                        language=language.code,
                        then=SearchRank(models.F("search_vector"), search_query),
                    )
                )
        else:
            for word in search.query_words(query):
                matches &= Q(search_text__contains=word)
        found = self.filter(matches)
        if limit is not None:
            kept = found.order_by("-published_at", "-pk").values("pk")[:limit]
            found = self.filter(pk__in=kept)
        # for_edition()'s language key, when these are an edition's.
        leading = ["in_other_language"] if "in_other_language" in self.query.annotations else []
        if not postgresql or newest:
            return found.order_by(*leading, "-published_at", "-pk")
        rank = models.Case(*ranks, default=models.Value(0.0))
        return found.annotate(rank=rank).order_by(*leading, "-rank", "-published_at", "-pk")

    def excerpts(self, articles: list["Article"], query: str) -> dict[int, SafeString]:
        """Each found article's excerpt, its matches highlighted, in one query for a page.

        PostgreSQL's ts_headline reads the text of these articles only (it is far costlier
        than the match); elsewhere the excerpt is cut in Python from the same text.
        """
        pks = [article.pk for article in articles]
        if not pks:
            return {}
        found = self.filter(pk__in=pks)
        text = Concat(
            "standfirst", models.Value(" "), "body_html", output_field=models.TextField()
        )
        if connections[self.db].vendor != "postgresql":
            return {
                pk: search.excerpt(search.plain_text(html_text), query)
                for pk, html_text in found.annotate(text=text).values_list("pk", "text")
            }
        headline = models.Case(
            *[
                models.When(
                    language=language.code,
                    then=SearchHeadline(
                        text,
                        _search_query(query, language),
                        config=language.unaccent_search_config,
                        start_sel=search.MATCH_START,
                        stop_sel=search.MATCH_END,
                        max_words=search.EXCERPT_WORDS,
                        min_words=search.EXCERPT_WORDS // 2,
                    ),
                )
                for language in languages.LANGUAGES
            ],
            output_field=models.TextField(),
        )
        return {
            pk: search.headline_html(html_text or "")
            for pk, html_text in found.annotate(headline=headline).values_list("pk", "headline")
        }


def _search_query(query: str, language: languages.Language) -> SearchQuery:
    """A reader's query, as a web search engine reads it, in this language without accents."""
    return SearchQuery(query, search_type="websearch", config=language.unaccent_search_config)


# Columns list pages never show: the text, and what is derived from it.
LISTING_LEAVES_OUT = (
    "body",
    "body_html",
    "search_vector",
    "search_text",
    "seo_description",
    "author__bio",
)

# An adult's silent reading speed, in French as in English.
WORDS_PER_MINUTE = 230

# What the search vector is made from: saving any of them recomputes it.
SEARCHED_FIELDS = {"title", "standfirst", "body", "body_html", "language"}


def search_vector() -> SearchVector:
    """An article's search document, in its own language: title, then standfirst, then the
    body's text (PostgreSQL's parser skips the HTML tags of body_html)."""
    config = models.Case(
        *[
            models.When(language=language.code, then=models.Value(language.unaccent_search_config))
            for language in languages.LANGUAGES
        ],
        default=models.Value("simple"),
    )
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("body_html", weight="C", config=config)
    )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        # "Scheduled" is not stored: it is a published article whose time has not come.
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The end of the article's address, filled in from the title: "
            "“au-coeur-des-tensions” puts it at /articles/au-coeur-des-tensions/."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("The lead shown under the title and in lists.")
    )
    body = models.TextField(_("body"), help_text=_("HTML; it is sanitised when saved."))
    body_html = models.TextField(editable=False, blank=True)
    cover = models.ForeignKey(
        Image,
        verbose_name=_("cover image"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "An image of the library: its alt text and caption go with it. "
            "Use + to upload a new one."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
    )
    tags = TaggableManager(_("tags"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=languages.CHOICES, default=languages.site_code
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text=_(
            "Draft: only the newsroom sees it. In review: waiting for an editor. Published: "
            "public from its publication time (scheduled until then)."
        ),
    )
    # Empty until the article is first published (save() then writes the time), unless
    # an editor chose one: a draft started days ago goes out dated when it goes out.
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to date the article when it is published. A time in the future "
            "schedules it: choose it, then press Schedule."
        ),
    )
    # Every save's time, for the sitemaps and caches; readers are told of an update only
    # when an editor marks it significant (below), not of each typo fixed.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set by the admin when an editor ticks "Significant update" on a published article
    # (ArticleAdminForm): "Updated on …" on the page, dateModified, the feeds' updated.
    significant_update_at = models.DateTimeField(
        _("significant update"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Saved while scheduled, and not taken live yet: when its time comes, the schedule's
    # task or the sweep (blog/workflow.py go_live) drops the kept pages and tells the
    # author, as a publish click does.
    going_live = models.BooleanField(default=False, editable=False)
    comments_open = models.BooleanField(_("comments open"), default=True)
    featured = models.BooleanField(
        _("lead story"),
        default=False,
        help_text=_("Shown first on the front page. Pinning one article unpins the previous."),
    )
    # Empty: as its category says (Article.sends_by_mail). Read by the newsletter app when
    # the article goes public; a later change sends nothing.
    send_by_mail = models.BooleanField(
        _("send by mail"),
        null=True,
        blank=True,
        help_text=_(
            "Whether the newsletter's subscribers receive this article by mail when it is "
            "published. Unknown: as its category says."
        ),
    )
    # Kept exact by the comments app, in the transaction of every change to a comment.
    comment_count = models.PositiveIntegerField(_("approved comments"), default=0, editable=False)
    seo_description = models.CharField(
        _("SEO description"),
        max_length=300,
        blank=True,
        help_text=_("For search engines and link previews; the standfirst when empty."),
    )
    # Live coverage ("EN DIRECT"): timed entries (LiveEntry) follow the story while it is
    # started and not ended; ending it freezes them (docs/newsroom.md).
    live_since = models.DateTimeField(_("live coverage started"), null=True, blank=True)
    live_ended_at = models.DateTimeField(_("live coverage ended"), null=True, blank=True)
    exclude_from_google_news = models.BooleanField(
        _("exclude from Google News"),
        default=False,
        help_text=_(
            "Left out of the Google News sitemap (a sponsored story, a press release, an "
            "article that is not news); search engines still find it in the sitemap."
        ),
    )

    # Written by save() on PostgreSQL, in the article's language; its GIN index is made by a
    # PostgreSQL-only migration (0006), out of Meta, since SQLite cannot build one.
    search_vector = SearchVectorField(null=True, editable=False)
    # Where PostgreSQL's full-text search is missing (SQLite): the text without accents or
    # case, written by save(). Empty on PostgreSQL, which searches search_vector.
    search_text = models.TextField(editable=False, blank=True, default="")
    # Kept symmetric by save(): when this names an article, that article names this one.
    translation = models.OneToOneField(
        "self",
        verbose_name=_("translation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The same article in another language; it will link back to this one."),
    )

    objects = ArticleQuerySet.as_manager()
    # A search result's excerpt (blog.views.search); none elsewhere. Said here so that a card
    # asks an attribute that exists: a template's failed lookup costs a dir() of the row.
    excerpt = ""

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # Each list's filter then its order (newest first, the pk breaking ties), so that a
        # page is read off an index instead of sorting every match.
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_published_idx"),
            models.Index(
                fields=["author", "status", "-published_at", "-id"], name="article_author_idx"
            ),
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_category_idx",
            ),
            # The sitemap's pages go through the published articles in pk order; with
            # published_at in it, a page's keys are found from the index alone.
            models.Index(fields=["status", "id", "published_at"], name="article_sitemap_idx"),
            # The sitemap index dates the articles by the latest change.
            models.Index(fields=["status", "-updated_at"], name="article_updated_idx"),
            # An edition lists the articles written in its language first, then the others,
            # newest first within each (ArticleQuerySet.for_edition): no index above gives
            # that order, so every list, feed and related-articles query sorted all its
            # published matches (28 ms for an article's related candidates at 10,000
            # articles in one category). One index per edition and list holds it.
            *[
                models.Index(
                    *columns,
                    EditionKey(code),
                    models.F("published_at").desc(),
                    models.F("id").desc(),
                    condition=Q(status="published"),
                    name="_".join(["article", code, *names, "idx"]),
                )
                for code in EDITIONS
                for names, columns in [
                    ([], []),
                    (["category"], [models.F("category")]),
                    (["author"], [models.F("author")]),
                ]
            ],
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["featured"],
                condition=Q(featured=True),
                name="article_one_lead_story",
            )
        ]
        permissions = [
            ("change_others_article", _("Can edit other authors' articles")),
            ("publish_article", _("Can publish articles")),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The body itself is kept sanitised: what the sanitiser dropped (an image from
        # elsewhere, a frame) leaves the editor too, instead of coming back at each save.
        self.body = clean_article_html(self.body, language=self.language)
        self.body_html = self.body
        if self.language == "fr":
            # After sanitising: the rules read the final HTML, and skip its tags and code.
            self.title = typography.french_text(self.title)
            self.standfirst = typography.french_text(self.standfirst)
            self.body_html = typography.french_html(self.body_html)
        if not self.slug:
            self.slug = slugify(self.title, max_length=200)
        update_fields = kwargs.get("update_fields")
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            # First published with no time chosen: now, to the second the form shows.
            self.published_at = timezone.now().replace(microsecond=0)
            if update_fields is not None:
                kwargs["update_fields"] = update_fields = {*update_fields, "published_at"}
        if self.is_scheduled():
            self.going_live = True
        elif not self.is_published():
            self.going_live = False
        # else: live already, or its time came and go_live has not run yet: left as it is.
        if update_fields is not None:
            kwargs["update_fields"] = update_fields = {*update_fields, "going_live"}
        using = kwargs.get("using") or router.db_for_write(Article, instance=self)
        searched = update_fields is None or bool(SEARCHED_FIELDS & set(update_fields))
        postgresql = connections[using].vendor == "postgresql"
        if searched and not postgresql:
            self.search_text = search.search_text(self.title, self.standfirst, self.body_html)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        pins = self.featured and (update_fields is None or "featured" in update_fields)
        writes_more = (searched and postgresql) or pins or self._translation_changed(update_fields)
        # Only what writes more than the row needs a transaction (and its two savepoints).
        with transaction.atomic(using=using) if writes_more else nullcontext():
            if pins:
                self._unpin_others(using)
            self._unpair_others(using, update_fields)
            super().save(*args, **kwargs)
            if searched and postgresql:
                # Computed by the database from the text just written.
                Article.objects.using(using).filter(pk=self.pk).update(
                    search_vector=search_vector()
                )
            self._pair_translation(using, update_fields)
        self._changed(using)

    def get_absolute_url(self) -> str:
        return reverse("blog:article", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs) -> "Article":
        article = super().from_db(db, field_names, values, **kwargs)
        # The translation as stored, so that save() re-pairs only when it changes.
        article._stored_translation_id = article.__dict__.get("translation_id")
        # Where it was listed, so that a save forgets the lists it leaves.
        article._stored_lists = article._lists_by_fields()
        article._stored_category_id = article.category_id if article._stored_lists else None
        return article

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        self._changed(kwargs.get("using"), deleted=True)
        return super().delete(*args, **kwargs)

    @property
    def neighbours_tag(self) -> str:
        """The tag of its previous and next links, as the page cache names them: an
        article published beside it changes them."""
        return f"neighbours:{self.pk}"

    def related_lists(self, tags: list, related: list["Article"]) -> list[str]:
        """The lists its related articles (Article.related) are chosen from, as
        the page cache names them: its tags', and its category's where too few articles
        share a tag to fill them."""
        lists = [list_of(tag) for tag in tags]
        if self.category_id and (len(related) < 3 or not all(a.shared_tags for a in related)):
            lists.append(list_of(Category, self.category_id))
        return lists

    def lists(self) -> set[str]:
        """The lists this article is in, as the page cache names them (none until it is
        published): every list of articles, its category's, its author's, its tags'."""
        lists = self._lists_by_fields()
        if lists and self.pk:
            lists |= {list_of(tag) for tag in self.tags.all()}
        return lists

    def _lists_by_fields(self) -> set[str]:
        """The lists that its own columns put it in; empty if they are not loaded."""
        columns = {"status", "published_at", "author_id", "category_id"}
        if columns - self.__dict__.keys() or not self.is_published():
            return set()
        lists = {list_of(Article), pagecache.ADDRESSES, list_of(User, self.author_id)}
        if self.category_id:
            lists.add(list_of(Category, self.category_id))
        return lists

    def _changed(self, using: str | None, deleted: bool = False) -> None:
        """Tell the page cache what a save or a deletion touched: the article wherever it
        shows, its translation's link to it, its own previous and next links, and the
        lists it is in or leaves; once
        committed, the lists its new tags put it in (the admin sets them after the save),
        its new neighbours, whose previous or next link now leads to it, and the menu
        if it is the first or last public article of a category."""
        was = getattr(self, "_stored_lists", set())
        was_category = getattr(self, "_stored_category_id", None)
        # In a batch (an import) every page changes at its end: nothing to read here.
        touched = {self} if pagecache.in_one_change() else {self, *was, *self.lists()}
        # Its own previous and next links: its date or status may have moved it between
        # others (its page's "article-nav" fragment shows this tag, not the article).
        touched.add(self.neighbours_tag)
        paired = {self.translation_id, getattr(self, "_stored_translation_id", None)} - {None}
        touched |= {tag_of(Article, pk) for pk in paired}
        if paired and not pagecache.in_one_change():
            # An edition lists a story or its published translation (for_edition): this
            # one's publication takes its translation into, or out of, that edition's
            # lists of the translation's category, author and tags.
            for translation in Article.objects.using(using).filter(pk__in=paired):
                touched |= translation.lists()

        def once_committed() -> set:
            now = set() if deleted else self.lists()
            touched = set(now)
            if now:
                neighbours = {
                    neighbour
                    for edition in languages.BY_CODE
                    for neighbour in [
                        self.get_previous_published(edition),
                        self.get_next_published(edition),
                    ]
                }
                touched |= {other.neighbours_tag for other in neighbours - {None}}
            category = self.category_id if now else None
            if now != was and self._menu_changes({was_category, category} - {None}):
                touched.add(list_of(Category))
            return touched

        pagecache.changed(*touched, using=using, then=once_committed)
        self._stored_lists = self._lists_by_fields()
        self._stored_category_id = self.category_id if self._stored_lists else None

    def went_live(self) -> None:
        """Its scheduled time has come (blog.workflow.go_live): it enters its lists as if
        just published."""
        self._stored_lists, self._stored_category_id = set(), None
        self._changed(router.db_for_write(Article, instance=self))

    def _menu_changes(self, categories: set[int]) -> bool:
        """Whether this article is (or was) the only public one of one of these categories:
        it then puts that category in the menu, or takes it off."""
        others = Article.objects.published().filter(category__in=categories).exclude(pk=self.pk)
        return len(set(others.values_list("category", flat=True).distinct())) < len(categories)

    def _unpin_others(self, using: str) -> None:
        """One lead story at a time: pinning this article unpins the one before."""
        Article.objects.using(using).filter(featured=True).exclude(pk=self.pk).update(
            featured=False
        )

    def _translation_changed(self, update_fields) -> bool:
        if update_fields is not None and "translation" not in update_fields:
            return False
        return self.translation_id != getattr(self, "_stored_translation_id", None)

    def _unpair_others(self, using: str, update_fields) -> None:
        """Before a new translation is stored: the articles that named this one, or that
        named the new translation, name nothing (each article has one translation)."""
        if not self._translation_changed(update_fields):
            return
        stale = Q(translation_id=self.translation_id) if self.translation_id else Q()
        if self.pk:
            stale |= Q(translation_id=self.pk)
        if stale:
            Article.objects.using(using).filter(stale).exclude(pk=self.pk).exclude(
                pk=self.translation_id
            ).update(translation=None)

    def _pair_translation(self, using: str, update_fields) -> None:
        """After it is stored: the translation names this article back."""
        if not self._translation_changed(update_fields):
            return
        if self.translation_id:
            Article.objects.using(using).filter(pk=self.translation_id).update(translation=self)
        self._stored_translation_id = self.translation_id

    def clean(self) -> None:
        """A translation is another article, in another language, not translated already."""
        errors = {}
        if self.translation_id:
            other = self.translation
            if other.pk == self.pk:
                errors["translation"] = _("An article cannot be its own translation.")
            elif other.language == self.language:
                errors["translation"] = _("The translation must be in another language.")
            elif other.translation_id not in (None, self.pk):
                errors["translation"] = _(
                    "“%(title)s” is already the translation of another article."
                ) % {"title": other.title}
        if errors:
            raise ValidationError(errors)

    def language_path(self) -> str:
        """The article's address in its own language's interface (/en/articles/… for an
        English one)."""
        with override(self.language):
            return self.get_absolute_url()

    def sends_by_mail(self) -> bool:
        """Whether it goes to the newsletter's subscribers when published: its own
        switch, else its category's (on without a category). Mirrored by
        ArticleQuerySet.sent_by_mail()."""
        if self.send_by_mail is not None:
            return self.send_by_mail
        return self.category.send_by_mail if self.category_id else True

    def published_translation(self) -> "Article | None":
        """The translation readers may follow: only once it is published."""
        other = self.translation
        return other if other is not None and other.is_published() else None

    def language_paths(self) -> dict[str, str]:
        """The page's address in each language: this article in its own, and its published
        translation in the other (for hreflang, the sitemap and the language switcher)."""
        other = self.published_translation()
        if other is None:
            return {}
        paths = {self.language: self.language_path(), other.language: other.language_path()}
        # In the site's order of languages, whichever of the two is asked.
        return {code: paths[code] for code in languages.BY_CODE if code in paths}

    def is_published(self) -> bool:
        """Mirrors ArticleQuerySet.published() for one article."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_live(self) -> bool:
        """Live coverage started and not ended: entries may be posted, readers see the
        "LIVE" badge and the page polls for new entries."""
        return self.live_since is not None and self.live_ended_at is None

    @property
    def has_live_coverage(self) -> bool:
        """Live now, or was: its entries are shown (frozen once it ended)."""
        return self.live_since is not None

    def start_live(self) -> None:
        """Start its live coverage now (or take it up again after it ended)."""
        self.live_since = self.live_since or timezone.now()
        self.live_ended_at = None
        self.save(update_fields=["live_since", "live_ended_at"])

    def end_live(self) -> None:
        """End its live coverage: no more entries, no badge, readers' pages stop polling."""
        self.live_ended_at = timezone.now()
        self.save(update_fields=["live_ended_at"])

    def is_editable_by(self, user) -> bool:
        """Editors change their own articles; others' need change_others_article."""
        if not (user.is_active and user.is_staff and user.has_perm("blog.change_article")):
            return False
        return self.author_id == user.pk or user.has_perm("blog.change_others_article")

    def accepts_comments(self, site: SiteSettings) -> bool:
        """Readers may comment: published, comments open, and not past the site's age limit."""
        if not (self.is_published() and self.comments_open):
            return False
        days = site.comments_close_after_days
        return not days or self.published_at > timezone.now() - datetime.timedelta(days=days)

    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def state(self) -> str:
        """Where the article stands, as the admin's list filters it: "draft", "review",
        "scheduled" or "published"."""
        return "scheduled" if self.is_scheduled() else self.status

    def state_label(self) -> str:
        """The status in words, as the admin shows it: "Scheduled for December 1, 2026,
        08:00" for a published article whose time has not come."""
        if self.is_scheduled():
            return _("Scheduled for %(when)s") % {"when": local_time_words(self.published_at)}
        return self.get_status_display()

    @property
    def description(self) -> str:
        """The meta description: the SEO text, else the standfirst, else the body's start."""
        # body_html is HTML: its text comes out with entities (&amp;), which templates
        # and JSON would escape a second time.
        body_text = html.unescape(strip_tags(self.body_html))
        text = self.seo_description or self.standfirst or body_text
        return Truncator(" ".join(text.split())).chars(300)

    def metadata(
        self,
        request: HttpRequest,
        site: SiteSettings,
        tags: list,
        live_entries: list["LiveEntry"] | None = None,
        corrections: list["Correction"] | None = None,
    ) -> PageMetadata:
        """The OpenGraph, Twitter and schema.org descriptions of the article's page.

        Built from one set of values, so that a link preview and a search engine are told
        the same thing; ``tags`` are the article's, already fetched for the page,
        ``live_entries`` its live coverage's (a LiveBlogPosting then, for Google's LIVE
        badge), and ``corrections`` its correction notices.
        """
        # In its own edition, also when another edition's interface shows it.
        url = absolute_url(request, self.language_path())
        description = self.description
        # A draft's preview has no publication time yet: it would be published now.
        published_at = self.published_at or timezone.now()
        published = timezone.localtime(published_at).isoformat()
        # Changed in substance only when an editor said so: a typo fixed is not news.
        modified = timezone.localtime(self.significant_update_at or published_at).isoformat()
        image = self.cover.file if self.cover else site.default_meta_image
        image_url = absolute_url(request, image.url) if image else ""
        section = self.category.local_name if self.category else ""

        meta = [
            ("property", "og:type", "article"),
            ("property", "og:site_name", site.site_name),
            ("property", "og:title", self.title),
            ("property", "og:description", description),
            ("property", "og:url", url),
            ("property", "og:locale", languages.get(self.language).opengraph_locale),
            ("property", "article:published_time", published),
            ("property", "article:modified_time", modified),
        ]
        if section:
            meta.append(("property", "article:section", section))
        meta += [("property", "article:tag", tag.name) for tag in tags]
        if image_url:
            meta.append(("property", "og:image", image_url))
        if self.cover:
            meta.append(("property", "og:image:alt", self.cover.alt))
        meta += [
            ("name", "twitter:card", "summary_large_image" if image_url else "summary"),
            ("name", "twitter:title", self.title),
            ("name", "twitter:description", description),
        ]

        json_ld = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "description": description,
            "datePublished": published,
            "dateModified": modified,
            "inLanguage": self.language,
            "mainEntityOfPage": url,
            "author": {
                "@type": "Person",
                "name": self.author.public_name,
                "url": absolute_url(request, self.author.get_absolute_url()),
            },
        }
        # The site's default image stands for the article in link previews only: it
        # does not show the article, which schema.org's image is about.
        if self.cover:
            json_ld["image"] = image_url
        if section:
            json_ld["articleSection"] = section
        if self.has_live_coverage:
            json_ld.update(self._live_blog_posting(url, live_entries or []))
        if corrections:
            json_ld["correction"] = [correction.json_ld() for correction in corrections]
        return PageMetadata(url=url, meta=meta, json_ld=json_ld)

    def _live_blog_posting(self, url: str, entries: list["LiveEntry"]) -> dict:
        """What makes the article a schema.org LiveBlogPosting: its coverage's times and
        each entry as a BlogPosting."""
        live = {
            "@type": "LiveBlogPosting",
            "coverageStartTime": timezone.localtime(self.live_since).isoformat(),
            "liveBlogUpdate": [
                {
                    "@type": "BlogPosting",
                    "headline": entry.headline,
                    "articleBody": entry.text,
                    "datePublished": timezone.localtime(entry.published_at).isoformat(),
                    "dateModified": timezone.localtime(
                        entry.edited_at or entry.published_at
                    ).isoformat(),
                    "url": f"{url}#{entry.anchor}",
                }
                for entry in entries
            ],
        }
        if self.live_ended_at:
            live["coverageEndTime"] = timezone.localtime(self.live_ended_at).isoformat()
        return live

    @property
    def reading_minutes(self) -> int:
        """Minutes a reader takes over the text, at 230 words a minute; one at least."""
        words = len(strip_tags(self.body_html).split())
        return max(1, round(words / WORDS_PER_MINUTE))

    def share_links(self, url: str) -> list[tuple[str, str]]:
        """(network, address) pairs: plain links to each network's own share page, so that
        nothing of theirs is loaded until the reader follows one."""
        title = self.title
        return [
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
            ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
            ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
            (_("Email"), "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)),
        ]

    def mark_significant_update(self) -> None:
        """An editor says the story changed in substance: it is dated now, to the second
        the form shows (the caller saves it). Not before it is public: a story that
        readers have not seen has nothing to update."""
        if self.is_published():
            self.significant_update_at = timezone.now().replace(microsecond=0)

    @classmethod
    def story(cls, slug: str) -> tuple["Article", list[Tag], list["Correction"]]:
        """The rows of an article's page: the article with its author, category, cover and
        translation (not the author's password hash, nor the article's source text and
        search columns, which no page reads), its tags and its correction notices. Three
        queries, their SQL worked out once per process (sitewide/prepared.py); raises
        Article.DoesNotExist if no article has this slug."""
        found = _STORY.instances(slug=slug)
        if not found:
            raise cls.DoesNotExist(f"No article with the slug {slug!r}.")
        article = found[0]
        return article, _TAGS.instances(pk=article.pk), _CORRECTIONS.instances(pk=article.pk)

    @classmethod
    def comment_counts(cls, pks: list[int]) -> dict[int, int]:
        """The approved-comment count of each of these articles (those that still exist),
        in one query whose SQL is worked out once per process and number of articles."""
        return dict(_COMMENT_COUNTS.rows(pks=sorted(pks)))

    def related(self, language: str, tag_ids: list[int], count: int = 3) -> list["Article"]:
        """Articles like this one in an edition: most shared tags first, then the same
        category, then the newest (each with `shared_tags`). Small queries whatever the
        size of the site, their SQL worked out once per process (sitewide/prepared.py):
        the candidates, the newest few sharing a tag and the newest of the category, each
        read off an index; ranked here; then the cards of the chosen few (read with the
        candidates, SQLite sorted every article of the category). Ranked by the
        database instead, the candidates' query cost PostgreSQL more to plan (six tables
        and a GROUP BY) than to run; in one query with both lists as subqueries it filtered
        every article and sorted every tagged item (12 ms at 10,000 articles).
        """
        if not (tag_ids or self.category_id):
            return []
        values = {"language": language, "now": timezone.now(), "pk": self.pk}
        # (shared tags, same category, published, pk) of each candidate.
        ranks: dict[int, list] = {}
        # A row for each tag an article shares with this one, an article's rows together.
        sharing = _SHARING_A_TAG.rows(**values, tags=tag_ids) if tag_ids else []
        if len(sharing) == SHARING_A_TAG_ROWS:
            # The last one's rows may go on past the limit: its count would be short.
            last = sharing[-1][0]
            sharing = [row for row in sharing if row[0] != last]
        for pk, category_id, published_at in sharing:
            rank = ranks.setdefault(pk, [0, category_id == self.category_id, published_at, pk])
            rank[0] += 1
        if self.category_id:
            for pk, published_at in _OF_THE_CATEGORY.rows(**values, category=self.category_id):
                ranks.setdefault(pk, [0, True, published_at, pk])
        chosen = sorted(ranks.values(), reverse=True)[:count]
        if not chosen:
            return []
        cards = {card.pk: card for card in _CARDS.instances(pks=[rank[3] for rank in chosen])}
        found = []
        for shared_tags, _same_category, _published_at, pk in chosen:
            if card := cards.get(pk):  # unless deleted in between
                card.shared_tags = shared_tags
                found.append(card)
        return found

    def get_previous_published(self, edition: str | None = None) -> "Article | None":
        """The article before this one in an edition (by default its language's)."""
        return self._neighbour(_PREVIOUS, edition)

    def get_next_published(self, edition: str | None = None) -> "Article | None":
        """The article after this one in an edition (by default its language's)."""
        return self._neighbour(_NEXT, edition)

    def _neighbour(self, query: Prepared, edition: str | None) -> "Article | None":
        if self.published_at is None:
            return None
        found = query.instances(
            language=edition or self.language,
            now=timezone.now(),
            published_at=self.published_at,
            pk=self.pk,
        )
        return found[0] if found else None


def _others_in_edition(language: str, now: datetime.datetime, pk: int) -> ArticleQuerySet:
    return Article.objects.published(now).for_edition(language, now).exclude(pk=pk)


_IN_USE = Prepared(lambda now: Category.objects.in_use(now))


# An article page's own rows (Article.story).
_STORY = Prepared(
    lambda slug: (
        Article.objects.select_related("author", "category", "cover", "translation")
        .defer("author__password", "body", "search_vector", "search_text")
        .filter(slug=slug)
    )
)
# As article.tags.all() and article.corrections.all() read them.
_TAGS = Prepared(lambda pk: Article(pk=pk).tags.all())
# The counts a page made of kept fragments fills in (comments/counts.py): each such
# page reads them, so their SQL is not compiled each time.
_COMMENT_COUNTS = Prepared(
    lambda pks: Article.objects.filter(pk__in=pks).order_by().values_list("pk", "comment_count")
)
_CORRECTIONS = Prepared(lambda pk: Article(pk=pk).corrections.all())


# An article's related articles (Article.related), each query built once per process and
# edition (the edition's language is written into its SQL: EditionKey).
SHARING_A_TAG_ROWS = 200
_SHARING_A_TAG = Prepared(
    lambda language, now, pk, tags: (
        _others_in_edition(language, now, pk)
        .filter(tags__in=tags)
        .values_list("pk", "category_id", "published_at")[:SHARING_A_TAG_ROWS]
    ),
    shape=("language",),
)
_OF_THE_CATEGORY = Prepared(
    lambda language, now, pk, category: (
        _others_in_edition(language, now, pk)
        .filter(category=category)
        .values_list("pk", "published_at")[:20]
    ),
    shape=("language",),
)
_CARDS = Prepared(lambda pks: Article.objects.filter(pk__in=pks).for_listing())


# Built once per process (sitewide/prepared.py): each page asks both with other values.
# The bound on the date alone is implied by the condition after it, but only it can start
# an index scan: PostgreSQL plans a prepared query once for every value, and without it
# that plan walked the whole index from the far end (8 ms for the newest article).
_PREVIOUS = Prepared(
    lambda language, now, published_at, pk: (
        Article.objects.published(now)
        .for_edition(language, now)
        .filter(published_at__lte=published_at)
        .filter(Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk))
        .only("title", "slug")
        .order_by("-published_at", "-pk")[:1]
    ),
    shape=("language",),
)
_NEXT = Prepared(
    lambda language, now, published_at, pk: (
        Article.objects.published(now)
        .for_edition(language, now)
        .filter(published_at__gte=published_at)
        .filter(Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk))
        .only("title", "slug")
        .order_by("published_at", "pk")[:1]
    ),
    shape=("language",),
)


class CorrectionQuerySet(models.QuerySet):
    def public(self) -> "CorrectionQuerySet":
        """The notices readers may see: those of published articles."""
        return self.filter(
            article__status=Article.Status.PUBLISHED, article__published_at__lte=timezone.now()
        )

    def for_edition(self, language: str) -> "CorrectionQuerySet":
        """The notices an edition's corrections page lists, newest first: those of the
        articles the edition lists (ArticleQuerySet.for_edition: a translated story's
        notices are in the edition of its language only)."""
        articles = Article.objects.for_edition(language).order_by().values("pk")
        return self.filter(article__in=articles).order_by("-created_at", "-pk")


class Correction(models.Model):
    """A notice an editor puts at the top of a story when it was wrong, unclear or has
    moved on (the Trust Project's corrections policy; schema.org's CorrectionComment)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", pgettext_lazy("a kind of notice", "Correction")
        CLARIFICATION = "clarification", pgettext_lazy("a kind of notice", "Clarification")
        UPDATE = "update", pgettext_lazy("a kind of notice", "Update")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind,
        default=Kind.CORRECTION,
        help_text=_(
            "Correction: a fact was wrong. Clarification: it was right but could mislead. "
            "Update: the story has moved on since."
        ),
    )
    # Plain text, shown escaped: a notice says what changed in a sentence or two.
    text = models.TextField(
        _("text"),
        help_text=_(
            "What was wrong and what is right, in a sentence or two: “An earlier version "
            "of this article gave the wrong date for the vote.” Plain text."
        ),
    )
    created_at = models.DateTimeField(
        _("time of the notice"),
        default=timezone.now,
        help_text=_("Shown with the notice; now, unless you date it otherwise."),
    )
    # Who wrote it, for the newsroom (the admin sets it); never shown to readers.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")
        indexes = [models.Index(fields=["-created_at", "-id"], name="correction_newest_idx")]

    def __str__(self) -> str:
        # "Rectificatif : titre" in French, as the feed's titles say it.
        return _("%(kind)s: %(title)s") % {"kind": self.get_kind_display(), "title": self.article}

    def save(self, *args, **kwargs) -> None:
        if self.article.language == "fr":
            self.text = typography.french_text(self.text)
        super().save(*args, **kwargs)
        self._changed()

    def get_absolute_url(self) -> str:
        """The notice on its story, in the story's own edition."""
        return f"{self.article.language_path()}#correction-{self.pk}"

    def clean(self) -> None:
        # Shown at once, with its date: a notice dated ahead would tell readers of a
        # correction that has not happened yet. A little ahead is a clock, not a plan.
        if self.created_at and self.created_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(
                {"created_at": _("A notice cannot be dated in the future.")}, code="future"
            )

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        self._changed()
        return super().delete(*args, **kwargs)

    def _changed(self) -> None:
        # Its story (the notice and its JSON-LD), and the corrections pages and feeds.
        pagecache.changed(tag_of(Article, self.article_id), list_of(Correction))

    def json_ld(self) -> dict:
        """The notice as schema.org's CorrectionComment, for its story's JSON-LD."""
        return {
            "@type": "CorrectionComment",
            "text": f"{self.get_kind_display()}: {self.text}",
            "datePublished": timezone.localtime(self.created_at).isoformat(),
        }


# What a revision keeps: what the editor wrote and the workflow's state, not what is
# derived from it (body_html, the search vector) nor what others keep (comment_count,
# the lead story, which pinning another article changes). Each revision of an article
# records its correction notices as they stood.
reversion.register(Correction, fields=["article", "kind", "text", "created_at", "author"])
reversion.register(
    Article,
    follow=["corrections"],
    fields=[
        "title",
        "slug",
        "standfirst",
        "body",
        "cover",
        "author",
        "category",
        "language",
        "status",
        "published_at",
        "comments_open",
        "seo_description",
        "significant_update_at",
        "live_since",
        "live_ended_at",
    ],
)


def local_time_words(when: datetime.datetime) -> str:
    """ "1 décembre 2026 à 8 h 00", "December 1, 2026, 08:00": in the active language and
    the site's time zone, worded as the public pages word it (sitewide.languages)."""
    return languages.full_time(when)


def tag_slug(name: str) -> str:
    """A tag's address, /tag/<slug>/, made as every other slug is."""
    return slugify(name, max_length=100)


def create_tags(names: list[str]) -> None:
    """Create the tags no tag names yet, each with its slug from tag_slug().

    taggit then finds them by name (whatever the case: TAGGIT_CASE_INSENSITIVE) instead
    of creating them with its own slug, which would drop œ and the like.
    """
    for name in names:
        if Tag.objects.filter(name__iexact=name).exists():
            continue
        slug = base = tag_slug(name)
        number = 1
        while Tag.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        Tag.objects.create(name=name, slug=slug)


class LiveEntryQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        # A bulk delete (the admin's action) forgets what each entry's delete() would.
        rows = self.select_related(None).values_list("article_id", "published_at")
        entries = [LiveEntry(article_id=pk, published_at=at) for pk, at in rows]
        pagecache.changed(*{tag for entry in entries for tag in entry.shown_by()})
        return super().delete()

    def for_page(self) -> "LiveEntryQuerySet":
        """As the article page lists them: pinned first, then the newest first."""
        return self.select_related("image", "author").order_by("-pinned", "-published_at", "-pk")

    def in_range(self, start: datetime.datetime, end: datetime.datetime) -> "LiveEntryQuerySet":
        """The entries posted, or changed, from start to just before end: what a polling
        reader who has seen everything before start is missing (blog/live.py)."""
        posted = Q(published_at__gte=start, published_at__lt=end)
        changed = Q(updated_at__gte=start, updated_at__lt=end)
        return self.filter(posted | changed).select_related("image", "author")

    def changeable_by(self, user) -> "LiveEntryQuerySet":
        """Who may change the article may post, edit and pin its entries."""
        from blog import workflow  # it imports this module

        return self.filter(article__in=workflow.changeable(user, Article.objects.all()))


class LiveEntry(models.Model):
    """One short, timed entry of an article's live coverage, apart from its body: posting
    one changes the article page and its polling range, not the article."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="live_entries",
    )
    body = models.TextField(
        _("text"), blank=True, help_text=_("HTML; it is sanitised when saved.")
    )
    body_html = models.TextField(editable=False, blank=True)
    image = models.ForeignKey(
        Image,
        verbose_name=_("image"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("An image of the library, shown under the text."),
    )
    embed_url = models.URLField(
        _("embed"),
        max_length=2000,
        blank=True,
        help_text=_("The address of a video or a post (YouTube, Vimeo, Mastodon, X…)."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    # When its text, image or embed last changed after it was posted; shown to readers.
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True, editable=False)
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Shown above the others while pinned.")
    )
    # Any change (an edit, a pin): polling readers are sent it again (blog/live.py).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        indexes = [models.Index(fields=["article", "-published_at"], name="liveentry_article_idx")]

    def __str__(self) -> str:
        return self.headline or _("Entry of %(when)s") % {
            "when": local_time_words(self.published_at)
        }

    def save(self, *args, **kwargs) -> None:
        language = self.article.language
        self.body = clean_article_html(self.body, language=language)
        embed = embeds.recognise(self.embed_url)
        figure = format_html('<figure data-embed-url="{}"></figure>', embed.url) if embed else ""
        self.body_html = self.body + clean_article_html(figure, language=language)
        if language == "fr":
            self.body_html = typography.french_html(self.body_html)
        super().save(*args, **kwargs)
        self._changed()

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        self._changed()
        return super().delete(*args, **kwargs)

    def _changed(self) -> None:
        pagecache.changed(*self.shown_by())

    def shown_by(self) -> list[str]:
        """What the page cache is told when the entry changes: the article's page, the
        range the entry was posted in, and the open range, where pages already open are
        sent the change (blog/live.py); not the article itself, whose cards stay kept."""
        pk = self.article_id
        return [
            live.page_tag(pk),
            live.range_tag(pk, live.range_start(self.published_at)),
            live.range_tag(pk, live.range_start(timezone.now())),
        ]

    def clean(self) -> None:
        errors = {}
        if self.embed_url and embeds.recognise(self.embed_url) is None:
            errors["embed_url"] = _(
                "Carnet cannot embed this address: give a YouTube, Vimeo, Dailymotion or "
                "PeerTube video, or a Mastodon or X post."
            )
        if self._state.adding and self.article_id and not self.article.is_live:
            errors["article"] = _("The live coverage of this article is not running.")
        if not (strip_tags(self.body).strip() or self.image_id or self.embed_url):
            errors["body"] = _("Write the entry, or give it an image or an embed.")
        if errors:
            raise ValidationError(errors)

    @property
    def anchor(self) -> str:
        return f"live-entry-{self.pk}"

    @property
    def text(self) -> str:
        """Its words, as plain text (for the structured data and the admin)."""
        return " ".join(html.unescape(strip_tags(self.body_html)).split())

    @property
    def headline(self) -> str:
        return Truncator(self.text).chars(110)


# What an entry's revision keeps; the article's history lists them (blog/admin.py).
reversion.register(LiveEntry, fields=["body", "image", "embed_url", "pinned"])
