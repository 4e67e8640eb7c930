"""Settings every test runs with, and a clean cache for each test."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings
from django.utils import translation

from sitewide.cache import CACHE_ERRORS

TEST_SETTINGS = override_settings(
    # For speed: the whole suite pays for PBKDF2 otherwise (healthchecks does the same).
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    # In-process, so that a test run never touches the cache `make run` serves from.
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    # Mail runs right after the commit, so that a test reads it in mail.outbox;
    # tests/sitewide/test_mail.py runs the database queue and its worker too.
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    # As in production (DEBUG off): superusers and editors-in-chief sign in in two steps.
    # tests.base.sign_in gives a test client a whole sign-in; the browser tests run the
    # demo, which turns it off as `make run` does.
    TWO_STEP_REQUIRED=True,
    # A page a change made stale is rendered for the reader who finds it, so that a test
    # reads the change at once; tests/sitewide/test_pagecache.py and test_cache_tags.py
    # prove the production path (that reader served the stale copy, the page rendered
    # once their answer has gone out).
    CARNET_PAGE_STALE_SERVE_SECONDS=0,
    # No test asks YouTube or Mastodon anything; tests/sitewide/test_embeds.py answers
    # for them.
    EMBED_LOOKUPS=False,
    # A configured email service, so that anymail's webhooks answer (config/urls.py reads
    # this when first imported); tests/newsletter/test_providers.py signs its posts so.
    ANYMAIL={
        "WEBHOOK_SECRET": "carnet:webhook-secret",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-signing-key",
    },
)


def pytest_configure(config: pytest.Config) -> None:
    TEST_SETTINGS.enable()


def pytest_unconfigure(config: pytest.Config) -> None:
    TEST_SETTINGS.disable()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The database is rolled back after each test; what the cache kept of it goes too."""
    _clear()
    yield
    _clear()


@pytest.fixture(autouse=True)
def _site_language():
    """A request under /en/ leaves English active in the thread (as a worker would keep
    it until its next request); each test starts in the site's language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _clear() -> None:
    try:
        cache.clear()
    except CACHE_ERRORS:  # a test of a Redis outage
        pass
