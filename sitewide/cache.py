"""The configured cache, read so that an outage of it slows the site down, never breaks it.

With REDIS_URL set the cache is a server that can go away; every read and write
here then answers as a miss, and the caller computes what it needed.
"""

import logging
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)


def get(key: str) -> Any:
    try:
        return cache.get(key)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: reading %s from its source", key, exc_info=True)
        return None


def get_many(keys: list[str]) -> dict[str, Any]:
    try:
        return cache.get_many(keys)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: reading %s from their source", keys, exc_info=True)
        return {}


def set(key: str, value: Any, timeout: int | None = None) -> None:  # noqa: A001
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: %s not stored", key, exc_info=True)


def set_many(values: dict[str, Any], timeout: int | None = None) -> None:
    try:
        cache.set_many(values, timeout)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: %s not stored", list(values), exc_info=True)


def add(key: str, value: Any, timeout: int | None = None) -> bool:
    """Store only if the key is missing; whether it was stored."""
    try:
        return cache.add(key, value, timeout)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: %s not stored", key, exc_info=True)
        return False


def delete_if(key: str, value: int) -> None:
    """Delete key if it still holds value: a lock taken by another worker after this one's
    expired stays theirs. One atomic step on Redis; a read then a delete elsewhere (the
    file and memory caches of development and tests)."""
    try:
        backend = getattr(cache, "_cache", None)
        if isinstance(backend, RedisCacheClient):
            client = backend.get_client(write=True)
            client.eval(_DELETE_IF, 1, cache.make_and_validate_key(key), value)
        elif cache.get(key) == value:
            cache.delete(key)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: %s not deleted", key, exc_info=True)


# Django's Redis cache stores an int as its digits, which ARGV[1] arrives as.
_DELETE_IF = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def incr(key: str) -> int | None:
    """The number at key plus one (atomic on Redis), or None if it is missing."""
    try:
        return cache.incr(key)
    except ValueError:
        return None
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: %s not counted", key, exc_info=True)
        return None


def delete(key: str) -> None:
    try:
        cache.delete(key)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: %s not deleted", key, exc_info=True)


class _OneClientPerPool(RedisCacheClient):
    """Django's client builds a new redis.Redis, with its table of response callbacks,
    on every call: a fifth of a page served from the cache. One per pool serves all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return self._clients[index]


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, with one client per connection pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def validate_key(self, key: str) -> None:
        """Nothing to check: Django warns of keys memcached would refuse (long, or with
        spaces), character by character, for each of the forty keys a page reads at once;
        Redis takes any key."""
