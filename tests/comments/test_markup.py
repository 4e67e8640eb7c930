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


class FormattingTests(TestCase):
    """The small formatting set of a comment, from sitewide.markup: quotes, emphasis."""

    def render(self, text: str) -> str:
        from sitewide.markup import render_comment_text

        return render_comment_text(text)

    def test_quotes_emphasis_and_strong(self):
        self.assertEqual(
            self.render("> Léa wrote:\n> the *first* word\n\nI **disagree**, *really*."),
            "<blockquote><p>Léa wrote:<br>the <em>first</em> word</p></blockquote>"
            "<p>I <strong>disagree</strong>, <em>really</em>.</p>",
        )

    def test_what_is_not_formatting_stays_text(self):
        for text, html in [
            ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
            ("a*b*c", "<p>a*b*c</p>"),
            ("a > b\nb > c", "<p>a &gt; b<br>b &gt; c</p>"),
            ("> quoted\nnot quoted", "<p>&gt; quoted<br>not quoted</p>"),
        ]:
            with self.subTest(text):
                self.assertEqual(self.render(text), html)

    def test_hostile_input_inside_the_formatting_stays_inert(self):
        for text in [
            "**<script>alert(1)</script>**",
            "> <img src=x onerror=alert(1)>",
            '*<a href="javascript:alert(1)">x</a>*',
            "> **javascript:alert(1)**",
        ]:
            with self.subTest(text):
                html = self.render(text)
                for active in ["<script", "<img", "<a ", "javascript:alert(1)</a"]:
                    self.assertNotIn(active, html)

    def test_a_link_in_a_quote_is_still_a_link(self):
        self.assertIn(
            '<blockquote><p>see <a href="https://example.org"',
            self.render("> see https://example.org"),
        )
