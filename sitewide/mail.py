"""The one way Carnet sends email: a named message, rendered from templates, sent
by a task once the current transaction has committed.

Every word of a message is in ``templates/emails/<name>-subject.txt`` and
``<name>-body.txt``, rendered in the site's language or the one the message asks
for (a commenter's: the language of the page they wrote from). A subject is one line of
fixed text and the site's name: what a reader typed goes in the body only, and
the reader's address only in Reply-To, and only when it is a plain address
(``sitewide.validators.is_plain_address``), whatever a form let through. A message
whose context holds an ``unsubscribe_url`` carries it as one-click unsubscribe
headers (RFC 8058), for mail clients to offer.

The task runs in the worker (``manage.py db_worker``), never in a web request. A
send that fails is tried again later, after each of RETRY_DELAYS; after the last
attempt the message is kept as a FailedMail, which an administrator can send again
from the admin. With the immediate backend (no worker, no deferred tasks) a failed
send is kept at once. Either way the failure is logged, and no request fails.
"""

import datetime
import logging
import re

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks_db import DatabaseBackend

from sitewide import languages
from sitewide.models import FailedMail, SiteSettings
from sitewide.validators import is_plain_address

logger = logging.getLogger(__name__)

# Seconds before each new attempt of a failed send: 1 min, 5 min, 30 min, 2 h, 6 h,
# so that a mail server down for up to eight and a half hours still gets every message.
RETRY_DELAYS = (60, 300, 1800, 7200, 21600)


def send(
    name: str, to: list[str], context: dict, *, reply_to: str = "", language: str = ""
) -> None:
    """Send the message called name once the current transaction has committed, in
    language (a code of sitewide.languages; the site's own when blank).

    The context is handed to a task, so it holds JSON values only (str, int, lists).
    Only plain addresses become recipients (is_plain_address): a quoted local part, a
    display name or a list never reaches a mail server, whatever a form let through.
    """
    plain = [address for address in to if is_plain_address(address)]
    if len(plain) < len(to):
        logger.warning(
            "Mail %s: %s recipient(s) left out, not plain addresses", name, len(to) - len(plain)
        )
    to = plain
    if not to:
        return
    if language:
        context = {**context, "language": language}

    def enqueue() -> None:
        deliver.enqueue(name, list(to), context, reply_to)

    if isinstance(deliver.get_backend(), DatabaseBackend):
        # The queue is a table of the same database: the task is stored in the transaction
        # that caused it, committed or rolled back with it, and the worker sees it only
        # once committed. No message is lost to a connection dropped after the commit.
        enqueue()
    else:
        # Robust: a queue that refuses the task is logged, not raised into the request.
        transaction.on_commit(enqueue, robust=True)


def send_again(failed: list[FailedMail]) -> None:
    """Queue messages that had failed for a new series of attempts, and forget the failures.

    In one transaction: a message is queued again exactly when its failure is forgotten.
    """
    with transaction.atomic():
        for message in failed:
            send(message.name, message.to, message.context, reply_to=message.reply_to)
            message.delete()


# Any run of spaces and line breaks, but the no-break spaces French typography puts
# before ":" and inside « » (which str.split() would take for spaces too).
_BREAKABLE_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


def one_line(text: str) -> str:
    """A subject as a header holds it: one line, French no-break spaces kept."""
    return _BREAKABLE_SPACES.sub(" ", text).strip()


def render(name: str, context: dict) -> EmailMessage:
    """The message called name, rendered in its language (the site's by default); not sent."""
    with translation.override(languages.get(context.get("language", "")).code):
        context = {"site_name": SiteSettings.load().site_name, **context}
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        body = render_to_string(f"emails/{name}-body.txt", context)
    headers = {}
    if context.get("unsubscribe_url"):
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    # One line, whatever a template or the site's name holds: a header has no line breaks.
    return EmailMessage(subject=one_line(subject), body=body.strip() + "\n", headers=headers)


@task
def deliver(name: str, to: list[str], context: dict, reply_to: str = "", attempt: int = 1) -> int:
    """Render and send one message; return how many were sent.

    A failed send (the mail server down, hung past its timeout, or refusing) is retried
    later by a new task, then kept as a FailedMail; the error is raised either way, so
    the task's result records each failed attempt.
    """
    message = render(name, context)
    message.to = to
    if is_plain_address(reply_to):
        message.reply_to = [reply_to]
    elif reply_to:
        # The forms let only plain addresses through; whatever else reaches here stays out.
        logger.warning("Mail %s: Reply-To left out, not a plain address", name)
    try:
        return message.send()
    except OSError as error:  # smtplib's errors, refused connections and timeouts
        _after_failure(name, to, context, reply_to, attempt, error)
        raise


def _after_failure(
    name: str, to: list[str], context: dict, reply_to: str, attempt: int, error: OSError
) -> None:
    can_defer = deliver.get_backend().supports_defer
    if can_defer and attempt <= len(RETRY_DELAYS):
        delay = RETRY_DELAYS[attempt - 1]
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        deliver.using(run_after=run_after).enqueue(name, to, context, reply_to, attempt + 1)
        # The error's kind only: its text may name a recipient.
        logger.warning(
            "Mail %s failed (attempt %s, %s); trying again in %s s",
            name,
            attempt,
            type(error).__name__,
            delay,
        )
        return
    FailedMail.objects.create(
        name=name,
        to=to,
        context=context,
        reply_to=reply_to,
        attempts=attempt,
        error=f"{type(error).__name__}: {error}",
    )
    logger.error("Mail %s failed after %s attempts; kept for an administrator", name, attempt)
