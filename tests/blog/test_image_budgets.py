"""Images cost no query of their own: a cover is joined to its article, and an image in
a body is already HTML with its srcset. Pages make as many queries with 14 images as
with one."""

import datetime

from django.core.cache import cache
from django.test import TestCase

from pages.models import footer_links
from sitewide.models import SiteSettings
from tests.base import (
    TemporaryMediaMixin,
    make_article,
    make_category,
    make_editor,
    make_image,
    make_superuser,
    sign_in,
)

PUBLISHED_AT = datetime.datetime(2026, 3, 14, 10, 0, tzinfo=datetime.UTC)


class ImageQueryBudgetTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(display_name="Budget Author")
        cls.category = make_category(slug="budget")
        cls.picture = make_image(500, 250)

    def make_articles(self, count: int) -> None:
        for n in range(count):
            cover = make_image(500, 250, alt=f"Cover {n}")
            figures = "".join(
                f'<figure><img src="{self.picture.url}" srcset="{self.picture.srcset}" '
                f'alt="Figure {i}"></figure>'
                for i in range(n + 1)
            )
            make_article(
                author=self.author,
                category=self.category,
                slug=f"budget-{n}-{count}",
                body=f"<p>Text</p>{figures}",
                cover=cover,
                tags=["Budget"],
                published_at=PUBLISHED_AT + datetime.timedelta(hours=n),
            )

    def assertQueries(self, n: int, url: str, alone: int | None = None) -> None:
        """n queries with one article and with fourteen (alone: with one, where fewer)."""
        for count in [1, 14]:
            self.make_articles(count)
            # The article with the most figures: one, then fourteen.
            page = url.replace("{newest}", f"budget-{count - 1}-{count}")
            cache.clear()  # rendered whole: nothing kept from the read before
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            footer_links()  # the footer's pages too
            expected = alone if count == 1 and alone is not None else n
            with self.subTest(images=count, url=url), self.assertNumQueries(expected):
                response = self.client.get(page)
            self.assertEqual(response.status_code, 200)

    def test_home(self):
        # the pinned lead (none), the newest, the latest, the categories of the menu, each
        # one's newest, the newest in other languages: every one with its cover joined
        self.assertQueries(6, "/")

    def test_category(self):
        # category, count, articles with author, category and cover, the menu's categories
        self.assertQueries(4, "/category/budget/")

    def test_feed(self):
        # articles with author, category and cover, their tags
        self.assertQueries(2, "/feed/")

    def test_article_with_a_cover_and_many_figures(self):
        # article with author, category and cover, its tags, its correction notices,
        # previous, next, related articles (two lists of candidates, then those ranked
        # with their covers joined), the menu's categories, its approved comments. Alone,
        # it has no candidate to rank.
        self.assertQueries(10, "/articles/{newest}/", alone=9)

    def test_the_admin_article_list(self):
        sign_in(self.client, make_superuser())
        # session, user, the authenticator app that verified the session, categories and
        # authors for the filters, count of the filtered and of all articles, the page of
        # articles with author and category, their tags, the first and last dates and the
        # days for the date hierarchy, then the session's new expiry (a savepoint, the
        # update, its release)
        self.assertQueries(14, "/admin/blog/article/")

    def test_the_library(self):
        sign_in(self.client, make_superuser())
        # session, user, the authenticator app that verified the session, count of the
        # filtered and of all images, the page of images,
        # the first and last dates and the days for the date hierarchy, then the
        # session's new expiry (a savepoint, the update, its release)
        self.assertQueries(11, "/admin/editing/image/")
