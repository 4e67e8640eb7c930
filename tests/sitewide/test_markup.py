"""sitewide.markup is the one sanitiser: hostile input in, safe HTML out.

Each attack is one line of a table, run as a subTest named after it, so that a
failure names the pattern that got through. A line's expected value is either
the exact output (a string) or `absent(...)`: strings the output must not
contain, where only that is promised. Every output is also checked for active
content, whatever the line expects.
"""

from html.parser import HTMLParser

from django.test import SimpleTestCase

from sitewide.markup import (
    clean_article_html,
    has_control_characters,
    removed_images,
    render_comment_text,
    strip_control_characters,
)


def absent(*needles: str) -> tuple[str, ...]:
    """The output is not known exactly; it must not contain any of these."""
    return needles


IMG = '<img loading="lazy" decoding="async"'

# An editor's article body: clean_article_html(input).
# (attack, hostile input, exact output or absent(...))
ARTICLE_ATTACKS = [
    ("script element and its content", "<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ("script element in any case", "<SCRIPT type='text/javascript'>alert(1)</SCRIPT >", ""),
    ("script split to dodge a filter", "<scr<script></script>ipt>alert(1)</script>", absent("<")),
    ("unclosed script tag", "<p>x</p><script>alert(1)", "<p>x</p>alert(1)"),
    ("style element and its content", "<style>body { display: none }</style><p>x</p>", "<p>x</p>"),
    ("event handler attributes",
     '<p onclick="a()" ONMOUSEOVER="b()" title="t">x</p>'
     '<img src="/media/i.png" alt="i" onerror="c()">',
     f'<p>x</p>{IMG} src="/media/i.png" alt="i">'),
    ("event handler on a slashed unquoted attribute", "<img/src=x/onerror=alert(1)>", absent()),
    ("event handler after a slash", "<p/onmouseover=alert(1)>x</p>", absent()),
    ("javascript: href", '<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ("javascript: href in mixed case", '<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ("javascript: href after whitespace", '<a href="  \tjavascript:alert(1)">x</a>', "<a>x</a>"),
    ("javascript: href split by an entity tab", '<a href="jav&#x09;ascript:alert(1)">x</a>',
     "<a>x</a>"),
    ("javascript: href split by a raw tab", '<a href="jav\tascript:alert(1)">x</a>', "<a>x</a>"),
    ("javascript: href split by a newline", '<a href="jav\nascript:alert(1)">x</a>', "<a>x</a>"),
    ("javascript: href as decimal entities", '<a href="&#106;avascript&#58;alert(1)">x</a>',
     "<a>x</a>"),
    ("javascript: href as hex entities",
     '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
     "<a>x</a>"),
    ("javascript: href behind a control character", '<a href="\x01javascript:alert(1)">x</a>',
     "<a>x</a>"),
    ("unquoted javascript: href", "<a href=javascript:alert(1)>x</a>", "<a>x</a>"),
    ("vbscript: href", '<a href="VBScript:msgbox(1)">x</a>', "<a>x</a>"),
    ("data: href", '<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"),
    ("data: href in capitals, base64", '<a href="DATA:text/html;base64,PHNjcmlwdD4=">x</a>',
     "<a>x</a>"),
    ("javascript: src", '<img src="javascript:alert(1)" alt="x">', ""),
    ("data: src", '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">', ""),
    ("javascript: with a port-like number", '<a href="javascript:1337">x</a>', "<a>x</a>"),
    ("vbscript: with a port-like number", '<a href="vbscript:1">x</a>', "<a>x</a>"),
    ("data: with a port-like number", '<a href="data:1">x</a>', "<a>x</a>"),
    ("javascript: src with a port-like number", '<img src="javascript:1">', ""),
    ("javascript: href in alternating case", '<a href="jAvAsCrIpT:alert(1)">x</a>', "<a>x</a>"),
    ("javascript: with a port after a space", '<a href=" javascript:1">x</a>', "<a>x</a>"),
    ("javascript: with a port split by an entity tab", '<a href="java&#x09;script:1">x</a>',
     "<a>x</a>"),
    ("javascript: with a port behind an entity", '<a href="&#106;avascript:1">x</a>', "<a>x</a>"),
    ("unknown scheme with a port-like number", '<a href="evil:80">x</a>', "<a>x</a>"),
    ("javascript: cite", '<q cite="javascript:1">x</q>', "<q>x</q>"),
    ("protocol-relative href", '<a href="//evil.example/">x</a>', "<a>x</a>"),
    ("protocol-relative href with a backslash", '<a href="/\\evil.example/">x</a>', "<a>x</a>"),
    ("iframe", '<iframe src="https://evil.example"></iframe><p>ok</p>', "<p>ok</p>"),
    ("unclosed iframe", '<iframe src="https://evil.example">', absent()),
    ("object", '<object data="x.swf"><param name="a" value="b"></object><p>ok</p>', "<p>ok</p>"),
    ("embed", '<embed src="x.swf"><p>ok</p>', "<p>ok</p>"),
    ("svg", '<svg onload="alert(1)"><circle r="1"/></svg><p>ok</p>', "<p>ok</p>"),
    ("svg with a slashed handler", "<svg/onload=alert(1)>", absent()),
    ("math", "<math><mtext><script>alert(1)</script></mtext></math><p>ok</p>", "<p>ok</p>"),
    ("form and inputs",
     '<form action="https://evil.example"><input name="password" onfocus="a()" '
     "autofocus><button>Go</button></form>",
     "Go"),
    ("style attribute", '<p style="position:fixed;top:0">x</p>', "<p>x</p>"),
    ("unclosed tags", "<p><strong>unclosed", "<p><strong>unclosed</strong></p>"),
    ("broken tag", "<p>1 < 2</p><p", "<p>1 &lt; 2</p>&lt;p"),
    ("attribute left unterminated", '<a href="javascript:alert(1)', absent()),
    ("HTML comment", "<!-- secret note --><p>x</p>", "<p>x</p>"),
    ("conditional comment", "<!--[if IE]><script>alert(1)</script><![endif]--><p>x</p>",
     "<p>x</p>"),
    ("comment closed early", "<!--><script>alert(1)</script>-->", absent()),
    ("base", '<base href="https://evil.example/"><p>x</p>', "<p>x</p>"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">', ""),
    ("stylesheet link", '<link rel="stylesheet" href="https://evil.example/x.css">', ""),
    ("NUL and control characters", "<p>a\x00b\x07c\x1bd\x7fe</p\x00>", "<p>abcde</p>"),
    ("mutation XSS through noscript",
     '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', absent()),
    ("mutation XSS through svg and style",
     '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">', absent()),
    *[
        (f"script in a {tag} raw text element", f"<{tag}><script>alert(1)</script></{tag}>",
         absent())
        for tag in ["textarea", "xmp", "title", "noscript", "template"]
    ],
    ("link target and rel (tabnabbing)",
     '<a href="https://example.com" target="_blank" rel="opener">x</a>',
     '<a href="https://example.com">x</a>'),
    ("code class other than a language", '<code class="language-python evil">x</code>',
     "<code>x</code>"),
    ("code class with a handler", '<code class="x" onclick="a()">x</code>', "<code>x</code>"),
    ("image sizes that are not numbers",
     '<img src="/media/i.png" alt="" width="100%" height="1;x">',
     f'{IMG} src="/media/i.png" alt="">'),
    ("image from another site", '<p>a<img src="https://evil.example/t.gif" alt="">b</p>',
     "<p>ab</p>"),
    ("image from another site, protocol-relative", '<img src="//evil.example/media/t.gif">', ""),
    ("image whose address is not the site's media", "<img src=x>", ""),
    ("image without an address", '<img alt="x">', ""),
    ("srcset from another site",
     '<img src="/media/a.jpg" srcset="https://evil.example/a.jpg 480w" alt="a">',
     f'{IMG} src="/media/a.jpg" alt="a">'),
    ("srcset with a javascript: candidate",
     '<img src="/media/a.jpg" srcset="/media/a-480w.jpg 480w, javascript:1 800w" alt="a">',
     f'{IMG} src="/media/a.jpg" alt="a">'),
    ("sizes with markup or a url", '<img src="/media/a.jpg" sizes="url(x) &lt;b&gt;" alt="a">',
     f'{IMG} src="/media/a.jpg" alt="a">'),
]  # fmt: skip

# Nothing a browser would run, or load from another origin, survives in an article.
ACTIVE_CONTENT = ["<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math",
                  "<form", "<input", "<base", "<meta", "<link", " on", "style=",
                  "javascript:", "vbscript:", "data:"]  # fmt: skip

# A reader's comment: render_comment_text(input), text in, never markup.
# (attack, hostile input, exact output or absent(...))
COMMENT_ATTACKS = [
    ("script tags", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("markup", "<b>hi</b> <script>alert(1)</script>",
     "<p>&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("link element", '<a href="javascript:alert(1)">x</a>',
     '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>'),
    ("event handlers", '<img src=x onerror="alert(1)"><b onclick=alert(2)>x</b>',
     '<p>&lt;img src=x onerror="alert(1)"&gt;&lt;b onclick=alert(2)&gt;x&lt;/b&gt;</p>'),
    ("svg", "<svg onload=alert(1)><circle r=1 /></svg>",
     "<p>&lt;svg onload=alert(1)&gt;&lt;circle r=1 /&gt;&lt;/svg&gt;</p>"),
    ("unclosed tags", "<b>bold <i>unclosed <script",
     "<p>&lt;b&gt;bold &lt;i&gt;unclosed &lt;script</p>"),
    ("javascript: URL", "javascript:alert(1)", absent("<a")),
    ("javascript: URL in mixed case", "JaVaScRiPt:alert(1)", absent("<a")),
    ("javascript: URL stealing the cookie", "JavaScript:alert(document.cookie)", absent("<a")),
    ("javascript: URL hiding an http one", "javascript://example.com/%0Aalert(1)",
     '<p>javascript://<a href="http://example.com/%0Aalert(1)" rel="nofollow ugc noopener">'
     "example.com/%0Aalert(1)</a></p>"),
    ("javascript: link element", '<a href="javascript:alert(1)">click</a>', absent("<a ")),
    ("vbscript: URL", "vbscript:msgbox(1)", absent("<a")),
    ("data: URL", "data:text/html,<b>x</b>", absent("<a")),
    ("data: URL in base64", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
     absent("<a ")),
    ("data: link element", '<a href="data:text/html,<script>alert(1)</script>">x</a>',
     absent("<a ")),
    ("URL with a quote breaking out of its attribute", 'https://example.com/"onmouseover="alert(1)',
     '<p><a href="https://example.com/" rel="nofollow ugc noopener">https://example.com/</a>'
     '"onmouseover="alert(1)</p>'),
    ("control characters", "\x00hi\x07 there\x1b", "<p>hi there</p>"),
    *[
        (f"entities: {body}", body, f"<p>{body}</p>")
        for body in [
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&#x3C;b&#x3E;",
            "&#60;svg&#62;",
            "&amp;lt;i&amp;gt;",
            "&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;",
        ]
    ],
]  # fmt: skip


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


class HostileInputTests(SimpleTestCase):
    def assertExpected(self, output: str, expected: str | tuple[str, ...]):
        if isinstance(expected, str):
            self.assertEqual(output, expected)
        else:
            for needle in expected:
                self.assertNotIn(needle, output)

    def assertNoActiveContent(self, cleaned: str):
        lowered = cleaned.lower()
        for needle in ACTIVE_CONTENT:
            self.assertNotIn(needle, lowered)

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

    def test_no_attack_on_an_article_body_gets_through(self):
        for attack, html, expected in ARTICLE_ATTACKS:
            with self.subTest(attack):
                cleaned = clean_article_html(html)
                self.assertExpected(cleaned, expected)
                self.assertNoActiveContent(cleaned)

    def test_no_attack_in_a_comment_becomes_markup(self):
        for attack, text, expected in COMMENT_ATTACKS:
            with self.subTest(attack):
                html = render_comment_text(text)
                self.assertExpected(html, expected)
                self.assertInert(html)


class CleanArticleHtmlTests(SimpleTestCase):
    def assertClean(self, html: str, expected: str):
        self.assertEqual(clean_article_html(html), expected)

    def test_it_keeps_tabs_and_newlines(self):
        self.assertClean("<pre>a\tb\nc</pre>", "<pre>a\tb\nc</pre>")

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

    def test_it_keeps_tel_and_same_site_relative_addresses(self):
        self.assertKept(
            '<p><a href="tel:+33123456789">t</a> <a href="x/y">r</a> <a href="?q=1">q</a> '
            '<a href="#a">f</a> <a href="https://example.com:8443/a:b">p</a></p>'
        )

    def test_it_keeps_emphasis(self):
        self.assertKept("<p><em>e</em> <strong>s</strong> <i>i</i> <b>b</b> <mark>m</mark></p>")

    def test_it_keeps_blockquotes(self):
        self.assertKept('<blockquote cite="https://example.com"><p>Quote</p></blockquote>')

    def test_it_keeps_figures_with_images_of_the_library_and_alt_text(self):
        self.assertEqual(
            clean_article_html(
                '<figure><img src="/media/library/2026/11/map.jpg" '
                'srcset="/media/library/2026/11/map-480w.jpg 480w, '
                '/media/library/2026/11/map.jpg 800w" '
                'sizes="(min-width: 64rem) 57rem, calc(100vw - 2.5rem)" alt="A map" '
                'width="800" height="600"><figcaption>The map</figcaption></figure>'
            ),
            '<figure><img loading="lazy" decoding="async" src="/media/library/2026/11/map.jpg" '
            'srcset="/media/library/2026/11/map-480w.jpg 480w, '
            '/media/library/2026/11/map.jpg 800w" '
            'sizes="(min-width: 64rem) 57rem, calc(100vw - 2.5rem)" alt="A map" '
            'width="800" height="600"><figcaption>The map</figcaption></figure>',
        )

    def test_it_drops_an_image_from_another_site_and_keeps_its_caption(self):
        self.assertEqual(
            clean_article_html(
                '<figure><img src="https://example.com/i.png" alt="A map">'
                "<figcaption>The map</figcaption></figure>"
            ),
            "<figure><figcaption>The map</figcaption></figure>",
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


class RemovedImagesTests(SimpleTestCase):
    def test_it_names_each_image_the_sanitiser_drops(self):
        self.assertEqual(
            removed_images(
                '<p><img src="https://example.com/a.png"><img src="/media/library/b.jpg">'
                '<img src=x><img alt="none"><img src="//cdn.example/media/c.jpg"></p>'
            ),
            ["https://example.com/a.png", "x", "", "//cdn.example/media/c.jpg"],
        )

    def test_it_names_none_when_every_image_is_the_sites(self):
        self.assertEqual(removed_images('<img src="/media/library/b.jpg" alt="b">'), [])
        self.assertEqual(removed_images(""), [])


class RenderCommentTextTests(SimpleTestCase):
    def test_it_keeps_paragraphs_and_line_breaks(self):
        self.assertEqual(
            render_comment_text("one\r\ntwo\r\n\r\n\n  three\n"), "<p>one<br>two</p><p>three</p>"
        )
        self.assertEqual(
            render_comment_text("one\ntwo\n\n\nthree"), "<p>one<br>two</p><p>three</p>"
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

    def test_it_does_not_link_email_addresses(self):
        self.assertEqual(render_comment_text("me@example.com"), "<p>me@example.com</p>")

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
