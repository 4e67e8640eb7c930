import json

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from taggit.models import Tag

from accounts.models import User
from blog.models import Article, Category, Correction
from sitewide import fragments, pagecache
from sitewide.http import absolute_url
from sitewide.markup import strip_control_characters
from sitewide.models import SiteSettings

FEED_SIZE = 20


def _xml_text(value):
    """Strings, and lists of them, without the control characters XML 1.0 cannot carry."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, list | tuple):
        return [_xml_text(item) for item in value]
    return value


class RssWithCommentCount(Rss201rev2Feed):
    """RSS 2.0 with each item's approved comment count, as <slash:comments>."""

    def rss_attributes(self) -> dict:
        return {
            **super().rss_attributes(),
            "xmlns:slash": "http://purl.org/rss/1.0/modules/slash/",
        }

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("comment_count") is not None:
            handler.addQuickElement("slash:comments", str(item["comment_count"]))


class LatestArticlesFeed(Feed):
    """Site-wide RSS; subclasses narrow it to a category or an author."""

    feed_type = RssWithCommentCount

    def title(self, obj=None) -> str:
        return SiteSettings.load().site_name

    def description(self, obj=None) -> str:
        return SiteSettings.load().tagline

    def link(self, obj=None) -> str:
        return reverse("blog:home")

    def articles(self, obj) -> QuerySet:
        """The edition's articles: those of the feed's language first."""
        return Article.objects.published().for_edition(get_language())

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The feed, kept as a fragment until what it shows changes (get_feed() says what):
        writing its twenty items with their text costs 15-40 ms of CPU, and its query
        under a millisecond, at 100,000 articles. An unknown subject raises its 404
        inside, and nothing is kept."""

        def read() -> str:
            response = super(LatestArticlesFeed, self).__call__(request, *args, **kwargs)
            headers = [response["Content-Type"], response.get("Last-Modified")]
            return json.dumps([response.content.decode(), *headers])

        kept = fragments.kept(request, "feed", [request.path], read)
        content, content_type, last_modified = json.loads(kept)
        response = HttpResponse(content, content_type=content_type)
        if last_modified is not None:
            response.headers["Last-Modified"] = last_modified
        return response

    def get_feed(self, obj, request: HttpRequest):
        feed = super().get_feed(obj, request)
        # Its items (their comment counts too), what it lists, the names of the categories.
        pagecache.shows(
            request,
            obj,
            pagecache.list_of(Article),
            pagecache.list_of(Category),
            *(tag for item in feed.items for tag in item["cache_tags"].split()),
        )
        # A title pasted from a word processor may hold a \x0b, which would fail the feed.
        feed.feed = {key: _xml_text(value) for key, value in feed.feed.items()}
        feed.items = [
            {key: _xml_text(value) for key, value in item.items()} for item in feed.items
        ]
        # Django makes item links absolute but not author links, which Atom needs absolute.
        for item in feed.items:
            if item["author_link"]:
                item["author_link"] = absolute_url(request, item["author_link"])
        return feed

    def items(self, obj=None) -> list[Article]:
        return list(self.articles(obj).for_feed()[:FEED_SIZE])

    def item_link(self, item: Article) -> str:
        return item.language_path()

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.body_html

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        # As the page and its JSON-LD say: changed when an editor marked an update.
        return item.significant_update_at or item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.author.public_name

    def item_author_link(self, item: Article) -> str:
        return item.author.get_absolute_url()

    def item_extra_kwargs(self, item: Article) -> dict:
        return {
            "comment_count": getattr(item, "comment_count", None),
            # The article, its comment count and its author's name (a string: the feed's
            # values are cleaned).
            "cache_tags": " ".join(
                [pagecache.tag_of(item), pagecache.count_of(item), pagecache.tag_of(item.author)]
            ),
        }

    def item_categories(self, item: Article) -> list[str]:
        names = [item.category.local_name] if item.category else []
        return names + [tag.name for tag in item.listed_tags]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj=None) -> str:
        return self.description(obj)


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return _("%(site)s: %(category)s") % {
            "site": SiteSettings.load().site_name,
            "category": obj.local_name,
        }

    def description(self, obj: Category) -> str:
        return obj.local_description

    def link(self, obj: Category) -> str:
        return obj.get_absolute_url()

    def articles(self, obj: Category) -> QuerySet:
        return super().articles(obj).filter(category=obj)


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> User:
        return get_object_or_404(Article.objects.published().authors(), slug=slug)

    def title(self, obj: User) -> str:
        return _("%(site)s: articles by %(author)s") % {
            "site": SiteSettings.load().site_name,
            "author": obj.public_name,
        }

    def description(self, obj: User) -> str:
        return obj.role

    def link(self, obj: User) -> str:
        return obj.get_absolute_url()

    def articles(self, obj: User) -> QuerySet:
        return super().articles(obj).filter(author=obj)


class TagFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        tag = Article.objects.published().tag(slug)
        if tag is None:
            raise Http404("No such tag.")
        return tag

    def title(self, obj: Tag) -> str:
        return _("%(site)s: %(tag)s") % {"site": SiteSettings.load().site_name, "tag": obj.name}

    def description(self, obj: Tag) -> str:
        return _("The latest articles tagged %(tag)s.") % {"tag": obj.name}

    def link(self, obj: Tag) -> str:
        return reverse("blog:tag", kwargs={"slug": obj.slug})

    def articles(self, obj: Tag) -> QuerySet:
        return super().articles(obj).filter(tags=obj)


class CorrectionsFeed(Feed):
    """The edition's correction notices, newest first (its /corrections/ page as RSS)."""

    def title(self) -> str:
        return _("%(site)s: corrections and clarifications") % {
            "site": SiteSettings.load().site_name
        }

    def description(self) -> str:
        return _("The notices added to our articles when they were corrected or updated.")

    def link(self) -> str:
        return reverse("blog:corrections")

    def get_feed(self, obj, request: HttpRequest):
        feed = super().get_feed(obj, request)
        pagecache.shows(
            request,
            pagecache.list_of(Correction),
            pagecache.list_of(Article),
            *(pagecache.tag_of(Article, item["article_id"]) for item in feed.items),
        )
        feed.feed = {key: _xml_text(value) for key, value in feed.feed.items()}
        feed.items = [
            {key: _xml_text(value) for key, value in item.items()} for item in feed.items
        ]
        return feed

    def items(self) -> list[Correction]:
        notices = Correction.objects.public().for_edition(get_language())
        return list(notices.select_related("article")[:FEED_SIZE])

    def item_title(self, item: Correction) -> str:
        return str(item)

    def item_description(self, item: Correction) -> str:
        # Plain text, where feed readers expect HTML: "<" is shown, not read as a tag.
        return escape(item.text)

    def item_link(self, item: Correction) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Correction):
        return item.created_at

    def item_extra_kwargs(self, item: Correction) -> dict:
        return {"article_id": item.article_id}


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
