"""Long discussions come in pages of threads; the count stays exact and every comment findable."""

import datetime

from django.test import TestCase, override_settings
from django.utils import timezone

from comments.models import Comment
from sitewide.models import SiteSettings
from tests.base import make_article, make_comment
from tests.comments.helpers import post_comment


@override_settings(COMMENTS_PER_PAGE=2)
class CommentPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="debate")
        start = timezone.now() - datetime.timedelta(hours=1)
        cls.threads = [
            make_comment(
                article=cls.article,
                name=f"Top {n}",
                submitted_at=start + datetime.timedelta(minutes=n),
            )
            for n in range(5)
        ]
        # A late reply to the first thread stays with its thread, on the first page.
        cls.reply = make_comment(
            article=cls.article,
            parent=cls.threads[0],
            name="Late reply",
            submitted_at=start + datetime.timedelta(minutes=30),
        )

    def listed(self, url: str) -> list[str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        # The list as the page shows it: each thread's first comment, then its replies (↳).
        shown = response.context["comments"]
        return [c.name if c.starts_thread else f"↳ {c.name}" for c in shown]

    def names(self, url: str) -> list[str]:
        return [name.removeprefix("↳ ") for name in self.listed(url)]

    def test_each_page_holds_its_threads_with_their_replies(self):
        self.assertEqual(self.listed("/en/articles/debate/"), ["Top 0", "↳ Late reply", "Top 1"])
        self.assertEqual(self.names("/en/articles/debate/?comments=2"), ["Top 2", "Top 3"])
        self.assertEqual(self.names("/en/articles/debate/?comments=3"), ["Top 4"])

    def test_the_count_is_every_approved_comment_on_every_page(self):
        for url in ["/en/articles/debate/", "/en/articles/debate/?comments=3"]:
            self.assertContains(self.client.get(url), '<h2 id="comments-title">6 comments</h2>')

    def test_pages_link_to_each_other(self):
        first = self.client.get("/en/articles/debate/")
        self.assertContains(first, 'href="?comments=2#comments">Later comments →</a>')
        self.assertNotContains(first, "Earlier comments")
        second = self.client.get("/en/articles/debate/?comments=2")
        self.assertContains(second, 'href="/en/articles/debate/#comments">← Earlier comments')
        self.assertContains(second, 'href="?comments=3#comments">Later comments')
        self.assertNotContains(
            self.client.get("/en/articles/debate/?comments=3"), "Later comments"
        )

    def test_the_pager_is_above_and_below_and_says_which_page_of_how_many(self):
        second = self.client.get("/en/articles/debate/?comments=2").content.decode()
        self.assertEqual(second.count("Comments, page 2 of 3"), 2)
        self.assertEqual(second.count('rel="next"'), 2)
        comments = second.split('id="comments"')[1]
        # One pager before the first comment, one after the last.
        self.assertLess(comments.index("page 2 of 3"), comments.index('class="comment-list"'))
        self.assertGreater(comments.rindex("page 2 of 3"), comments.rindex("comment__body"))

    def test_a_single_page_has_no_pager(self):
        article = make_article(slug="quiet")
        make_comment(article=article)
        self.assertNotContains(self.client.get("/en/articles/quiet/"), "Comments, page")

    def test_a_page_past_the_last_is_not_found(self):
        self.assertEqual(self.client.get("/en/articles/debate/?comments=4").status_code, 404)
        self.assertEqual(self.client.get("/en/articles/debate/?comments=x").status_code, 200)

    def test_a_comments_lasting_address_leads_to_its_page(self):
        for comment, page in [
            (self.threads[0], "/articles/debate/#comment-{}"),
            (self.reply, "/articles/debate/#comment-{}"),
            (self.threads[3], "/articles/debate/?comments=2#comment-{}"),
            (self.threads[4], "/articles/debate/?comments=3#comment-{}"),
        ]:
            with self.subTest(comment=comment.name):
                url = f"/articles/debate/comments/{comment.pk}/"
                self.assertEqual(comment.get_absolute_url(), url)
                self.assertRedirects(
                    self.client.get(url), page.format(comment.pk), fetch_redirect_response=False
                )

    def test_a_comment_the_public_cannot_see_has_no_address(self):
        held = make_comment(article=self.article, status=Comment.Status.PENDING)
        self.assertEqual(self.client.get(f"/articles/debate/comments/{held.pk}/").status_code, 404)
        self.assertEqual(
            self.client.get(f"/articles/other/comments/{self.reply.pk}/").status_code, 404
        )

    def test_a_reply_link_keeps_its_page(self):
        response = self.client.get("/en/articles/debate/?comments=2")
        self.assertContains(
            response, f'href="?comments=2&amp;reply_to={self.threads[2].pk}#comment-form"'
        )
        response = self.client.get(
            f"/en/articles/debate/?comments=2&reply_to={self.threads[2].pk}"
        )
        self.assertContains(response, "Reply to Top 2")

    def test_the_poster_finds_their_held_reply_on_its_threads_page(self):
        response = post_comment(self.client, self.article, parent=self.threads[3].pk)
        held = Comment.objects.in_moderation().get()
        self.assertEqual(
            response["Location"], f"/en/articles/debate/?comments=2#comment-{held.pk}"
        )
        self.assertIn("Camille", self.names("/en/articles/debate/?comments=2"))
        self.assertNotIn("Camille", self.names("/en/articles/debate/"))

    def test_the_poster_finds_their_held_thread_on_the_last_page(self):
        post_comment(self.client, self.article, body="A new thread")
        self.assertIn("Camille", self.names("/en/articles/debate/?comments=3"))
        self.assertNotIn("Camille", self.names("/en/articles/debate/"))
