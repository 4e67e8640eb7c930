"""A refused comment comes back on the article page, its words kept and the reason beside
it, with the status that says why (tests/comments/test_spam.py covers the checks)."""

import datetime
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone

from comments.models import Comment
from sitewide.models import SiteSettings
from tests.base import make_article
from tests.comments.helpers import post_comment


class RefusalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="refused", title="The refused article")

    def assertArticleWithWords(self, response, status: int, reason: str, words: str) -> None:
        self.assertContains(response, '<h1 class="article__title"', status_code=status)
        self.assertContains(response, 'id="comment-form"', status_code=status)
        self.assertContains(response, f"{words}</textarea>", status_code=status)
        self.assertContains(response, reason, status_code=status)
        self.assertContains(response, 'id="error-summary"', status_code=status)

    @override_settings(COMMENTS_FLOOD_SECONDS=15)
    def test_too_fast_answers_429_with_retry_after_and_the_text_kept(self):
        # Both posts at one instant: on a loaded machine the real clock moved between
        # them, and the wait left was 13 or 14 seconds.
        with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
            post_comment(self.client, self.article, body="First words")
            response = post_comment(self.client, self.article, body="Second words, typed fast")
        self.assertArticleWithWords(
            response,
            429,
            "You are commenting too fast. Please wait 15 seconds.",
            "Second words, typed fast",
        )
        self.assertEqual(response["Retry-After"], "15")
        self.assertEqual(Comment.objects.count(), 1)

    def test_a_replayed_post_answers_409_with_the_text_kept(self):
        post_comment(self.client, self.article, body="Sent twice")
        response = post_comment(self.client, self.article, body="Sent twice", ip="198.51.100.9")
        self.assertArticleWithWords(
            response, 409, "This comment has already been sent.", "Sent twice"
        )

    def test_closed_comments_answer_403_with_the_text_kept(self):
        article = make_article(
            slug="old", published_at=timezone.now() - datetime.timedelta(days=60)
        )
        site = SiteSettings.load()
        site.comments_close_after_days = 30
        site.save()
        response = post_comment(self.client, article, body="Too late, but mine")
        self.assertArticleWithWords(
            response, 403, "Comments are closed on this article.", "Too late, but mine"
        )
        self.assertFalse(Comment.objects.exists())

    def test_a_refusal_is_never_kept_by_a_cache(self):
        post_comment(self.client, self.article, body="Sent twice")
        response = post_comment(self.client, self.article, body="Sent twice", ip="198.51.100.9")
        self.assertIn("no-store", response["Cache-Control"])


class FormStampTests(TestCase):
    def test_the_stamp_is_the_same_bytes_all_hour_long(self):
        """A stamp that changed every second would change the page's bytes and ETag."""
        from unittest import mock

        from comments.forms import issue_token

        article = make_article()
        hour = 1_800_000_000 // 3600 * 3600
        with mock.patch("time.time", return_value=hour + 5):
            first = issue_token(article, issued_at=hour + 5)
        with mock.patch("time.time", return_value=hour + 3000):
            later = issue_token(article, issued_at=hour + 3000)
        self.assertEqual(first, later)
        self.assertNotEqual(first, issue_token(article, issued_at=hour + 3600))


class FieldRefusalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="refused-fields")

    assertArticleWithWords = RefusalTests.assertArticleWithWords

    def test_a_wrong_website_is_listed_once(self):
        for website in ["not an address", "javascript:alert(1)", "https://exa\x01mple.org"]:
            with self.subTest(website):
                response = post_comment(self.client, self.article, website=website)
                summary = (
                    response.content.decode().split('id="error-summary"')[1].split("</ul>")[0]
                )
                self.assertEqual(summary.count("Website:"), 1, summary)
                self.assertContains(response, "Enter a valid URL.", count=2, status_code=400)

    def test_a_comment_past_the_limit_is_refused_plainly_and_kept_whole(self):
        words = ("Long words. " * 500)[:5999] + "!"
        response = post_comment(self.client, self.article, body=words)
        self.assertArticleWithWords(response, 400, "at most 5000 characters (it has 6000)", words)
        # No browser cut: the box carries no maxlength, only the limit for the counter.
        self.assertNotContains(response, 'maxlength="5000"', status_code=400)
        self.assertContains(response, 'data-max-length="5000"', status_code=400)
        self.assertFalse(Comment.objects.exists())
