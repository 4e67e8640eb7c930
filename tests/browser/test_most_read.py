"""Les plus lus: readers read articles, and the front page lists the most read of them, in
order, as does each article page (blog/most_read.py; counted in Redis, as in production)."""

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


def read(reader, article) -> None:
    """Open an article's page and wait for its script to count the read."""
    with reader.page.expect_response(lambda response: "/read/" in response.url) as counted:
        reader.go(article.get_absolute_url())
    assert counted.value.status == 204
    assert counted.value.request.method == "POST"


def test_the_front_page_lists_what_readers_read_most(front_page, counting, browsing):
    first, second, third = front_page[1], front_page[2], front_page[3]
    for article, times in [(second, 3), (first, 2), (third, 1)]:
        for _ in range(times):
            reader = browsing(user_agent=A_BROWSER)
            read(reader, article)
    # A robot's read is not counted, even when it runs the script.
    robot = browsing()
    for _ in range(3):
        read(robot, third)

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
    # The article page shows the same list, after the story.
    expect(
        reader.page.get_by_role("region", name="Les plus lus").get_by_role("listitem").first
    ).to_have_text(second.title)


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_most_read_list_is_accessible(front_page, counting, browsing, theme, device):
    phone = device == "phone"
    reader = browsing(
        user_agent=A_BROWSER,
        color_scheme=theme,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
    )
    article = front_page[1]
    read(reader, article)
    reader.page.wait_for_timeout(1_100)
    for path in ["/", article.get_absolute_url()]:
        reader.go(path)
        expect(reader.page.get_by_role("region", name="Les plus lus")).to_be_visible()
        reader.assert_accessible(f"{path}, most read ({theme}, {device})")
