import datetime
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.models import colour_index_for, initials_for
from blog.models import Article
from newsletter.models import Subscriber
from sitewide import languages, pagecache
from sitewide.markup import render_comment_text
from sitewide.models import SiteSettings
from sitewide.prepared import Prepared

# How long after its approval a commenter may still correct a comment.
EDIT_WINDOW = datetime.timedelta(minutes=15)

# What a commenter's data export holds of each comment (manage.py commenter export and
# the "Download my data" button of the manage page).
EXPORTED_FIELDS = [
    "id",
    "article_id",
    "parent_id",
    "name",
    "email",
    "website",
    "body",
    "status",
    "reason",
    "submitted_at",
    "edited_at",
    "moderated_at",
    "ip_address",
    "user_agent",
]


# What a page of comments shows of each (Comment.answered, comments/threads.html).
PAGE_FIELDS = [
    "article",
    "parent",
    "answers",
    "name",
    "website",
    "body_html",
    "status",
    "submitted_at",
    "edited_at",
    "from_site",
    "removed",
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def commenter_key_for(email: str) -> str:
    """A keyed hash of the normalised email: the moderation screens group a commenter's
    comments by it without putting the address in a URL. Blank for a blank email."""
    email = email.strip().lower()
    if not email:
        return ""
    return salted_hmac("carnet.comments.commenter", email, algorithm="sha256").hexdigest()[:32]


@dataclass(frozen=True)
class Decision:
    """What one moderation decision changed, enough to take it back: the status it gave,
    by whom and when, and each changed comment's state before it, as
    (pk, status, moderated_by_id, moderated_at, moderator_note)."""

    status: str
    by_id: int | None
    at: datetime.datetime
    before: tuple[tuple[int, str, int | None, datetime.datetime | None, str], ...]

    @property
    def ids(self) -> list[int]:
        return [state[0] for state in self.before]

    def as_json(self) -> dict:
        """The decision as a session keeps it (JSON: times as ISO strings)."""
        return {
            "status": self.status,
            "by": self.by_id,
            "at": self.at.isoformat(),
            "before": [[pk, s, by, at and at.isoformat(), n] for pk, s, by, at, n in self.before],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Decision":
        def when(value: str | None) -> datetime.datetime | None:
            return datetime.datetime.fromisoformat(value) if value else None

        return cls(
            status=data["status"],
            by_id=data["by"],
            at=when(data["at"]),
            before=tuple((pk, s, by, when(at), n) for pk, s, by, at, n in data["before"]),
        )


def site_reply_token(key: str) -> str:
    """The replay key of a reply in the site's name, from its form's key."""
    return salted_hmac("carnet.comments.site-reply", key, algorithm="sha256").hexdigest()


class CommentQuerySet(models.QuerySet):
    def approved(self) -> "CommentQuerySet":
        """The one rule for what the public sees: approved, and so is the thread it answers."""
        return self.filter(status=Comment.Status.APPROVED).filter(
            Q(parent__isnull=True) | Q(parent__status=Comment.Status.APPROVED)
        )

    def shown_on_page(self) -> "CommentQuerySet":
        """What the article page shows of each comment, with the comment it answers
        joined: never the commenter's email or address. Fewer columns are also fewer
        fields to fill in per comment, and an SQL text short enough for psycopg to keep
        its parsed form."""
        answered = ["answers__name", "answers__status", "answers__removed"]
        return self.select_related("answers").only(*PAGE_FIELDS, *answered)

    def in_moderation(self) -> "CommentQuerySet":
        """Comments waiting for a moderator's decision."""
        return self.filter(status=Comment.Status.PENDING)

    def approve(self, by, note: str | None = None) -> list[int]:
        """Approve these comments; return the ids that were not approved before.

        A note, when given, is the moderator's own reason, stored on each changed comment.
        """
        return self.decide(Comment.Status.APPROVED, by, note).ids

    def reject(self, by, note: str | None = None) -> list[int]:
        return self.decide(Comment.Status.REJECTED, by, note).ids

    def mark_spam(self, by, note: str | None = None) -> list[int]:
        return self.decide(Comment.Status.SPAM, by, note).ids

    def decide(self, status: str, by, note: str | None = None) -> Decision:
        """Give these comments a status; the Decision says which changed, and from what."""
        # Locked, so that two moderators acting at once cannot both count (and notify) a change.
        with transaction.atomic():
            # The admin's queryset may carry joins and annotations FOR UPDATE refuses.
            chosen = list(self.values_list("pk", flat=True))
            changed = list(
                Comment.objects.select_for_update()
                .filter(pk__in=chosen)
                .exclude(status=status)
                .order_by("pk")
                .values_list(
                    "pk", "article_id", "status", "moderated_by", "moderated_at", "moderator_note"
                )
            )
            now = timezone.now()
            noted = {} if note is None else {"moderator_note": note}
            Comment.objects.filter(pk__in=[row[0] for row in changed]).update(
                status=status, moderated_by=by, moderated_at=now, **noted
            )
            recount_articles({row[1] for row in changed})
        return Decision(
            status=status,
            by_id=getattr(by, "pk", None),
            at=now,
            before=tuple((pk, *state) for pk, _article, *state in changed),
        )

    def undo(self, decision: Decision) -> tuple[list[int], list[int]]:
        """Put the comments a decision changed back as they were, counts included; return
        the ids put back, and those left because someone changed them since (or deleted
        them): only a comment still as the decision left it is touched."""
        before = {pk: state for pk, *state in decision.before}
        left_by_decision = (decision.status, decision.by_id, decision.at)
        with transaction.atomic():
            current = (
                Comment.objects.select_for_update()
                .filter(pk__in=before)
                .order_by("pk")
                .only("pk", "article_id", "status", "moderated_by", "moderated_at")
            )
            restored = []
            for comment in current:
                if (comment.status, comment.moderated_by_id, comment.moderated_at) != (
                    left_by_decision
                ):
                    continue
                status, by, at, note = before[comment.pk]
                comment.status, comment.moderated_by_id = status, by
                comment.moderated_at, comment.moderator_note = at, note
                restored.append(comment)
            fields = ["status", "moderated_by", "moderated_at", "moderator_note"]
            Comment.objects.bulk_update(restored, fields)
            recount_articles({comment.article_id for comment in restored})
        ids = [comment.pk for comment in restored]
        return ids, sorted(set(before) - set(ids))

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            articles = set(self.values_list("article_id", flat=True))
            deleted = super().delete()
            recount_articles(articles)
        return deleted

    def with_commenter_history(self) -> "CommentQuerySet":
        """Annotate how many earlier comments from the same commenter each status holds."""

        def count(status: str) -> Coalesce:
            earlier = (
                Comment.objects.filter(commenter_key=OuterRef("commenter_key"), status=status)
                .exclude(commenter_key="")
                .filter(
                    Q(submitted_at__lt=OuterRef("submitted_at"))
                    | Q(submitted_at=OuterRef("submitted_at"), pk__lt=OuterRef("pk"))
                )
                .order_by()
                .values("commenter_key")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(earlier), 0, output_field=models.IntegerField())

        return self.annotate(
            history_approved=count(Comment.Status.APPROVED),
            history_rejected=count(Comment.Status.REJECTED),
            history_spam=count(Comment.Status.SPAM),
        )

    def earlier_than(self, comment: "Comment") -> "CommentQuerySet":
        """The comments submitted before this one, in the order the history counts them."""
        return self.filter(
            Q(submitted_at__lt=comment.submitted_at)
            | Q(submitted_at=comment.submitted_at, pk__lt=comment.pk)
        )

    def from_email(self, email: str) -> "CommentQuerySet":
        return self.filter(email__iexact=email.strip())

    def answered(self) -> "CommentQuerySet":
        """Those another comment replies to (in their thread, or by answering them)."""
        replies = Comment.objects.filter(Q(parent=OuterRef("pk")) | Q(answers=OuterRef("pk")))
        return self.filter(Exists(replies))

    def not_removed(self) -> "CommentQuerySet":
        """Without the traces of removed comments: what is counted, listed in feeds, answered."""
        return self.filter(removed="")

    def drop_lone_traces(self) -> None:
        """Delete the traces among these that nothing answers any more, and so on up."""
        traces = self.exclude(removed="")
        while lone := list(traces.exclude(pk__in=traces.answered().values("pk"))):
            above = {c.parent_id for c in lone} | {c.answers_id for c in lone}
            Comment.objects.filter(pk__in=[c.pk for c in lone]).delete()
            traces = Comment.objects.filter(pk__in=above - {None}).exclude(removed="")

    def of_commenter(self, key: str) -> "CommentQuerySet":
        """The comments left with one address, found by its commenter_key_for()."""
        return self.filter(commenter_key=key) if key else self.none()

    def export(self) -> list[dict]:
        """Everything stored about these comments, as JSON-ready dicts."""
        comments = self.select_related("article", "confirmation", "subscription")
        return [
            {
                **{field: getattr(comment, field) for field in EXPORTED_FIELDS},
                "article": comment.article.title,
                "url": comment.get_absolute_url(),
                "email_confirmed_at": getattr(
                    getattr(comment, "confirmation", None), "confirmed_at", None
                ),
                "reply_notifications": getattr(
                    getattr(comment, "subscription", None), "confirmed_at", None
                )
                is not None,
            }
            for comment in comments
        ]

    def anonymise(self) -> int:
        """Forget who wrote these comments (their text stays); return how many."""
        with transaction.atomic():
            comments = list(self.select_for_update())
            Confirmation.objects.filter(comment__in=comments).delete()
            Subscription.objects.filter(comment__in=comments).delete()
            for comment in comments:
                comment.anonymise()
        return len(comments)


class Comment(models.Model):
    """A reader's comment. The email is private: it never leaves the moderation screens."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REJECTED = "rejected", _("Rejected")

    class Removed(models.TextChoices):
        AUTHOR = "author", _("by its author")
        MODERATOR = "moderator", _("by a moderator")

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        related_name="replies",
        null=True,
        blank=True,
    )
    # Replies are one level deep (parent is the thread's first comment); a reply to a
    # reply joins that thread and remembers here whom it answers.
    answers = models.ForeignKey(
        "self",
        verbose_name=_("answers"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=100)
    # Blank only once a commenter's data has been erased.
    email = models.EmailField(_("email"), blank=True, help_text=_("Private: never published."))
    website = models.URLField(_("website"), max_length=200, blank=True)
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(
        _("reason"),
        max_length=200,
        blank=True,
        help_text=_("Why an automatic check held or refused the comment."),
    )
    moderator_note = models.TextField(
        _("moderator’s note"),
        blank=True,
        help_text=_("Your own reason for the decision, for the other moderators. Private."),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited by its author"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A reply written on the moderation screen: its name is the site's, and the page
    # marks it as the staff's; moderated_by says who wrote it.
    from_site = models.BooleanField(
        _("in the site’s name"),
        default=False,
        editable=False,
        help_text=_("A reply written on the moderation screen, published in the site’s name."),
    )
    # Set when the comment was taken away but others had answered it: it stays in its
    # place as a trace (no name, no text), so that their replies keep their sense.
    removed = models.CharField(
        _("removed"), max_length=10, choices=Removed, blank=True, editable=False
    )
    # The language of the page it was written from: every mail to its commenter is in it,
    # with links into that edition.
    language = models.CharField(
        _("language"), max_length=10, choices=languages.CHOICES, default=languages.site_code
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    # Groups a commenter's comments on the moderation screens (commenter_key_for).
    commenter_key = models.CharField(max_length=32, blank=True, editable=False)
    # The post's replay key (comments.forms.replay_key): a form sent twice stores once.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = CommentQuerySet.as_manager()
    # Set on the held comment a moderator opened from the admin (comments.templatetags);
    # said here so that the template's lookup on every other comment finds it, cheaply.
    shown_to_moderator = False

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "status", "submitted_at"], name="comment_article_idx"),
            models.Index(fields=["status", "-submitted_at"], name="comment_status_idx"),
            models.Index(fields=["email"], name="comment_email_idx"),
            models.Index(fields=["commenter_key", "submitted_at"], name="comment_commenter_idx"),
        ]

    def __str__(self) -> str:
        return _("%(name)s on %(article)s") % {"name": self.name, "article": self.article}

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_comment_text(self.body)
        self.commenter_key = commenter_key_for(self.email)
        with transaction.atomic():
            super().save(*args, **kwargs)
            # Only an approved comment, or one that was, can change what the public counts.
            if Comment.Status.APPROVED in {self.status, getattr(self, "_stored_status", None)}:
                recount_articles({self.article_id})
        self._stored_status = self.status

    def get_absolute_url(self) -> str:
        """A lasting address: it leads to whichever page of comments holds this one."""
        return reverse("comments:comment", kwargs={"slug": self.article.slug, "pk": self.pk})

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            recount_articles({self.article_id})
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs) -> "Comment":
        comment = super().from_db(db, field_names, values, **kwargs)
        comment._stored_status = comment.__dict__.get("status")
        return comment

    @classmethod
    def thread_page(
        cls, article_id: int, number: int, per_page: int
    ) -> tuple[list["Comment"], bool]:
        """Page number of an article's public threads: its approved top-level comments
        with their approved replies, in order, as the page shows them (shown_on_page()),
        and whether a later page exists. Each comment carries ``thread_count``, the
        threads of every page.

        Two plain queries, their SQL worked out once per process (sitewide/prepared.py):
        the page's threads, counted all by a window over them, then their comments. One
        query with the threads as a subquery (twice, for the comments and their replies)
        and their count as another cost more in Python, compiling them, than a second
        round trip.
        """
        start = (number - 1) * per_page
        # One thread more than the page holds: its presence says a later page exists.
        tops = _PAGE_THREADS.rows(article=article_id, start=start, stop=start + per_page + 1)
        if not tops:
            return [], False
        thread_ids = [pk for pk, _count in tops[:per_page]]
        # Sorted here: an ORDER BY makes Django's compiler hash each of the selected
        # columns (an inspect.signature() apiece), dearer than sorting fifty comments.
        comments = sorted(
            _THREADS_COMMENTS.instances(article=article_id, threads=thread_ids),
            key=lambda comment: (comment.submitted_at, comment.pk),
        )
        for comment in comments:
            comment.thread_count = tops[0][1]
        return comments, len(tops) > per_page

    def get_page_url(self) -> str:
        """The article page showing this comment, with its anchor."""
        thread = self.parent or self
        earlier = (
            Comment.objects.approved()
            .filter(article_id=self.article_id, parent__isnull=True)
            .filter(
                Q(submitted_at__lt=thread.submitted_at)
                | Q(submitted_at=thread.submitted_at, pk__lt=thread.pk)
            )
            .count()
        )
        page = earlier // settings.COMMENTS_PER_PAGE + 1
        query = f"?comments={page}" if page > 1 else ""
        return f"{self.article.get_absolute_url()}{query}#comment-{self.pk}"

    def get_admin_url(self) -> str:
        return reverse("admin:comments_comment_change", args=[self.pk])

    @property
    def initials(self) -> str:
        return initials_for(self.name)

    @property
    def avatar_colour_index(self) -> int:
        return colour_index_for(self.name)

    @property
    def answered(self) -> "Comment | None":
        """The reply this reply answers, when it is not the thread's first comment and is
        public (select_related("answers") to read it without a query)."""
        if self.answers_id is None or self.answers_id == self.parent_id:
            return None
        answered = self.answers
        return answered if answered.status == self.Status.APPROVED else None

    def is_editable(self, now: datetime.datetime | None = None) -> bool:
        """Whether its author may still correct it: while it waits, or shortly after approval."""
        if self.status == self.Status.PENDING:
            return True
        now = now or timezone.now()
        return (
            self.status == self.Status.APPROVED
            and self.moderated_at is not None
            and now - self.moderated_at <= EDIT_WINDOW
        )

    def is_public(self) -> bool:
        """Mirrors CommentQuerySet.approved() for one comment."""
        return self.status == self.Status.APPROVED and (
            self.parent is None or self.parent.status == self.Status.APPROVED
        )

    def approve(self, by) -> None:
        self._moderate(self.Status.APPROVED, by)

    def reject(self, by) -> None:
        self._moderate(self.Status.REJECTED, by)

    def mark_spam(self, by) -> None:
        self._moderate(self.Status.SPAM, by)

    def _moderate(self, status: str, by) -> None:
        self.status, self.moderated_by, self.moderated_at = status, by, timezone.now()
        self.save(update_fields=["status", "moderated_by", "moderated_at"])

    def can_be_answered_by_the_site(self) -> bool:
        """Whether the moderation screen offers a reply: the comment is, or may become by
        its approval, public (a rejected thread stays closed), on a published article."""
        return (
            self.status in {self.Status.APPROVED, self.Status.PENDING}
            and not self.removed
            and (self.parent is None or self.parent.status == self.Status.APPROVED)
            and self.article.is_published()
        )

    def reply_from_site(self, body: str, by, key: str) -> "Comment":
        """Publish at once, in the site's name, a reply to this public comment, in its
        thread; by is the staff member who wrote it. key names the reply's form: the same
        form sent twice stores one reply (IntegrityError on the second)."""
        if not self.is_public():
            raise ValueError("Only a published comment can be answered in the site's name.")
        now = timezone.now()
        with languages.in_site_language():
            reason = _("Published at once: a reply in the site’s name by %(user)s") % {
                "user": by.get_username()
            }
        reply = Comment(
            article_id=self.article_id,
            parent_id=self.parent_id or self.pk,
            answers=self,
            name=SiteSettings.load().site_name[:100],
            body=body,
            status=self.Status.APPROVED,
            reason=reason[:200],
            from_site=True,
            submitted_at=now,
            moderated_by=by,
            moderated_at=now,
            token=site_reply_token(key),
        )
        reply.save()
        return reply

    def anonymise(self) -> None:
        """Forget who wrote it; the text stays. The new name is in the site's language."""
        with languages.in_site_language():
            self.name = str(_("Anonymous"))
        self.email = ""
        self.website = ""
        # A word-list reason may quote what matched in the email or the name.
        self.reason = ""
        self.ip_address = None
        self.user_agent = ""
        self.save()

    def remove(self, by: str) -> None:
        """Take the comment away, by its author or a moderator (a Removed value).

        One that others answered leaves a trace in its place: no name, no text, only
        who removed it, so that their replies keep their place and their "In reply
        to". One nobody answered disappears, and so does a trace it was the last
        answer to.
        """
        with transaction.atomic():
            if not Comment.objects.filter(pk=self.pk).answered().exists():
                answered = {self.parent_id, self.answers_id} - {None}
                self.delete()
                Comment.objects.filter(pk__in=answered).drop_lone_traces()
                return
            Confirmation.objects.filter(comment=self).delete()
            Subscription.objects.filter(comment=self).delete()
            self.anonymise()
            self.name, self.body, self.removed = "", "", by
            self.save()


def export_json(email: str) -> str:
    """Everything stored about one reader's address, as `commenter export` and the manage
    page give it: their comments and their newsletter subscriptions."""
    data = {
        "email": email,
        "comments": Comment.objects.from_email(email).export(),
        "newsletter": Subscriber.objects.for_address(email).export(),
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def erase_commenter(email: str, *, delete: bool = False) -> tuple[int, int]:
    """Erase what is stored about one reader's address: their comments anonymised (or
    deleted, with their replies) and their newsletter subscriptions deleted; return how
    many of each."""
    with transaction.atomic():
        comments = Comment.objects.from_email(email)
        count = comments.delete()[0] if delete else comments.anonymise()
        subscriptions = Subscriber.objects.for_address(email)
        subscribed = subscriptions.count()
        subscriptions.delete()
    return count, subscribed


def recount_articles(article_ids: set[int]) -> None:
    """Set each article's comment_count to its approved comments; call in the transaction
    that changed them.

    The articles are locked first: a concurrent change waits, then counts what this
    transaction committed, so that two moderators approving at once both count.
    """
    if not article_ids:
        return
    list(
        Article.objects.select_for_update()
        .filter(pk__in=article_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    approved = (
        Comment.objects.approved()
        .not_removed()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.filter(pk__in=article_ids).update(
        comment_count=Coalesce(Subquery(approved), 0)
    )
    # Each article's comments and their count wherever they show (its page, its cards),
    # and the latest comments' feed.
    pagecache.changed(
        *(pagecache.list_of(Article, pk) for pk in article_ids),
        *(pagecache.count_of(Article, pk) for pk in article_ids),
        pagecache.list_of(Comment),
    )


class Confirmation(models.Model):
    """The emailed proof that whoever posted a comment reads its address's mail.

    One per comment, confirmed once (the link is single-use). It is what the trusted
    approval rule and the reply notifications rely on: a typed address proves nothing.
    """

    comment = models.OneToOneField(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="confirmation"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = _("email confirmation")
        verbose_name_plural = _("email confirmations")

    def __str__(self) -> str:
        return _("Confirmation of comment %(pk)s") % {"pk": self.comment_id}


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> "SubscriptionQuerySet":
        """The only subscriptions that are ever sent anything: double opt-in done."""
        return self.filter(confirmed_at__isnull=False).exclude(comment__email="")


class Subscription(models.Model):
    """A commenter's wish to be emailed the replies to their comment.

    Inactive until the comment's confirmation link is used; unsubscribing deletes it.
    """

    comment = models.OneToOneField(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="subscription"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("reply notification")
        verbose_name_plural = _("reply notifications")

    def __str__(self) -> str:
        return _("Replies to comment %(pk)s") % {"pk": self.comment_id}


# The article page's comment threads (Comment.thread_page), each built once per process.
_PAGE_THREADS = Prepared(
    lambda article, start, stop: (
        Comment.objects.filter(article=article, parent__isnull=True)
        .approved()
        .annotate(thread_count=Window(Count("pk")))
        .values_list("pk", "thread_count")[start:stop]
    ),
    shape=("start", "stop"),
)
_THREADS_COMMENTS = Prepared(
    lambda article, threads: (
        Comment.objects.filter(article=article)
        .approved()
        .shown_on_page()
        .filter(Q(pk__in=threads) | Q(parent__in=threads))
        .order_by()
    )
)
