"""sitewide.markup is the one sanitiser: hostile input in, safe HTML out.

One test per attack pattern, so that a failure names the pattern that got through.
"""

import re

from django.test import SimpleTestCase

from sitewide.markup import (
    clean_article_html,
    has_control_characters,
    render_comment_text,
    strip_control_characters,
)


class CleanArticleHtmlHostileInputTests(SimpleTestCase):
    def assertClean(self, html: str, expected: str):
        self.assertEqual(clean_article_html(html), expected)

    def assertNoActiveContent(self, cleaned: str):
        """Nothing a browser would run or load from another origin survives."""
        lowered = cleaned.lower()
        for needle in ["<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math",
                       "<form", "<input", "<base", "<meta", "<link", " on", "style=",
                       "javascript:", "vbscript:", "data:"]:  # fmt: skip
            self.assertNotIn(needle, lowered)

    def test_it_drops_script_elements_and_their_content(self):
        self.assertClean("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>")

    def test_it_drops_script_elements_in_any_case(self):
        self.assertClean("<SCRIPT type='text/javascript'>alert(1)</SCRIPT >", "")

    def test_it_drops_script_elements_split_to_dodge_a_filter(self):
        cleaned = clean_article_html("<scr<script></script>ipt>alert(1)</script>")
        self.assertNoActiveContent(cleaned)
        self.assertNotIn("<", cleaned)

    def test_it_escapes_what_follows_an_unclosed_script_tag(self):
        cleaned = clean_article_html("<p>x</p><script>alert(1)")
        self.assertNoActiveContent(cleaned)
        self.assertTrue(cleaned.startswith("<p>x</p>"))

    def test_it_drops_style_elements_and_their_content(self):
        self.assertClean("<style>body { display: none }</style><p>x</p>", "<p>x</p>")

    def test_it_drops_event_handler_attributes(self):
        self.assertClean(
            '<p onclick="a()" ONMOUSEOVER="b()" title="t">x</p>'
            '<img src="https://example.com/i.png" alt="i" onerror="c()">',
            '<p>x</p><img loading="lazy" decoding="async" src="https://example.com/i.png" '
            'alt="i">',
        )

    def test_it_drops_event_handlers_on_unquoted_and_slashed_attributes(self):
        self.assertNoActiveContent(clean_article_html("<img/src=x/onerror=alert(1)>"))
        self.assertNoActiveContent(clean_article_html("<p/onmouseover=alert(1)>x</p>"))

    def test_it_drops_javascript_urls_in_href(self):
        self.assertClean('<a href="javascript:alert(1)">x</a>', "<a>x</a>")

    def test_it_drops_javascript_urls_in_mixed_case(self):
        self.assertClean('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>")

    def test_it_drops_javascript_urls_with_leading_whitespace(self):
        self.assertClean('<a href="  \tjavascript:alert(1)">x</a>', "<a>x</a>")

    def test_it_drops_javascript_urls_split_by_an_entity_tab(self):
        self.assertClean('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a>x</a>")

    def test_it_drops_javascript_urls_split_by_a_raw_tab_or_newline(self):
        self.assertClean('<a href="jav\tascript:alert(1)">x</a>', "<a>x</a>")
        self.assertClean('<a href="jav\nascript:alert(1)">x</a>', "<a>x</a>")

    def test_it_drops_javascript_urls_written_as_entities(self):
        self.assertClean('<a href="&#106;avascript&#58;alert(1)">x</a>', "<a>x</a>")
        self.assertClean(
            '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;'
            'alert(1)">x</a>',
            "<a>x</a>",
        )

    def test_it_drops_javascript_urls_behind_a_control_character(self):
        self.assertClean('<a href="\x01javascript:alert(1)">x</a>', "<a>x</a>")

    def test_it_drops_unquoted_javascript_urls(self):
        self.assertClean("<a href=javascript:alert(1)>x</a>", "<a>x</a>")

    def test_it_drops_vbscript_urls(self):
        self.assertClean('<a href="VBScript:msgbox(1)">x</a>', "<a>x</a>")

    def test_it_drops_data_urls_in_href(self):
        self.assertClean('<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>")
        self.assertClean('<a href="DATA:text/html;base64,PHNjcmlwdD4=">x</a>', "<a>x</a>")

    def test_it_drops_javascript_urls_in_src(self):
        self.assertClean(
            '<img src="javascript:alert(1)" alt="x">',
            '<img loading="lazy" decoding="async" alt="x">',
        )

    def test_it_drops_data_urls_in_src(self):
        self.assertClean(
            '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">',
            '<img loading="lazy" decoding="async" alt="x">',
        )

    def test_it_drops_iframes(self):
        self.assertClean('<iframe src="https://evil.example"></iframe><p>ok</p>', "<p>ok</p>")

    def test_it_drops_unclosed_iframes(self):
        self.assertNoActiveContent(clean_article_html('<iframe src="https://evil.example">'))

    def test_it_drops_objects(self):
        self.assertClean('<object data="x.swf"><param name="a" value="b"></object><p>ok</p>',
                         "<p>ok</p>")  # fmt: skip

    def test_it_drops_embeds(self):
        self.assertClean('<embed src="x.swf"><p>ok</p>', "<p>ok</p>")

    def test_it_drops_svg(self):
        self.assertClean('<svg onload="alert(1)"><circle r="1"/></svg><p>ok</p>', "<p>ok</p>")
        self.assertNoActiveContent(clean_article_html("<svg/onload=alert(1)>"))

    def test_it_drops_math(self):
        self.assertClean("<math><mtext><script>alert(1)</script></mtext></math><p>ok</p>",
                         "<p>ok</p>")  # fmt: skip

    def test_it_drops_forms_and_inputs(self):
        self.assertClean(
            '<form action="https://evil.example"><input name="password" onfocus="a()" '
            "autofocus><button>Go</button></form>",
            "Go",
        )

    def test_it_drops_style_attributes(self):
        self.assertClean('<p style="position:fixed;top:0">x</p>', "<p>x</p>")

    def test_it_closes_unclosed_tags(self):
        self.assertClean("<p><strong>unclosed", "<p><strong>unclosed</strong></p>")

    def test_it_escapes_a_broken_tag(self):
        self.assertClean("<p>1 < 2</p><p", "<p>1 &lt; 2</p>&lt;p")

    def test_it_drops_an_attribute_left_unterminated(self):
        self.assertNoActiveContent(clean_article_html('<a href="javascript:alert(1)'))

    def test_it_drops_html_comments(self):
        self.assertClean("<!-- secret note --><p>x</p>", "<p>x</p>")

    def test_it_drops_conditional_comments(self):
        self.assertClean("<!--[if IE]><script>alert(1)</script><![endif]--><p>x</p>", "<p>x</p>")

    def test_it_escapes_a_comment_closed_early(self):
        cleaned = clean_article_html("<!--><script>alert(1)</script>-->")
        self.assertNoActiveContent(cleaned)

    def test_it_drops_base(self):
        self.assertClean('<base href="https://evil.example/"><p>x</p>', "<p>x</p>")

    def test_it_drops_meta(self):
        self.assertClean('<meta http-equiv="refresh" content="0;url=https://evil.example">', "")

    def test_it_drops_link(self):
        self.assertClean('<link rel="stylesheet" href="https://evil.example/x.css">', "")

    def test_it_removes_nul_and_control_characters(self):
        self.assertClean("<p>a\x00b\x07c\x1bd\x7fe</p\x00>", "<p>abcde</p>")

    def test_it_keeps_tabs_and_newlines(self):
        self.assertClean("<pre>a\tb\nc</pre>", "<pre>a\tb\nc</pre>")

    def test_it_drops_mutation_xss_through_noscript(self):
        cleaned = clean_article_html(
            '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'
        )
        self.assertNoActiveContent(cleaned)

    def test_it_drops_mutation_xss_through_svg_and_style(self):
        cleaned = clean_article_html(
            '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'
        )
        self.assertNoActiveContent(cleaned)

    def test_it_drops_raw_text_elements(self):
        for tag in ["textarea", "xmp", "title", "noscript", "template"]:
            with self.subTest(tag=tag):
                self.assertNoActiveContent(
                    clean_article_html(f"<{tag}><script>alert(1)</script></{tag}>")
                )

    def test_it_drops_link_targets_and_rel(self):
        self.assertClean(
            '<a href="https://example.com" target="_blank" rel="opener">x</a>',
            '<a href="https://example.com">x</a>',
        )

    def test_it_drops_code_classes_other_than_a_language(self):
        self.assertClean('<code class="language-python evil">x</code>', "<code>x</code>")
        self.assertClean('<code class="x" onclick="a()">x</code>', "<code>x</code>")

    def test_it_drops_image_sizes_that_are_not_numbers(self):
        self.assertClean(
            '<img src="/i.png" alt="" width="100%" height="1;x">',
            '<img loading="lazy" decoding="async" src="/i.png" alt="">',
        )

    def test_it_keeps_the_text_of_tags_it_strips(self):
        self.assertClean('<h1>Big</h1><div class="x"><span>s</span></div>', "Big\ns")

    def test_it_accepts_empty_and_missing_input(self):
        self.assertEqual(clean_article_html(""), "")
        self.assertEqual(clean_article_html(None), "")


class CleanArticleHtmlAllowedContentTests(SimpleTestCase):
    def assertKept(self, html: str):
        self.assertEqual(clean_article_html(html), html)

    def test_it_keeps_paragraphs_and_headings(self):
        self.assertKept("<h2>Title</h2><p>Text</p><h3>Sub</h3><p>More</p>")

    def test_it_keeps_lists(self):
        self.assertKept(
            '<ul><li>a</li></ul><ol start="3"><li>b</li></ol><dl><dt>t</dt><dd>d</dd></dl>'
        )

    def test_it_keeps_http_https_and_mailto_links(self):
        self.assertKept(
            '<p><a href="https://example.com/a?b=1&amp;c=2" title="t">s</a> '
            '<a href="http://example.com">h</a> <a href="mailto:ed@example.com">m</a> '
            '<a href="/articles/x/">r</a> <a href="#note">n</a></p>'
        )

    def test_it_keeps_emphasis(self):
        self.assertKept("<p><em>e</em> <strong>s</strong> <i>i</i> <b>b</b> <mark>m</mark></p>")

    def test_it_keeps_blockquotes(self):
        self.assertKept('<blockquote cite="https://example.com"><p>Quote</p></blockquote>')

    def test_it_keeps_figures_with_images_and_alt_text(self):
        self.assertEqual(
            clean_article_html(
                '<figure><img src="https://example.com/i.png" alt="A map" width="800" '
                'height="600"><figcaption>The map</figcaption></figure>'
            ),
            '<figure><img loading="lazy" decoding="async" src="https://example.com/i.png" '
            'alt="A map" width="800" height="600"><figcaption>The map</figcaption></figure>',
        )

    def test_it_keeps_code_blocks_with_a_language_class(self):
        self.assertKept('<pre><code class="language-python">print("hi") &lt;3</code></pre>')

    def test_it_keeps_tables(self):
        self.assertKept(
            '<table><caption>c</caption><thead><tr><th scope="col">h</th></tr></thead>'
            '<tbody><tr><td colspan="2">d</td></tr></tbody></table>'
        )

    def test_it_keeps_language_attributes(self):
        self.assertKept('<p lang="en" dir="ltr">Hello</p>')


class RenderCommentTextTests(SimpleTestCase):
    def test_it_shows_html_as_text(self):
        self.assertEqual(
            render_comment_text("<b>hi</b> <script>alert(1)</script>"),
            "<p>&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        )

    def test_it_shows_a_link_tag_as_text(self):
        self.assertEqual(
            render_comment_text('<a href="javascript:alert(1)">x</a>'),
            '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>',
        )

    def test_it_keeps_paragraphs_and_line_breaks(self):
        self.assertEqual(
            render_comment_text("one\r\ntwo\r\n\r\n\n  three\n"), "<p>one<br>two</p><p>three</p>"
        )

    def test_it_linkifies_urls_with_nofollow_ugc_noopener(self):
        self.assertEqual(
            render_comment_text("See https://example.com/a?b=1&c=2 now"),
            '<p>See <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
            "https://example.com/a?b=1&amp;c=2</a> now</p>",
        )

    def test_it_linkifies_bare_domains_over_http(self):
        self.assertEqual(
            render_comment_text("www.example.com"),
            '<p><a href="http://www.example.com" rel="nofollow ugc noopener">'
            "www.example.com</a></p>",
        )

    def test_it_never_links_javascript_urls(self):
        for text in ["javascript:alert(1)", "JavaScript:alert(document.cookie)"]:
            with self.subTest(text=text):
                html = render_comment_text(text)
                self.assertNotIn("<a", html)

    def test_it_links_only_the_http_part_of_a_javascript_url(self):
        html = render_comment_text("javascript://example.com/%0Aalert(1)")
        self.assertNotIn('href="javascript', html)
        for href in re.findall(r'href="([^"]*)"', html):
            self.assertTrue(href.startswith("http://"), href)

    def test_it_never_links_vbscript_or_data_urls(self):
        for text in ["vbscript:msgbox(1)", "data:text/html,<b>x</b>"]:
            with self.subTest(text=text):
                self.assertNotIn("<a", render_comment_text(text))

    def test_it_ends_a_link_at_a_quote(self):
        html = render_comment_text('https://example.com/"onmouseover="alert(1)')
        self.assertNotIn(" onmouseover", html)
        self.assertIn('<a href="https://example.com/" rel="nofollow ugc noopener">', html)

    def test_it_does_not_link_email_addresses(self):
        self.assertEqual(render_comment_text("me@example.com"), "<p>me@example.com</p>")

    def test_it_removes_control_characters(self):
        self.assertEqual(render_comment_text("\x00hi\x07 there\x1b"), "<p>hi there</p>")

    def test_it_renders_nothing_for_blank_text(self):
        self.assertEqual(render_comment_text("  \n\n "), "")
        self.assertEqual(render_comment_text(None), "")


class StripControlCharactersTests(SimpleTestCase):
    def test_it_removes_control_characters_but_keeps_tabs_and_newlines(self):
        self.assertEqual(
            strip_control_characters("a\x00b\x0bc\x1bd\x7fe\tf\ng\r"), "abcde\tf\ng\r"
        )
        self.assertEqual(strip_control_characters(None), "")

    def test_it_tells_which_text_holds_control_characters(self):
        self.assertFalse(has_control_characters("Line one\nline two\tend\r"))
        self.assertFalse(has_control_characters(None))
        for text in ["a\x00b", "a\x7fb", "a\x1bb"]:
            with self.subTest(text=text):
                self.assertTrue(has_control_characters(text))
        self.assertTrue(has_control_characters("one\nline", multiline=False))
        self.assertFalse(has_control_characters("one line", multiline=False))
