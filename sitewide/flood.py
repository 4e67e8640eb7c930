"""Flood limits: one post of a kind (a scope: "comments", "contact") per client address
per so many seconds, or one mail of a kind per recipient, holding across gunicorn
workers on SQLite and PostgreSQL.

The time of each address's last post is a row of sitewide.PostingLimit, keyed by a
keyed hash of the scope and address (never the address itself) and row-locked inside
the caller's transaction, so that concurrent posts from one address queue on it.
"""

import datetime

from django.utils.crypto import salted_hmac

from sitewide.http import address_network
from sitewide.models import PostingLimit


def key(scope: str, ip: str) -> str:
    """The row's key: an IPv6 client counts by its /64, so that rotating addresses
    inside one network does not reset the limit (an IPv4 address is itself)."""
    return salted_hmac(f"{scope}.flood", address_network(ip), algorithm="sha256").hexdigest()


def lock(scope: str, ip: str | None, now: datetime.datetime, seconds: int) -> PostingLimit | None:
    """Lock this address's row for scope (created if missing); call inside a transaction.

    None when there is no limit (``seconds`` is 0) or no address to limit.
    """
    if ip is None:
        return None
    return _lock(scope, key(scope, ip), now, seconds)


def lock_recipient(
    scope: str, email: str, now: datetime.datetime, seconds: int
) -> PostingLimit | None:
    """As lock(), for what is sent to one email address, whoever asks for it: asking
    from many client addresses still reaches its owner once per so many seconds."""
    recipient = salted_hmac(f"{scope}.recipient", email.casefold(), algorithm="sha256")
    return _lock(scope, recipient.hexdigest(), now, seconds)


def _lock(scope: str, row: str, now: datetime.datetime, seconds: int) -> PostingLimit | None:
    if not seconds:
        return None
    never = now - datetime.timedelta(days=1, seconds=seconds)
    PostingLimit.objects.bulk_create(
        [PostingLimit(key=row, scope=scope, last_posted_at=never)], ignore_conflicts=True
    )
    return PostingLimit.objects.select_for_update().get(pk=row)


def wait(limit: PostingLimit | None, now: datetime.datetime, seconds: int) -> float:
    """Seconds this address must still wait; 0 lets the post through and notes its time."""
    if limit is None:
        return 0
    left = seconds - (now - limit.last_posted_at).total_seconds()
    if left > 0:
        return left
    limit.last_posted_at = now
    limit.save(update_fields=["last_posted_at"])
    return 0
