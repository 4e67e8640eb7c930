"""Hostile comment bodies come out as inert text, through sitewide.markup.render_comment_text."""

from html.parser import HTMLParser

from django.test import SimpleTestCase, TestCase

from sitewide.markup import render_comment_text
from tests.base import make_comment
from tests.comments.helpers import post_comment


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


class HostileBodyTests(SimpleTestCase):
    def assertInert(self, html: str) -> None:
        """Only p, br and http(s) links with the comment rel survive as elements."""
        for tag, attrs in elements(html):
            self.assertIn(tag, {"p", "br", "a"}, html)
            if tag == "a":
                self.assertEqual(set(attrs), {"href", "rel"}, html)
                self.assertTrue(attrs["href"].startswith(("http://", "https://")), html)
                self.assertEqual(attrs["rel"], "nofollow ugc noopener")
            else:
                self.assertEqual(attrs, {}, html)

    def test_script_tags_are_shown_as_text(self):
        html = render_comment_text("<script>alert(1)</script>")
        self.assertEqual(html, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")

    def test_event_handlers_are_shown_as_text(self):
        html = render_comment_text('<img src=x onerror="alert(1)"><b onclick=alert(2)>x</b>')
        self.assertInert(html)
        self.assertIn("&lt;img", html)

    def test_javascript_and_data_links_never_become_links(self):
        for body in [
            "javascript:alert(1)",
            '<a href="javascript:alert(1)">click</a>',
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            '<a href="data:text/html,<script>alert(1)</script>">x</a>',
            "JaVaScRiPt:alert(1)",
        ]:
            with self.subTest(body):
                html = render_comment_text(body)
                self.assertInert(html)
                self.assertNotIn("<a ", html)

    def test_svg_is_shown_as_text(self):
        html = render_comment_text("<svg onload=alert(1)><circle r=1 /></svg>")
        self.assertInert(html)
        self.assertIn("&lt;svg", html)

    def test_unclosed_tags_are_shown_as_text(self):
        html = render_comment_text("<b>bold <i>unclosed <script")
        self.assertEqual(html, "<p>&lt;b&gt;bold &lt;i&gt;unclosed &lt;script</p>")

    def test_entities_never_become_markup(self):
        bodies = [
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&#x3C;b&#x3E;",
            "&#60;svg&#62;",
            "&amp;lt;i&amp;gt;",
            "&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;",
        ]
        for body in bodies:
            with self.subTest(body):
                html = render_comment_text(body)
                self.assertInert(html)
                self.assertEqual([tag for tag, _ in elements(html)], ["p"])

    def test_urls_become_nofollow_ugc_noopener_links(self):
        html = render_comment_text("Read https://example.com/a?b=1&c=2 now")
        self.assertEqual(
            html,
            '<p>Read <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
            "https://example.com/a?b=1&amp;c=2</a> now</p>",
        )

    def test_a_url_with_a_quote_cannot_break_out_of_its_attribute(self):
        html = render_comment_text('https://example.com/"onmouseover="alert(1)')
        self.assertInert(html)

    def test_paragraphs_and_line_breaks_are_kept(self):
        self.assertEqual(
            render_comment_text("one\ntwo\n\n\nthree"), "<p>one<br>two</p><p>three</p>"
        )


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
