"""The links Carnet emails a commenter: signed for one purpose, expiring, tied to an address.

A confirmation or unsubscribe link names a comment and carries a keyed digest of its
address, so that it stops working once the comment is gone or its commenter's data is
erased. A manage link names the address itself (by its keyed hash, the comment's
commenter_key), never one comment: it opens its owner's comments, however many they
delete, until it expires. Each purpose has its own salt and lifetime: a confirmation
link cannot be replayed as a manage link.

The secret of a confirmation or manage link travels after the "#" of its address,
which browsers never send: no access log, proxy or Referer ever holds it. The page at
that address posts it (a small script does, or the reader pastes it without one).
Unsubscribe links keep theirs in the path: RFC 8058's one-click POST goes to the
address in the mail's header as it is, and such a link can only stop notices.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from comments.models import Comment, commenter_key_for


@dataclass(frozen=True)
class Purpose:
    name: str
    url_name: str
    max_age: datetime.timedelta
    # Whether the token goes after "#", to a page that posts it, rather than in the path.
    in_fragment: bool = True


CONFIRM = Purpose("confirm", "comments:confirm_open", datetime.timedelta(days=7))
MANAGE = Purpose("manage", "comments:manage_open", datetime.timedelta(days=7))
# One-click unsubscribe must keep working for as long as notices may sit in a mailbox.
UNSUBSCRIBE = Purpose(
    "unsubscribe", "comments:unsubscribe", datetime.timedelta(days=365), in_fragment=False
)


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
    """The signed token of a link to comment for purpose (a manage link: to its address)."""
    if purpose is MANAGE:
        return make_manage(comment.email)
    return signing.dumps(
        {"c": comment.pk, "h": _digest(comment.email)}, salt=f"comments.{purpose.name}"
    )


def make_manage(email: str) -> str:
    """The signed token of the link to manage every comment left with email."""
    return signing.dumps({"k": commenter_key_for(email)}, salt=f"comments.{MANAGE.name}")


def path(purpose: Purpose, comment: Comment) -> str:
    """The link's path (reverse it in the language the email is written in)."""
    return path_for(purpose, make(purpose, comment))


def path_for(purpose: Purpose, token: str) -> str:
    if purpose.in_fragment:
        return f"{reverse(purpose.url_name)}#{token}"
    return reverse(purpose.url_name, kwargs={"token": token})


def _payload(purpose: Purpose, token: str) -> dict:
    try:
        payload = signing.loads(token, salt=f"comments.{purpose.name}", max_age=purpose.max_age)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except signing.BadSignature:
        raise BadLink from None
    if not isinstance(payload, dict):
        raise BadLink
    return payload


def read(purpose: Purpose, token: str) -> Comment:
    """The comment a link names, with its article; raises a BadLink saying why not."""
    payload = _payload(purpose, token)
    if not isinstance(payload.get("c"), int):
        raise BadLink
    comment = Comment.objects.select_related("article").filter(pk=payload["c"]).first()
    if comment is None or not comment.email:
        raise UnknownLink
    if not constant_time_compare(_digest(comment.email), str(payload.get("h", ""))):
        raise UnknownLink
    return comment


def read_manage(token: str) -> str:
    """The commenter_key a manage link opens; raises a BadLink saying why not.

    A link mailed before manage links named the address names one comment: it opens
    that comment's address while the comment is there.
    """
    payload = _payload(MANAGE, token)
    key = payload.get("k")
    if isinstance(key, str) and key:
        return key
    return read(MANAGE, token).commenter_key
