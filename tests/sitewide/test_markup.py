"""sitewide.markup is the one sanitiser: hostile input in, safe HTML out.

Each attack is one line of a table, run as a subTest named after it, so that a
failure names the pattern that got through. A line's expected value is either
the exact output (a string) or `absent(...)`: strings the output must not
contain, where only that is promised. Every output is also checked for active
content, whatever the line expects.
"""

from html.parser import HTMLParser

from django.test import SimpleTestCase

from sitewide import embeds
from sitewide.markup import (
    Removed,
    clean_article_html,
    has_control_characters,
    removed_content,
    render_comment_text,
    strip_control_characters,
)


def absent(*needles: str) -> tuple[str, ...]:
    """The output is not known exactly; it must not contain any of these."""
    return needles


IMG = '<img loading="lazy" decoding="async"'
VIDEO_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
POST_URL = "https://mastodon.social/@gargron/113"


def video(title: str = "") -> str:
    """The one markup the sanitiser keeps for this video (pinned in test_embeds.py)."""
    return embeds.recognise(VIDEO_URL).with_details(title=title).html()


def post(text: str = "", author: str = "") -> str:
    return embeds.recognise(POST_URL).with_details(text=text, author=author).html()


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
    # Embeds: an address recognised by sitewide.embeds, rebuilt; nothing else kept.
    ("iframe of another host playing a YouTube id",
     '<iframe src="https://evil.example/embed/dQw4w9WgXcQ"></iframe>', ""),
    ("iframe of a host that starts like YouTube's",
     '<iframe src="https://www.youtube.com.evil.example/embed/dQw4w9WgXcQ"></iframe>', ""),
    ("iframe whose query names YouTube",
     '<iframe src="https://evil.example/?u=https://www.youtube.com/embed/dQw4w9WgXcQ">'
     "</iframe>", ""),
    ("iframe with YouTube as its user name",
     '<iframe src="https://www.youtube.com@evil.example/embed/dQw4w9WgXcQ"></iframe>', ""),
    ("iframe on YouTube's host with another port",
     '<iframe src="https://www.youtube.com:8443/embed/dQw4w9WgXcQ"></iframe>', ""),
    ("iframe of a PeerTube server not allowed",
     '<iframe src="https://evil.example/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d">'
     "</iframe>", ""),
    ("iframe with a javascript: address", '<iframe src="javascript:alert(1)"></iframe>', ""),
    ("iframe with a handler in its video id",
     '<iframe src="https://www.youtube.com/embed/%22onload=alert(1)"></iframe>', ""),
    ("YouTube iframe carrying srcdoc, sandbox and handlers",
     '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" srcdoc="<script>alert(1)</script>" '
     'sandbox="allow-scripts" onload="alert(2)" allow="camera" title="T"></iframe>',
     video("T")),
    ("embed with a javascript: address", '<figure data-embed-url="javascript:alert(1)"></figure>',
     ""),
    ("embed with a javascript: address disguised as YouTube",
     '<figure data-embed-url="javascript://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>', ""),
    ("embed with a data: address",
     '<figure data-embed-url="data:text/html,<script>alert(1)</script>"></figure>', ""),
    ("embed of another site", '<figure data-embed-url="https://evil.example/v/1"><p>x</p></figure>',
     ""),
    ("attributes smuggled on the embed markup",
     f'<figure data-embed-url="{VIDEO_URL}" data-embed-title="T" class="embed x" '
     'style="position:fixed" onclick="alert(1)" data-embed-player="https://evil.example/">'
     '<a class="embed__facade" href="javascript:alert(2)" '
     'data-embed-player="https://evil.example/" onmouseover="alert(3)">Play</a>'
     '<iframe src="https://evil.example/"></iframe><img src="https://evil.example/t.gif">'
     "</figure>",
     video("T")),
    ("a player address written by hand on a link",
     f'<a class="embed__facade" href="{VIDEO_URL}" data-embed-player="https://evil.example/">x</a>',
     f'<a href="{VIDEO_URL}">x</a>'),
    ("an embed's data on a figure that is no embed",
     '<figure data-embed-title="T" data-embed-author="A"><figcaption>c</figcaption></figure>',
     "<figure><figcaption>c</figcaption></figure>"),
    ("an embed title breaking out of its attribute",
     f'<figure data-embed-url="{VIDEO_URL}" '
     'data-embed-title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></figure>',
     video('"><script>alert(1)</script>')),
    ("markup and scripts inside a quoted post",
     f'<figure data-embed-url="{POST_URL}" data-embed-author="&lt;b&gt;A"><blockquote>'
     "<p>x<img src=x onerror=alert(1)><script>alert(2)</script><b>y</b></p></blockquote>"
     "</figure>",
     post(text="xy", author="<b>A")),
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


class CleanArticleHtmlEmbedTests(SimpleTestCase):
    def test_a_videos_address_alone_in_its_paragraph_becomes_its_embed(self):
        for paragraph in [
            f"<p>{VIDEO_URL}</p>",
            f'<p> <a href="{VIDEO_URL}">{VIDEO_URL}</a> </p>',
            "<p>https://youtu.be/dQw4w9WgXcQ</p>",
        ]:
            with self.subTest(paragraph):
                self.assertEqual(clean_article_html(paragraph + "<p>x</p>"), video() + "<p>x</p>")

    def test_an_address_among_words_or_a_link_with_other_words_stays_as_it_is(self):
        for paragraph in [
            f"<p>See {VIDEO_URL}</p>",
            f'<p><a href="{VIDEO_URL}">the video</a></p>',
            f"<p><strong>{VIDEO_URL}</strong></p>",
            f"<ul><li><p>{VIDEO_URL}</p></li></ul>",
            f"<p>{POST_URL}</p>",  # a post needs its text: a link alone stays a link
        ]:
            with self.subTest(paragraph):
                self.assertEqual(clean_article_html(paragraph), paragraph)

    def test_a_players_embed_code_becomes_its_embed_with_its_title(self):
        self.assertEqual(
            clean_article_html(
                '<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/'
                'dQw4w9WgXcQ?si=x" title="Le &amp; clip" frameborder="0" allowfullscreen>'
                "</iframe>"
            ),
            video("Le & clip"),
        )

    def test_a_quoted_post_keeps_its_paragraphs_as_text(self):
        self.assertEqual(
            clean_article_html(
                f'<figure class="embed embed--post" data-embed-url="{POST_URL}" '
                'data-embed-author="Eugen"><blockquote><p>One <em>two</em></p><p>three<br>four'
                "</p></blockquote><figcaption>ignored</figcaption></figure>"
            ),
            post(text="One two\n\nthree four", author="Eugen"),
        )

    def test_embeds_are_written_in_the_articles_language(self):
        self.assertIn("Play the video", clean_article_html(f"<p>{VIDEO_URL}</p>", language="en"))
        self.assertIn("Lire la vidéo", clean_article_html(f"<p>{VIDEO_URL}</p>", language="fr"))

    def test_cleaning_twice_changes_nothing(self):
        body = (
            f"<p>{VIDEO_URL}</p><p>a</p>"
            f'<figure data-embed-url="{POST_URL}"><blockquote><p>t</p></blockquote></figure>'
            '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e"></iframe>'
        )
        once = clean_article_html(body)
        self.assertEqual(clean_article_html(once), once)


class RemovedContentTests(SimpleTestCase):
    def test_it_names_each_image_the_sanitiser_drops(self):
        self.assertEqual(
            removed_content(
                '<p><img src="https://example.com/a.png"><img src="/media/library/b.jpg">'
                '<img src=x><img alt="none"><img src="//cdn.example/media/c.jpg"></p>'
            ),
            [
                Removed("image", "https://example.com/a.png"),
                Removed("image", "x"),
                Removed("image", ""),
                Removed("image", "//cdn.example/media/c.jpg"),
            ],
        )

    def test_it_names_frames_scripts_and_the_rest_but_not_a_videos_player(self):
        self.assertEqual(
            removed_content(
                '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
                '<iframe src="https://evil.example/x"></iframe><script src="/t.js"></script>'
                "<script>alert(1)</script>"
                '<object data="a.swf"></object><embed src="b.swf"><video src="c.mp4"></video>'
                '<svg></svg><form action="https://evil.example/"></form>'
                '<figure data-embed-url="https://evil.example/v"></figure>'
                f'<figure data-embed-url="{VIDEO_URL}"></figure>'
            ),
            [
                Removed("frame", "https://evil.example/x"),
                Removed("script", "/t.js"),
                Removed("script", ""),
                Removed("plugin", "a.swf"),
                Removed("plugin", "b.swf"),
                Removed("media", "c.mp4"),
                Removed("drawing", ""),
                Removed("form", "https://evil.example/"),
                Removed("embed", "https://evil.example/v"),
            ],
        )

    def test_it_names_each_thing_once(self):
        self.assertEqual(
            removed_content(
                '<img src="https://a.example/x.png"><img src="https://a.example/x.png">'
            ),
            [Removed("image", "https://a.example/x.png")],
        )

    def test_it_names_none_when_everything_is_kept(self):
        self.assertEqual(removed_content('<img src="/media/library/b.jpg" alt="b">'), [])
        self.assertEqual(removed_content(""), [])
        # What the sanitiser wrote is kept as it is: nothing to say at the next save.
        self.assertEqual(removed_content(clean_article_html(f"<p>{VIDEO_URL}</p>")), [])


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
