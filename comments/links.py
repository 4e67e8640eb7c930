"""The links Carnet emails a commenter: signed for one purpose, expiring, tied to an address.

A link names a comment and carries a keyed digest of its address (never the address:
links end up in access logs), so that a link stops working once the comment is gone
or its commenter's data is erased. Each purpose has its own salt and lifetime: a
confirmation link cannot be replayed as a manage link.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from comments.models import Comment


@dataclass(frozen=True)
class Purpose:
    name: str
    url_name: str
    max_age: datetime.timedelta


CONFIRM = Purpose("confirm", "comments:confirm", datetime.timedelta(days=7))
MANAGE = Purpose("manage", "comments:manage", datetime.timedelta(days=7))
# One-click unsubscribe must keep working for as long as notices may sit in a mailbox.
UNSUBSCRIBE = Purpose("unsubscribe", "comments:unsubscribe", datetime.timedelta(days=365))


class BadLink(Exception):
    """A link that does not open: tampered with, expired, or about data that is gone."""

    status = 400


class ExpiredLink(BadLink):
    status = 410


class UnknownLink(BadLink):
    """Well signed, but its comment is gone or its commenter's data was erased."""

    status = 404


def _digest(email: str) -> str:
    return salted_hmac(
        "comments.links.owner", email.strip().lower(), algorithm="sha256"
    ).hexdigest()[:32]


def make(purpose: Purpose, comment: Comment) -> str:
    """The signed token of a link to comment for purpose."""
    return signing.dumps(
        {"c": comment.pk, "h": _digest(comment.email)}, salt=f"comments.{purpose.name}"
    )


def path(purpose: Purpose, comment: Comment) -> str:
    """The link's path (reverse it in the language the email is written in)."""
    return reverse(purpose.url_name, kwargs={"token": make(purpose, comment)})


def read(purpose: Purpose, token: str) -> Comment:
    """The comment a link names, with its article; raises a BadLink saying why not."""
    salt = f"comments.{purpose.name}"
    try:
        payload = signing.loads(token, salt=salt, max_age=purpose.max_age)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except signing.BadSignature:
        raise BadLink from None
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int):
        raise BadLink
    comment = Comment.objects.select_related("article").filter(pk=payload["c"]).first()
    if comment is None or not comment.email:
        raise UnknownLink
    if not constant_time_compare(_digest(comment.email), str(payload.get("h", ""))):
        raise UnknownLink
    return comment
