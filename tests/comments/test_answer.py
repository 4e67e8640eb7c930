"""A stored comment is always answered as stored (303), whatever fails after the commit."""

from contextlib import ExitStack
from unittest import mock

from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import TestCase

from accounts.models import User
from comments import posting
from comments.models import Comment
from tests.base import make_article
from tests.comments.helpers import post_comment


class StoredCommentAnswerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="open")
        # Someone to notify, so that the comment enqueues a message.
        User.objects.create_superuser("root", "root@carnet.example", "pw")

    def assertStoredAndAnswered(self, response) -> None:
        comment = Comment.objects.get()
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], f"/en/articles/open/#comment-{comment.pk}")
        # The browser still finds its pending comment.
        self.assertIn("carnet_pending", response.cookies)

    def test_a_queue_that_fails_after_the_commit_still_answers_303(self):
        with (
            mock.patch(
                "django.tasks.backends.immediate.ImmediateBackend.enqueue",
                side_effect=OperationalError("gone"),
            ),
            self.assertLogs(level="ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = post_comment(self.client, self.article)
        self.assertStoredAndAnswered(response)

    def test_a_message_store_that_fails_after_the_commit_still_answers_303(self):
        with (
            mock.patch(
                "django.contrib.messages.storage.cookie.CookieStorage.add",
                side_effect=OSError("broken"),
            ),
            self.assertLogs("comments.views", level="ERROR"),
        ):
            response = post_comment(self.client, self.article)
        self.assertStoredAndAnswered(response)

    def test_a_database_lost_right_after_the_commit_still_answers_303(self):
        real_post = posting.post
        with ExitStack() as outage:

            def post_then_lose_the_database(request, form):
                comment = real_post(request, form)
                outage.enter_context(
                    mock.patch.object(
                        CursorWrapper, "execute", side_effect=OperationalError("server gone")
                    )
                )
                return comment

            with mock.patch.object(posting, "post", post_then_lose_the_database):
                response = post_comment(self.client, self.article)
        self.assertStoredAndAnswered(response)
