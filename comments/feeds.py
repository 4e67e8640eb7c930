from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext as _

from blog.models import Article
from comments.models import Comment
from sitewide import pagecache
from sitewide.models import SiteSettings

FEED_SIZE = 30


class LatestCommentsFeed(Feed):
    """The latest public comments: names and text, never an email."""

    def title(self) -> str:
        return _("%(site)s: comments") % {"site": SiteSettings.load().site_name}

    def description(self) -> str:
        return _("The latest comments from readers.")

    def link(self) -> str:
        return reverse("blog:home")

    def items(self) -> list[Comment]:
        return list(
            Comment.objects.approved()
            .not_removed()
            .filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-submitted_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Comment) -> str:
        return _("%(name)s on “%(article)s”") % {"name": item.name, "article": item.article}

    def item_description(self, item: Comment) -> str:
        return item.body_html

    def item_link(self, item: Comment) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Comment):
        return item.submitted_at

    def item_author_name(self, item: Comment) -> str:
        return item.name

    def item_extra_kwargs(self, item: Comment) -> dict:
        return {"cache_tag": pagecache.tag_of(item.article)}

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Every comment approved, each article's title, and which articles are public.
        pagecache.shows(
            request,
            pagecache.list_of(Comment),
            pagecache.list_of(Article),
            *(item["cache_tag"] for item in feed.items),
        )
        return feed
