"""Hostile comments come out as inert text on the article page.

The renderer's table of attacks, sitewide.markup.render_comment_text, is tested in
tests/sitewide/test_markup.py; here the comments app shows its output on the page.
"""

from django.test import TestCase

from tests.base import make_comment
from tests.comments.helpers import post_comment


class HostileCommentOnThePageTests(TestCase):
    def test_a_hostile_comment_is_inert_on_the_article_page(self):
        comment = make_comment(
            name='<script>alert("name")</script>',
            website="https://example.com/",
            body="<script>alert(1)</script><img src=x onerror=alert(2)> javascript:alert(3)",
        )
        response = self.client.get(comment.article.get_absolute_url())
        content = response.content.decode()
        self.assertNotIn("<script>alert", content)
        self.assertNotIn("<img src=x", content)
        self.assertIn("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;", content)

    def test_a_hostile_post_is_stored_as_text(self):
        comment_article = make_comment().article
        post_comment(self.client, comment_article, body="<svg onload=alert(1)>")
        self.assertIn("&lt;svg", comment_article.comments.latest("pk").body_html)
