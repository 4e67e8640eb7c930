"""The page cache and the site settings on a real Redis, and without one when it is down.

Redis runs on 127.0.0.1:6379 on every machine Carnet is tested on (.ci/run starts it).
"""

import os

from django.core.cache import cache
from django.test import Client, TestCase, override_settings

from sitewide.cache import RedisCache
from sitewide.models import SiteSettings
from tests.base import make_article


class OwnKeysRedisCache(RedisCache):
    """Carnet's Redis cache, whose clear() empties only this test run's keys: FLUSHDB would
    empty the Redis of another run on the same machine in the middle of its tests."""

    def clear(self) -> None:
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=self.make_key("*"), count=1000))
        if keys:
            client.delete(*keys)


def redis_cache(url: str) -> dict:
    """The cache on a real Redis, under a prefix of this test run's own: two runs sharing
    the machine's Redis never see (nor clear) each other's pages, tag counts or reads."""
    return {
        "default": {
            "BACKEND": "tests.sitewide.test_redis.OwnKeysRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"carnet-tests-{os.getpid()}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@override_settings(CACHES=redis_cache("redis://127.0.0.1:6379/15"))
class RedisPageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_article(slug="kept", title="Kept in Redis")

    def setUp(self):
        cache.clear()

    def test_a_kept_page_is_served_from_redis_without_a_query(self):
        for _ in range(2):
            Client().get("/articles/kept/")
        with self.assertNumQueries(0):
            response = Client().get("/articles/kept/")
        self.assertContains(response, "Kept in Redis")

    def test_a_lock_is_released_only_by_the_one_who_holds_it(self):
        from sitewide import cache as safe_cache

        cache.add("carnet-test-lock", 41, 10)
        safe_cache.delete_if("carnet-test-lock", 42)
        self.assertEqual(cache.get("carnet-test-lock"), 41)
        safe_cache.delete_if("carnet-test-lock", 41)
        self.assertIsNone(cache.get("carnet-test-lock"))

    def test_one_redis_client_serves_every_call(self):
        cache.set("carnet-test", 1)
        client = cache._cache.get_client()
        self.assertIs(cache._cache.get_client(write=True), client)
        self.assertEqual(cache.get("carnet-test"), 1)

    def test_the_site_settings_come_from_redis(self):
        SiteSettings.load()
        with self.assertNumQueries(0):
            self.assertEqual(SiteSettings.load().site_name, "Carnet")


@override_settings(CACHES=redis_cache("redis://127.0.0.1:1/0"))
class RedisOutageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_article(slug="served", title="Served all the same")

    def test_pages_are_rendered_when_redis_is_down(self):
        with self.assertLogs("sitewide.cache", level="WARNING"):
            for url in ["/", "/articles/served/", "/feed/", "/en/articles/served/"]:
                with self.subTest(url=url):
                    response = Client().get(url)
                    self.assertEqual(response.status_code, 200)
        self.assertContains(Client().get("/articles/served/"), "Served all the same")
