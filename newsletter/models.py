"""Readers who asked for new articles by mail, and the signed links that manage them.

A subscriber is one address in one edition's language, with a rhythm and, optionally,
categories. It is pending until the address confirms it (double opt-in) and stays
until it unsubscribes; the database allows one pending or confirmed subscription per
address. The links we mail never hold the address: a confirmation, manage or
unsubscribe link names the subscriber and carries a keyed digest of its address, so
that it stops opening once the subscription is erased.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from blog.models import Article, ArticleQuerySet, Category
from sitewide import languages


def normalize_email(email: str) -> str:
    """The address as stored: trimmed, its domain in lower case (the local part is the
    mail server's business; the database compares whole addresses case-insensitively)."""
    local, at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else email.strip()


@dataclass(frozen=True)
class Purpose:
    name: str
    url_name: str
    # A confirmation link expires (NEWSLETTER_CONFIRM_HOURS); a manage or unsubscribe
    # link opens while the subscription lasts, in any mail that sits in a mailbox.
    expires: bool = False


def confirm_max_age() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS)


CONFIRM = Purpose("confirm", "newsletter:confirm", expires=True)
MANAGE = Purpose("manage", "newsletter:manage")
UNSUBSCRIBE = Purpose("unsubscribe", "newsletter:unsubscribe")


class BadLink(Exception):
    """A link that does not open: altered, expired, or about a subscription that is gone."""

    status = 400


class ExpiredLink(BadLink):
    status = 410


class UnknownLink(BadLink):
    """Well signed, but its subscription was erased (or replaced by a new one)."""

    status = 404


class SubscriberQuerySet(models.QuerySet):
    def active(self) -> "SubscriberQuerySet":
        """Pending or confirmed: not unsubscribed (one per address, the database says)."""
        return self.filter(unsubscribed_at__isnull=True)

    def confirmed(self) -> "SubscriberQuerySet":
        """The one rule for who receives mail: confirmed and not unsubscribed."""
        return self.active().filter(confirmed_at__isnull=False)

    def pending(self) -> "SubscriberQuerySet":
        return self.active().filter(confirmed_at__isnull=True)

    def expired(self, now: datetime.datetime | None = None) -> "SubscriberQuerySet":
        """Sign-ups never confirmed whose confirmation link has expired."""
        now = now or timezone.now()
        return self.pending().filter(created_at__lt=now - confirm_max_age())

    def ended_long_ago(self, now: datetime.datetime | None = None) -> "SubscriberQuerySet":
        """Subscriptions ended more than NEWSLETTER_ENDED_RETENTION_DAYS ago: nothing is
        sent to them any more, and their address has no use left."""
        now = now or timezone.now()
        days = datetime.timedelta(days=settings.NEWSLETTER_ENDED_RETENTION_DAYS)
        return self.filter(unsubscribed_at__lt=now - days)

    def for_address(self, email: str) -> "SubscriberQuerySet":
        """This address's subscriptions, however its letters are cased."""
        return self.annotate(email_lower=Lower("email")).filter(
            email_lower=normalize_email(email).lower()
        )

    def sign_up(
        self,
        email: str,
        *,
        language: str,
        rhythm: str,
        categories: list[Category],
        now: datetime.datetime | None = None,
    ) -> "Subscriber":
        """The address's subscription after a sign-up: a new pending one; a pending one
        with these choices and its expiry started again; a confirmed one unchanged (its
        choices are the manage page's, which only its owner opens)."""
        now = now or timezone.now()
        with transaction.atomic():
            subscriber = self.active().for_address(email).select_for_update().first()
            if subscriber is None:
                try:
                    with transaction.atomic():
                        subscriber = self.create(
                            email=email, language=language, rhythm=rhythm, created_at=now
                        )
                except IntegrityError:
                    # The same address signed up at the same moment: one of them is kept.
                    return self.active().for_address(email).get()
            elif subscriber.confirmed_at is None:
                subscriber.language, subscriber.rhythm = language, rhythm
                subscriber.created_at = now
                subscriber.save(update_fields=["language", "rhythm", "created_at"])
            else:
                return subscriber
            subscriber.categories.set(categories)
        return subscriber

    def export(self) -> list[dict]:
        """Everything stored about these subscriptions, as JSON-ready dicts: what a
        reader's data export (comments' self-service, ``commenter export``) lists."""
        subscribers = list(self.prefetch_related("categories"))
        copies = (
            Delivery.objects.filter(subscriber__in=subscribers)
            .select_related("issue__article")
            .order_by("sent_at", "pk")
        )
        received: dict[int, list[dict]] = {}
        for copy in copies:
            received.setdefault(copy.subscriber_id, []).append(
                {"issue": str(copy.issue), "sent_at": copy.sent_at, "refused": copy.error}
            )
        return [
            {
                "email": subscriber.email,
                "language": subscriber.language,
                "rhythm": subscriber.rhythm,
                "categories": [category.name for category in subscriber.categories.all()],
                "signed_up_at": subscriber.created_at,
                "confirmed_at": subscriber.confirmed_at,
                "unsubscribed_at": subscriber.unsubscribed_at,
                "received": received.get(subscriber.pk, []),
            }
            for subscriber in subscribers
        ]

    def for_article(self, article: Article) -> "SubscriberQuerySet":
        """Who is sent this article: confirmed, reading its edition's language, and
        following every category (none chosen) or the article's own."""
        chosen = Subscriber.categories.through.objects.filter(subscriber=OuterRef("pk"))
        wanted = ~Exists(chosen)
        if article.category_id is not None:
            wanted |= Exists(chosen.filter(category=article.category_id))
        return self.confirmed().filter(wanted, language=article.language)


class Subscriber(models.Model):
    class Rhythm(models.TextChoices):
        EACH = "each", _("Each article as it is published")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest")

    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=languages.CHOICES,
        default=languages.site_code,
        help_text=_("The edition the reader signed up from: the language of every mail."),
    )
    rhythm = models.CharField(_("rhythm"), max_length=10, choices=Rhythm, default=Rhythm.EACH)
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_("None: every category."),
    )
    created_at = models.DateTimeField(_("signed up"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            # One pending or confirmed subscription per address: two sign-ups at once
            # cannot both store one, whatever the letters' case.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(unsubscribed_at__isnull=True),
                name="newsletter_one_active_subscription_per_address",
            ),
        ]

    def __str__(self) -> str:
        # Never the address: this shows in logs, admin messages and history.
        return _("Subscriber %(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def is_confirmed(self) -> bool:
        """Mirrors SubscriberQuerySet.confirmed()."""
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def confirm(self, now: datetime.datetime | None = None) -> bool:
        """Confirm the address; False (and nothing changed) if it was already, or left."""
        if self.confirmed_at is not None or self.unsubscribed_at is not None:
            return False
        self.confirmed_at = now or timezone.now()
        self.save(update_fields=["confirmed_at"])
        return True

    def unsubscribe(self, now: datetime.datetime | None = None) -> bool:
        """Stop every mail; False (and nothing changed) if it had stopped already."""
        if self.unsubscribed_at is not None:
            return False
        self.unsubscribed_at = now or timezone.now()
        self.save(update_fields=["unsubscribed_at"])
        return True

    def resubscribe(self) -> bool:
        """Undo an unsubscription, from the page of the link mailed to this address: it
        was confirmed once, and the link proves the mailbox again. False (and nothing
        changed) if it had not ended, was never confirmed, or the address has signed up
        anew since (the database allows one subscription at a time)."""
        if self.unsubscribed_at is None or self.confirmed_at is None:
            return False
        ended_at, self.unsubscribed_at = self.unsubscribed_at, None
        try:
            with transaction.atomic():
                self.save(update_fields=["unsubscribed_at"])
        except IntegrityError:
            self.unsubscribed_at = ended_at
            return False
        return True

    def confirm_url(self) -> str:
        """The path of the double opt-in link, in the subscriber's edition; it expires
        after NEWSLETTER_CONFIRM_HOURS."""
        return self._link(CONFIRM)

    def manage_url(self) -> str:
        """The path of the page that changes rhythm and categories, in the subscriber's
        edition; the site's origin is the sender's to add."""
        return self._link(MANAGE)

    def unsubscribe_url(self) -> str:
        """The path that unsubscribes: a page with a button on GET, done on POST (the
        one-click POST of RFC 8058 included)."""
        return self._link(UNSUBSCRIBE)

    @classmethod
    def from_link(cls, purpose: Purpose, token: str) -> "Subscriber":
        """The subscriber a link names; raises a BadLink saying why it does not open."""
        salt = f"newsletter.{purpose.name}"
        try:
            if purpose.expires:
                payload = signing.loads(token, salt=salt, max_age=confirm_max_age())
            else:
                payload = signing.Signer(salt=salt).unsign_object(token)
        except signing.SignatureExpired:
            raise ExpiredLink from None
        except (signing.BadSignature, ValueError):
            raise BadLink from None
        if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
            raise BadLink
        subscriber = cls.objects.filter(pk=payload["s"]).first()
        if subscriber is None or not constant_time_compare(
            subscriber._digest(), str(payload.get("h", ""))
        ):
            raise UnknownLink
        return subscriber

    def _digest(self) -> str:
        value = f"{self.pk}:{self.email.lower()}"
        return salted_hmac("newsletter.subscriber", value, algorithm="sha256").hexdigest()[:32]

    def _link(self, purpose: Purpose) -> str:
        payload = {"s": self.pk, "h": self._digest()}
        salt = f"newsletter.{purpose.name}"
        if purpose.expires:
            token = signing.dumps(payload, salt=salt)  # timestamped
        else:
            # No timestamp: the same link in every mail, opening while the subscription lasts.
            token = signing.Signer(salt=salt).sign_object(payload)
        with translation.override(self.language):
            return reverse(purpose.url_name, kwargs={"token": token})


class IssueQuerySet(models.QuerySet):
    def stalled(self, now: datetime.datetime | None = None) -> "IssueQuerySet":
        """Issues not finished on which nothing has moved for NEWSLETTER_STALL_SECONDS:
        their worker was killed, or their retry's task was lost (send_newsletters)."""
        now = now or timezone.now()
        since = now - datetime.timedelta(seconds=settings.NEWSLETTER_STALL_SECONDS)
        return self.exclude(state__in=[Issue.State.SENT, Issue.State.STOPPED]).filter(
            heartbeat_at__lte=since
        )


class Issue(models.Model):
    """One mailing: an article to its "each article" subscribers, or a digest.

    Sent in batches of subscribers in id order (newsletter/sending.py); ``cursor`` is the
    last subscriber id of the last batch done, so that a stopped issue goes on from there.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        # Its article was unpublished while it was being sent: nobody else gets it.
        STOPPED = "stopped", _("Stopped, the article was unpublished")

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    rhythm = models.CharField(
        _("rhythm"), max_length=10, choices=Subscriber.Rhythm, default=Subscriber.Rhythm.EACH
    )
    language = models.CharField(_("language"), max_length=5, choices=languages.CHOICES)
    # A digest's articles: those published in [period_start, period_end).
    period_start = models.DateTimeField(_("from"), null=True, blank=True)
    period_end = models.DateTimeField(_("until"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    total = models.PositiveIntegerField(_("subscribers"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    cursor = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # When something last moved (a batch began or ended), or when a retry is due.
    heartbeat_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [
            # An article is mailed once, however often it is published again.
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(article__isnull=False),
                name="issue_one_per_article",
            ),
            models.UniqueConstraint(
                fields=["rhythm", "language", "period_end"],
                condition=Q(article__isnull=True),
                name="issue_one_digest_per_period",
            ),
        ]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="issue_unfinished_idx")]

    def __str__(self) -> str:
        if self.article_id:
            return str(self.article)
        return _("%(rhythm)s until %(end)s") % {
            "rhythm": self.get_rhythm_display(),
            # In the press style: the admin's list and a reader's data export show it.
            "end": languages.full_time(self.period_end) if self.period_end else "",
        }

    def recipients(self) -> SubscriberQuerySet:
        """Who is sent this issue: confirmed subscribers of its rhythm and language,
        following every category or one of its articles'."""
        if self.article_id:
            return Subscriber.objects.for_article(self.article).filter(rhythm=self.rhythm)
        categories = {pk for pk in self.articles().values_list("category", flat=True) if pk}
        chosen = Subscriber.categories.through.objects.filter(subscriber=OuterRef("pk"))
        wanted = ~Exists(chosen) | Exists(chosen.filter(category__in=categories))
        return Subscriber.objects.confirmed().filter(
            wanted, language=self.language, rhythm=self.rhythm
        )

    def articles(self) -> ArticleQuerySet:
        """What it sends: its article, or a digest's (published in its period, in its
        language, each with its switch on), oldest first."""
        if self.article_id:
            return Article.objects.filter(pk=self.article_id)
        return (
            Article.objects.published()
            .sent_by_mail()
            .filter(
                language=self.language,
                published_at__gte=self.period_start,
                published_at__lt=self.period_end,
            )
            .order_by("published_at", "pk")
        )

    def progress(self) -> str:
        """Its state as the admin shows it: "Sending 120/500", "Sent 500/500"…"""
        words = self.get_state_display()
        if self.state == self.State.QUEUED:
            return str(words)
        text = f"{words} {self.sent}/{self.total}"
        return f"{text} ({self.reason})" if self.state == self.State.FAILED else text


class Delivery(models.Model):
    """One subscriber's copy of an issue: written as it is handed to the mail server,
    unique per issue and subscriber, so that nothing sends it twice."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    # The refusal of this one address, never retried: an SMTP server's reply code, or an
    # email service's status ("rejected", "invalid").
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.subscriber_id}"
