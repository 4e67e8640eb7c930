"""The newsroom's review workflow: who may do what to an article, what a save did, and
who hears of a submission.

Contributors write drafts and submit them for review; once submitted, an article is
theirs again only when a reviewer sends it back. Editors publish (and schedule) their
own articles; the editor-in-chief, holding change_others_article, reviews, edits and
publishes everyone's. The groups are made by accounts/roles.py.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.http import HttpRequest
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from blog.models import Article, ArticleQuerySet, local_time_words
from sitewide import languages, mail
from sitewide.http import absolute_url

logger = logging.getLogger(__name__)

Status = Article.Status

# Words for each event, shown in a save's message and in the revisions' history;
# "%(when)s" is the publication time.
EVENTS = {
    "submitted": _("Submitted for review."),
    "sent_back": _("Sent back to the author as a draft."),
    "published": _("Published."),
    "scheduled": _("Scheduled for %(when)s."),
    "unpublished": _("Unpublished: back to draft."),
    "withdrawn": _("Withdrawn from review by its author: back to draft."),
    "live_started": _("Live coverage started."),
    "live_ended": _("Live coverage ended."),
}


def can_publish(user) -> bool:
    return user.has_perm("blog.publish_article")


def can_review(user) -> bool:
    return user.has_perm("blog.change_others_article")


def may_withdraw(user, article: Article) -> bool:
    """The author takes back a submission nobody has acted on yet: a draft again."""
    return article.status == Status.IN_REVIEW and article.author_id == user.pk


def may_change(user, article: Article) -> bool:
    """Editors change what they may edit; a contributor only their drafts, so that an
    article in review is not changed under its reviewer's eyes."""
    if not article.is_editable_by(user):
        return False
    return can_publish(user) or article.status == Status.DRAFT


def visible(user, articles: ArticleQuerySet) -> ArticleQuerySet:
    """What user may see of articles: what the public sees, their own, and everyone's
    for a reviewer. Another author's draft or scheduled article (its title, slug and
    tags) is an embargoed story."""
    if can_review(user):
        return articles
    return articles.published() | articles.filter(author=user.pk)


def changeable(user, articles: ArticleQuerySet) -> ArticleQuerySet:
    """may_change() as a queryset rule, for what reads many articles at once: the bulk
    delete, the translation field."""
    articles = articles.editable_by(user)
    return articles if can_publish(user) else articles.filter(status=Status.DRAFT)


@dataclass(frozen=True)
class Event:
    key: str
    when: datetime.datetime | None  # None for a draft not dated yet
    reason: str = ""  # why a reviewer sent the article back

    def words(self) -> str:
        return str(EVENTS[self.key]) % {"when": local_time_words(self.when) if self.when else ""}

    def as_revision_note(self) -> dict:
        note = {"event": self.key, "when": self.when.isoformat() if self.when else ""}
        return {**note, "reason": self.reason} if self.reason else note


def event_of(
    before: tuple[str, datetime.datetime | None] | None, article: Article, reason: str = ""
) -> Event | None:
    """What a save did to the article's place in the workflow, if anything.

    ``before`` is its stored (status, publication time), None for a new article;
    ``reason`` the reviewer's, when the save sends the article back.
    """
    status, when = before or (None, None)
    if article.status == Status.IN_REVIEW and status != Status.IN_REVIEW:
        return Event("submitted", article.published_at)
    if article.status == Status.PUBLISHED and (
        status != Status.PUBLISHED or when != article.published_at
    ):
        key = "scheduled" if article.is_scheduled() else "published"
        if key == "published" and status == Status.PUBLISHED:
            return None  # moved within the past: nothing readers notice
        return Event(key, article.published_at)
    if article.status == Status.DRAFT and status == Status.IN_REVIEW:
        return Event("sent_back", article.published_at, reason)
    if article.status == Status.DRAFT and status == Status.PUBLISHED:
        return Event("unpublished", article.published_at)
    return None


def reviewer_addresses(exclude: User | None = None) -> list[str]:
    """Who reviews submissions: active holders of change_others_article (through a group
    or their own), and superusers."""
    reviewers = (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(
                groups__permissions__codename="change_others_article",
                groups__permissions__content_type__app_label="blog",
            )
            | Q(
                user_permissions__codename="change_others_article",
                user_permissions__content_type__app_label="blog",
            )
        )
        .exclude(email="")
    )
    if exclude is not None:
        reviewers = reviewers.exclude(pk=exclude.pk)
    return sorted(set(reviewers.values_list("email", flat=True)))


def notify_reviewers(request: HttpRequest, article: Article) -> None:
    """Email the reviewers a link to an article just submitted for review."""
    mail.send(
        "article-submitted",
        reviewer_addresses(exclude=request.user),
        {
            "title": article.title,
            "author": article.author.public_name,
            "by": request.user.public_name,
            "url": absolute_url(request, reverse("admin:blog_article_change", args=[article.pk])),
        },
    )


# The events an author hears of when someone else causes them.
TOLD_TO_THE_AUTHOR = {"sent_back", "published", "scheduled"}


def notify_author(article: Article, event: Event, by: User | None, origin: str) -> None:
    """Email the author what happened to their article: sent back (with the reason),
    published or scheduled. Nobody hears of what they did themselves.

    ``by`` is who did it (None: the schedule's time came); ``origin`` the site's scheme
    and host for the link ("https://example.com"), empty when unknown.
    """
    author = article.author
    if event.key not in TOLD_TO_THE_AUTHOR or not (author.is_active and author.email):
        return
    if by is not None and by.pk == author.pk:
        return
    if event.key == "published":
        path = article.language_path()
    else:
        path = reverse("admin:blog_article_change", args=[article.pk])
    with languages.in_site_language():
        when = local_time_words(event.when) if event.when else ""
    mail.send(
        "article-" + event.key.replace("_", "-"),
        [author.email],
        {
            "title": article.title,
            "by": by.public_name if by else "",
            "reason": event.reason,
            "when": when,
            "url": origin + path if origin else "",
        },
    )


# Sent once an article has become public, in the transaction that made it so: a publish
# click (the admin's save) or its scheduled time coming (go_live). The newsletter app
# queues its mail from here: it sits above blog, which may not call it by name. A
# republished article is announced again; the newsletter sends an article once.
went_public = Signal()


def announce(article: Article) -> None:
    """Tell whoever listens (the newsletter) that the article just became public."""
    went_public.send(sender=Article, article=article)


# Scheduled articles go live by the same path as a publish click: the kept pages (front
# page, lists, feeds, sitemap) are dropped and the author is told. A task waits in the
# queue for the scheduled time; the sweep (manage.py publish_due, every minute) takes
# live whatever is overdue: a task lost, a queue that cannot wait, an import.


def schedule(article: Article, origin: str) -> None:
    """Queue the article's going live for its time, where the queue can wait."""
    if go_live_when_due.get_backend().supports_defer:
        go_live_when_due.using(run_after=article.published_at).enqueue(article.pk, origin)


@task
def go_live_when_due(article_pk: int, origin: str = "") -> bool:
    """Take the article live if its time has come; return whether this call did."""
    article = Article.objects.filter(pk=article_pk).select_related("author").first()
    return article is not None and go_live(article, origin)


def go_live(article: Article, origin: str = "") -> bool:
    """Take one due article live, once: whoever claims it first (a task, the sweep)
    drops the kept pages, tells the author and announces it; others find it done.

    In one transaction: the claim is kept only with what follows it queued.
    """
    with transaction.atomic():
        if not Article.objects.due().filter(pk=article.pk).update(going_live=False):
            return False
        article.went_live()
        notify_author(article, Event("published", article.published_at), by=None, origin=origin)
        announce(article)
    logger.info("Article %s went live at its scheduled time", article.pk)
    return True


def sweep() -> int:
    """Take live every article whose scheduled time has passed; return how many."""
    return sum(go_live(article) for article in Article.objects.due().select_related("author"))
