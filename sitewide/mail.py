"""The one way Carnet sends email: a named message, rendered from templates, sent
by a task once the current transaction has committed.

Every word of a message is in ``templates/emails/<name>-subject.txt`` and
``<name>-body.txt``, rendered in the site's language. A subject is one line of
fixed text and the site's name: what a reader typed goes in the body only, and
the reader's address only in Reply-To, once a form has validated it.

A failure to send is the task's: the task backend logs it (the immediate backend
at ERROR on the ``django.tasks`` logger), and the web request never fails.
"""

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string

from sitewide import languages
from sitewide.models import SiteSettings


def send(name: str, to: list[str], context: dict, *, reply_to: str = "") -> None:
    """Send the message called name after the commit (at once outside a transaction).

    The context is handed to a task, so it holds JSON values only (str, int, lists).
    """
    if not to:
        return

    def enqueue() -> None:
        deliver.enqueue(name, list(to), context, reply_to)

    # Robust: a queue that refuses the task is logged, not raised into the request.
    transaction.on_commit(enqueue, robust=True)


def render(name: str, context: dict) -> EmailMessage:
    """The message called name, rendered in the site's language; not sent."""
    with languages.in_site_language():
        context = {"site_name": SiteSettings.load().site_name, **context}
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        body = render_to_string(f"emails/{name}-body.txt", context)
    # One line, whatever a template or the site's name holds: a header has no line breaks.
    return EmailMessage(subject=" ".join(subject.split()), body=body.strip() + "\n")


@task
def deliver(name: str, to: list[str], context: dict, reply_to: str = "") -> int:
    """Render and send one message; return how many were sent. Errors are the backend's."""
    message = render(name, context)
    message.to = to
    if reply_to:
        message.reply_to = [reply_to]
    return message.send()
