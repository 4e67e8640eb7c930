"""Sending the newsletter: an issue per article (or digest), in batches through the task
queue, each subscriber's copy written down as it is handed over, never twice.

How an issue goes out:

1. An article goes public (blog.workflow.went_public, in the transaction that made it
   so) with its switch on (Article.sends_by_mail): queue_article() creates its Issue,
   unique per article, and queues its first batch in the same transaction.
2. send_batch() takes the next NEWSLETTER_BATCH_SIZE recipients in id order after the
   issue's cursor, leaves out whoever has a Delivery already, and sends the others on
   one connection. It then moves the cursor (only if nobody moved it first: two copies
   of a batch do not both go on) and queues the next batch, no sooner than
   NEWSLETTER_RATE_PER_MINUTE allows.
3. A subscriber's copy is a Delivery row, unique per issue and subscriber: the database
   refuses a second one, whoever tries. Over SMTP the row is committed after the
   message's text and before the final "." that asks the server to deliver it: a worker
   killed before the commit leaves a half-sent message that the server drops (and no
   row, so it is sent later), one killed after leaves the "." in the socket's buffer,
   which the system still sends. Through another backend (an email service's API) the
   row is committed before the call, and removed if the call fails: a worker killed
   during the call may leave that one message unsent, never sent twice.
4. An address the server or service refuses (an SMTP 5xx, an email service's
   "rejected") is written down with that copy, never retried. A mail server that is
   down or refuses (an OSError: smtplib's errors, refused
   connections, timeouts, an API's errors) stops the batch: the issue is "failed, will
   retry" with the reason, and the same batch is queued again after each of
   sitewide.mail.RETRY_DELAYS (the last one repeating). Nothing is half-sent and
   forgotten: sweep() (``manage.py send_newsletters``) also takes up any issue on which
   nothing has moved for NEWSLETTER_STALL_SECONDS, such as one whose worker was killed.

Addresses are never logged; a failure's reason names the error's kind and code only.
"""

import datetime
import email.policy
import logging
import re
import smtplib
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from anymail.exceptions import AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import IntegrityError, transaction
from django.db.models import F, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks_db import DatabaseBackend

from blog.models import Article
from newsletter.models import Delivery, Issue, Subscriber
from sitewide import languages
from sitewide.mail import RETRY_DELAYS, one_line
from sitewide.models import SiteSettings

logger = logging.getLogger(__name__)

MAILER = "newsletter"  # the MAILERS alias the newsletter goes out through


def article_went_public(sender, article: Article, **kwargs) -> None:
    """blog.workflow.went_public's receiver (connected in NewsletterConfig.ready)."""
    queue_article(article)


def queue_article(article: Article) -> Issue | None:
    """Queue the article's issue to its "each article" subscribers, once per article;
    None when its switch is off or the article was queued before."""
    if not article.sends_by_mail():
        return None
    issue = Issue(article=article, language=article.language, rhythm=Subscriber.Rhythm.EACH)
    issue.total = issue.recipients().count()
    try:
        with transaction.atomic():
            issue.save()
    except IntegrityError:
        return None  # published before: sent (or being sent) already
    _queue_batch(issue, after=0)
    logger.info("Newsletter issue %s queued for %s subscribers", issue.pk, issue.total)
    return issue


def _queue_batch(issue: Issue, after: int, run_after: datetime.datetime | None = None) -> None:
    """Queue the batch after subscriber id ``after``, as sitewide.mail queues a message:
    in the caller's transaction where the queue is a table of the same database, else
    once it has committed."""
    backend = send_batch.get_backend()
    if run_after is not None and backend.supports_defer:
        batch = send_batch.using(run_after=run_after)
    else:
        batch = send_batch
    if isinstance(backend, DatabaseBackend):
        batch.enqueue(issue.pk, after)
    else:
        transaction.on_commit(lambda: batch.enqueue(issue.pk, after), robust=True)


@task
def send_batch(issue_pk: int, after: int) -> int:
    """Send the issue to its next batch of recipients after subscriber id ``after``; return
    how many messages this call handed over."""
    issue = Issue.objects.filter(pk=issue_pk).select_related("article").first()
    if issue is None or issue.state in {Issue.State.SENT, Issue.State.STOPPED}:
        return 0  # gone or done
    if issue.cursor != after:
        return 0  # another copy of this batch went on already
    started = timezone.now()
    if issue.article_id and not Article.objects.published().filter(pk=issue.article_id).exists():
        # Taken down while it was being sent (an error, a legal request): no one else.
        Issue.objects.filter(pk=issue.pk, cursor=after).update(
            state=Issue.State.STOPPED, reason="", finished_at=started, heartbeat_at=started
        )
        logger.info("Newsletter issue %s stopped: its article was unpublished", issue.pk)
        return 0
    Issue.objects.filter(pk=issue.pk).update(
        state=Issue.State.SENDING,
        started_at=Coalesce(F("started_at"), started),
        heartbeat_at=started,
    )
    size = settings.NEWSLETTER_BATCH_SIZE
    batch = list(
        issue.recipients()
        .filter(pk__gt=after)
        .order_by("pk")
        .only("pk", "email", "language")[:size]
    )
    done = set(
        Delivery.objects.filter(issue=issue, subscriber__in=batch).values_list(
            "subscriber_id", flat=True
        )
    )
    try:
        handed = send_to(issue, [s for s in batch if s.pk not in done])
    except (OSError, AnymailError) as error:
        _failed(issue, after, error)
        return 0
    with transaction.atomic():
        sent = issue.deliveries.filter(error="").count()
        moved = Issue.objects.filter(pk=issue.pk, cursor=after)
        if len(batch) < size:
            moved.update(
                cursor=batch[-1].pk if batch else after,
                state=Issue.State.SENT,
                reason="",
                sent=sent,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
            )
            logger.info("Newsletter issue %s sent to %s subscribers", issue.pk, sent)
        else:
            rate = settings.NEWSLETTER_RATE_PER_MINUTE
            pause = datetime.timedelta(minutes=len(batch) / rate) if rate else None
            due = started + pause if pause else None
            if moved.update(
                cursor=batch[-1].pk,
                state=Issue.State.SENDING,
                reason="",
                attempts=0,
                sent=sent,
                # Not stalled while the next batch waits its turn (IssueQuerySet.stalled).
                heartbeat_at=max(due or started, timezone.now()),
            ):
                _queue_batch(issue, batch[-1].pk, due)
    return handed


def _failed(issue: Issue, after: int, error: Exception) -> None:
    """The mail server failed us: the issue is "failed, will retry", and this batch is
    queued again after the next of RETRY_DELAYS."""
    delay = RETRY_DELAYS[min(issue.attempts, len(RETRY_DELAYS) - 1)]
    retry_at = timezone.now() + datetime.timedelta(seconds=delay)
    reason = failure_reason(error)
    with transaction.atomic():
        if Issue.objects.filter(pk=issue.pk, cursor=after).update(
            state=Issue.State.FAILED,
            reason=reason,
            attempts=F("attempts") + 1,
            sent=issue.deliveries.filter(error="").count(),
            # Not stalled before its retry is due (IssueQuerySet.stalled).
            heartbeat_at=retry_at,
        ):
            _queue_batch(issue, after, retry_at)
    logger.warning(
        "Newsletter issue %s failed (%s); trying again in %s s", issue.pk, reason, delay
    )


def failure_reason(error: Exception) -> str:
    """What went wrong, for editors: the error's kind and code, never its text, which may
    name a recipient."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{name} {error.smtp_code}"
    if getattr(error, "strerror", None):
        return f"{name}: {error.strerror}"
    return name


def sweep(now: datetime.datetime | None = None) -> int:
    """Take up again every issue on which nothing has moved for NEWSLETTER_STALL_SECONDS
    (a killed worker, a lost retry); return how many."""
    now = now or timezone.now()
    count = 0
    for issue in Issue.objects.stalled(now).only("pk", "cursor", "heartbeat_at"):
        with transaction.atomic():
            # Whoever takes it up first: two sweeps at once queue it once.
            if Issue.objects.filter(pk=issue.pk, heartbeat_at=issue.heartbeat_at).update(
                heartbeat_at=now
            ):
                _queue_batch(issue, issue.cursor)
                count += 1
    if count:
        logger.warning("Newsletter: %s stalled issue(s) taken up again", count)
    return count


# Digests


def digest_due(rhythm: str, now: datetime.datetime) -> datetime.datetime:
    """The latest time a digest of this rhythm was due at, up to now: today's (or this
    week's) NEWSLETTER_DIGEST_HOUR, else the one before."""
    local = timezone.localtime(now)
    due = local.replace(hour=settings.NEWSLETTER_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if rhythm == Subscriber.Rhythm.WEEKLY:
        due -= datetime.timedelta(days=(local.isoweekday() - settings.NEWSLETTER_WEEKLY_DAY) % 7)
    if due > local:
        due -= datetime.timedelta(days=7 if rhythm == Subscriber.Rhythm.WEEKLY else 1)
    return due


def queue_digests(now: datetime.datetime | None = None) -> list[Issue]:
    """Queue each digest that has come due, once (the database says): per rhythm and
    language, the articles published since the previous digest. A period without
    articles, or without readers for them, sends nothing."""
    now = now or timezone.now()
    queued = []
    for rhythm, days in [(Subscriber.Rhythm.DAILY, 1), (Subscriber.Rhythm.WEEKLY, 7)]:
        end = digest_due(rhythm, now)
        for language in languages.BY_CODE:
            digests = Issue.objects.filter(article=None, rhythm=rhythm, language=language)
            if digests.filter(period_end__gte=end).exists():
                continue
            previous = digests.order_by("-period_end").first()
            start = previous.period_end if previous else end - datetime.timedelta(days=days)
            issue = Issue(rhythm=rhythm, language=language, period_start=start, period_end=end)
            if not issue.articles().exists():
                continue
            issue.total = issue.recipients().count()
            if not issue.total:
                continue
            try:
                with transaction.atomic():
                    issue.save()
                    _queue_batch(issue, after=0)
            except IntegrityError:
                continue  # another sweep queued it
            logger.info("Newsletter digest %s queued for %s subscribers", issue.pk, issue.total)
            queued.append(issue)
    return queued


# Messages


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def issue_context(issue: Issue) -> dict:
    """What every copy of the issue shows; a digest's copy then keeps the articles of the
    subscriber's categories (for_subscriber)."""
    return articles_context(
        list(issue.articles()), digest="" if issue.article_id else issue.rhythm
    )


def articles_context(articles: list[Article], digest: str = "") -> dict:
    return {
        "site_name": SiteSettings.load().site_name,
        "site_url": site_url("/"),
        "digest": digest,
        "articles": [
            {
                "title": article.title,
                "standfirst": article.standfirst,
                "url": site_url(article.language_path()),
                "category": article.category_id,
            }
            for article in articles
        ],
    }


def for_subscriber(context: dict, subscriber: Subscriber) -> dict:
    """A digest's context with only the articles of the subscriber's categories (all of
    them when it chose none)."""
    if not context["digest"]:
        return context
    chosen = {category.pk for category in subscriber.categories.all()}
    if not chosen:
        return context
    articles = [a for a in context["articles"] if a["category"] in chosen]
    return {**context, "articles": articles}


def preview(article: Article) -> EmailMultiAlternatives:
    """The article's mail as its subscribers would get it, for an editor: the links to a
    subscriber's own pages lead to the site's front page instead."""
    front = site_url("/")
    return message(articles_context([article]), "", article.language, front, front)


def send_test(article: Article, address: str) -> None:
    """Queue the article's mail to an editor's own address (a test send)."""

    def enqueue() -> None:
        send_test_copy.enqueue(article.pk, address)

    if isinstance(send_test_copy.get_backend(), DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue, robust=True)


@task
def send_test_copy(article_pk: int, address: str) -> int:
    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return 0
    mail = preview(article)
    mail.to = [address]
    return mailers[MAILER].send_messages([mail])


def message(context: dict, to: str, language: str, unsubscribe: str, manage: str):
    """One copy, in the reader's language: plain text and HTML from the templates, with
    the one-click unsubscribe headers of RFC 8058. No tracking pixel, no rewritten link."""
    context = {**context, "unsubscribe_url": unsubscribe, "manage_url": manage}
    with translation.override(language):
        subject = render_to_string("newsletter/mail/issue-subject.txt", context)
        text = render_to_string("newsletter/mail/issue.txt", context)
        html = render_to_string("newsletter/mail/issue.html", context)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<newsletter.{urlsplit(settings.SITE_URL).hostname}>",
    }
    # One line, whatever a title holds: a header has no line breaks.
    mail = EmailMultiAlternatives(
        subject=one_line(subject),
        body=text.strip() + "\n",
        to=[to] if to else [],
        headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    return mail


def copy_for(issue: Issue, subscriber: Subscriber, context: dict) -> EmailMultiAlternatives:
    mail = message(
        context,
        subscriber.email,
        subscriber.language,
        unsubscribe=site_url(subscriber.unsubscribe_url()),
        manage=site_url(subscriber.manage_url()),
    )
    # The same Message-ID for a copy sent again by hand: mail clients show it once.
    mail.extra_headers["Message-ID"] = (
        f"<issue-{issue.pk}.{subscriber.pk}@{urlsplit(settings.SITE_URL).hostname}>"
    )
    return mail


def send_to(issue: Issue, subscribers: list[Subscriber]) -> int:
    """Send the issue to these subscribers on one connection; return how many were handed
    to the mail server. Raises OSError when the server fails (the batch is retried)."""
    if not subscribers:
        return 0
    context = issue_context(issue)
    if context["digest"]:
        prefetch_related_objects(subscribers, "categories")
    backend = mailers[MAILER]
    send = _send_smtp if isinstance(backend, SMTPBackend) else _send_other
    handed = 0
    _open(backend)
    try:
        for subscriber in subscribers:
            mail = copy_for(issue, subscriber, for_subscriber(context, subscriber))
            handed += send(backend, mail, lambda s=subscriber: _claim(issue, s))
    except BaseException:
        _drop(backend)
        raise
    backend.close()
    return handed


def _open(backend) -> None:
    """Open the backend's connection; over SMTP, with Nagle's algorithm off: the final
    "." goes in a write of its own after our commit, and held back until the server
    acknowledges the text (up to its 40 ms delayed ACK), it made every message wait."""
    backend.open()
    if isinstance(backend, SMTPBackend) and backend.connection is not None:
        backend.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _drop(backend) -> None:
    """Close without a word: a message cut short before its final "." is dropped by an
    SMTP server, where QUIT would only be read as more of its text."""
    if isinstance(backend, SMTPBackend) and backend.connection is not None:
        backend.connection.close()
        backend.connection = None
    else:
        backend.close()


def _claim(issue: Issue, subscriber: Subscriber) -> Delivery | None:
    """Write down this subscriber's copy; None if someone did already."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(issue=issue, subscriber=subscriber)
    except IntegrityError:
        return None


def _send_other(backend, mail, claim: Callable[[], Delivery | None]) -> int:
    """An email service's API: a copy it refuses for its address (one it suppresses after
    a bounce, or cannot read) is written down as refused, as an SMTP server's 5xx is, and
    never retried; any other failure removes the copy's row and stops the batch."""
    delivery = claim()
    if delivery is None:
        return 0
    try:
        backend.send_messages([mail])
    except (AnymailRecipientsRefused, AnymailInvalidAddress) as error:
        status = getattr(mail, "anymail_status", None)
        refused = sorted(status.status or []) if status else []
        delivery.error = ",".join(refused) or type(error).__name__
        delivery.save(update_fields=["error"])
        return 0
    except BaseException:
        delivery.delete()
        raise
    return 1


def _send_smtp(backend: SMTPBackend, mail, claim: Callable[[], Delivery | None]) -> int:
    """SMTP's own transaction, with our commit between the text and the final ".": see
    the module's docstring. A refused address is written down with its code, not retried."""
    smtp = backend.connection
    sender = backend.prep_address(mail.from_email)
    (recipient,) = (backend.prep_address(address) for address in mail.recipients())
    data = mail.message(policy=email.policy.SMTP).as_bytes()
    smtp.ehlo_or_helo_if_needed()
    code, _reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, b"", sender)
    code, _reply = smtp.rcpt(recipient)
    if code >= 500:
        smtp.rset()
        delivery = claim()
        if delivery is not None:
            delivery.error = str(code)
            delivery.save(update_fields=["error"])
        return 0
    if code not in (250, 251):
        raise smtplib.SMTPResponseException(code, b"")
    code, _reply = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, b"")
    smtp.send(_dot_stuffed(data))
    delivery = claim()
    if delivery is None:
        # Another worker wrote this copy down meanwhile: ours is dropped (see _drop).
        _drop(backend)
        _open(backend)
        return 0
    smtp.send(b".\r\n")
    code, _reply = smtp.getreply()
    if code >= 500:
        delivery.error = str(code)
        delivery.save(update_fields=["error"])
        return 0
    if code != 250:
        delivery.delete()  # a temporary refusal: this copy is sent again with the batch
        raise smtplib.SMTPDataError(code, b"")
    return 1


def _dot_stuffed(data: bytes) -> bytes:
    """The message's text as SMTP's DATA carries it (RFC 5321 4.5.2), without the end."""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"
