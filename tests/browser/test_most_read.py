"""Les plus lus: readers read articles, and the front page lists the most read of them, in
order, as does each article page (blog/most_read.py; counted in Redis, as in production)."""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.sitewide.test_redis import redis_cache

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Chromium run headless calls itself HeadlessChrome, which the counter takes for a robot;
# these readers say what a reader's Chromium says.
A_BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def counting():
    """Redis as the cache, the lists rendered again every second."""
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:6379/15"), MOST_READ_SECONDS=1):
        cache.clear()
        yield
        cache.clear()


def read(reader, path: str) -> None:
    """Open an article's page and wait for its script to count the read."""
    with reader.page.expect_response(lambda answer: answer.url.endswith("/read/")) as counted:
        reader.go(path)
    assert counted.value.status == 204
    assert counted.value.request.method == "POST"


def test_the_front_page_lists_what_readers_read_most(front_page, counting, browsing):
    first, second, third = front_page[1], front_page[2], front_page[3]
    for article, times in [(second, 3), (first, 2), (third, 1)]:
        for _ in range(times):
            reader = browsing(user_agent=A_BROWSER)
            read(reader, article.get_absolute_url())
    # A robot's read is not counted, even when it runs the script.
    robot = browsing()
    for _ in range(3):
        read(robot, third.get_absolute_url())

    reader = browsing(user_agent=A_BROWSER)
    reader.page.wait_for_timeout(1_100)  # the list rendered with the first read is due
    reader.go("/")
    most_read = reader.page.get_by_role("region", name="Les plus lus")
    expect(most_read).to_be_visible()
    day = most_read.locator(".most-read__window").first
    expect(day.get_by_role("heading")).to_have_text("Sur 24 heures")
    expect(day.get_by_role("listitem")).to_have_text([second.title, first.title, third.title])
    day.get_by_role("link", name=first.title).click()
    expect(reader.page.locator("h1")).to_have_text(first.title)
    # The article page's script puts the same list after the story.
    expect(
        reader.page.get_by_role("region", name="Les plus lus").get_by_role("listitem").first
    ).to_have_text(second.title)

    # Without JavaScript, the place holds a link to the edition's most-read page.
    no_script = browsing(user_agent=A_BROWSER, java_script_enabled=False)
    no_script.go(first.get_absolute_url())
    no_script.page.get_by_role("link", name="Les plus lus").click()
    expect(no_script.page).to_have_url(re.compile("/most-read/$"))
    expect(
        no_script.page.get_by_role("region", name="Les plus lus").get_by_role("listitem").first
    ).to_have_text(second.title)


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_most_read_list_is_accessible(front_page, counting, browsing, language, theme, device):
    phone = device == "phone"
    prefix = "" if language == "fr" else f"/{language}"
    article = f"{prefix}{front_page[1].get_absolute_url()}"
    # Each edition counts its own readers: the English one those of its pages.
    read(browsing(user_agent=A_BROWSER, locale=language), article)
    # Another reader, once the lists rendered before that read are due (a browser that
    # fetched the most-read page may show its copy a while longer: stale-while-revalidate).
    reader = browsing(
        user_agent=A_BROWSER,
        locale=language,
        color_scheme=theme,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
    )
    reader.page.wait_for_timeout(1_100)
    heading = {"fr": "Les plus lus", "en": "Most read"}[language]
    for path in [f"{prefix}/", article, f"{prefix}/most-read/"]:
        reader.go(path)
        expect(reader.page.get_by_role("region", name=heading)).to_be_visible()
        reader.assert_accessible(f"{path}, most read ({theme}, {device})")
