"""Turning a WordPress post's stored content into the HTML WordPress showed.

WordPress stores classic posts without paragraphs and adds them on display
(`wpautop`), expands shortcodes, and wraps block-editor posts in comments.
`convert()` does the same, then hands images to the importer, which keeps those
it found a copy of and drops the others: no image is ever loaded from the old
site. The result is still an editor's body: Article.save sanitises it.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_COMMENT = re.compile(r"<!--\s+/?wp:.*?-->", re.DOTALL)
_HTML_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_SHORTCODE = re.compile(
    r"\[(?P<name>caption|wp_caption|gallery|embed|video|audio)\b(?P<attrs>[^\]]*)\]"
    r"(?:(?P<content>.*?)\[/(?P=name)\])?",
    re.DOTALL,
)
# A gallery alone in its paragraph, as wpautop leaves it, or anywhere.
_GALLERY = re.compile(
    r"(?:<p>\s*)?\[(?P<name>gallery)\b(?P<attrs>[^\]]*)\](?P<content>)(?:\s*</p>)?"
)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>\]]+))""")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_LONE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)
_EMPTY_LINK = re.compile(r"<a\b[^>]*>\s*</a>", re.IGNORECASE)
_FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.DOTALL | re.IGNORECASE)


def attributes(text: str) -> dict[str, str]:
    """The name="value" pairs of a tag or a shortcode, names in lower case."""
    return {
        m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
        for m in _ATTRIBUTE.finditer(text)
    }


def _replace_in_html_tags(text: str, old: str, new: str) -> str:
    return _HTML_TAG_OR_COMMENT.sub(lambda m: m.group(0).replace(old, new), text)


def wpautop(text: str) -> str:
    """WordPress's paragraph rules (wp-includes/formatting.php), for classic content:
    blank lines make paragraphs, single line breaks make <br>, block elements are left
    alone and <pre> is kept as written."""
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    pre_tags: dict[str, str] = {}

    def keep_pre(match: re.Match) -> str:
        key = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[key] = match.group(0)
        return key

    text = _PRE.sub(keep_pre, text)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{_BLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = _replace_in_html_tags(text, "\n", " <!-- wpnl --> ")
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<br\s*/?>", "<br />", text)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for key, pre in pre_tags.items():
        text = text.replace(key, pre)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


# An <img>'s attributes: src, and alt, srcset, sizes, width and height when known.
ImageAttributes = dict[str, str]
_IMG_ATTRIBUTES = ("src", "srcset", "sizes", "alt", "width", "height")


@dataclass
class Images:
    """How the importer answers for images: `local(src, alt)` gives the attributes of
    the site's own copy of an image, or None when it has none (the image is then left
    out, and listed in `missing`)."""

    local: Callable[[str, str], ImageAttributes | None]
    # An attachment by WordPress id, as an image and its caption; None when unknown.
    attachment: Callable[[str], tuple[ImageAttributes, str] | None] = lambda wp_id: None
    # The attachments of a post, for a [gallery] without ids.
    children: Callable[[], list[tuple[ImageAttributes, str]]] = list
    missing: list[str] = field(default_factory=list)


def _img_tag(attrs: ImageAttributes) -> str:
    kept = [
        f'{name}="{html.escape(str(attrs[name]))}"'
        for name in _IMG_ATTRIBUTES
        if name == "alt" or attrs.get(name)
    ]
    return f"<img {' '.join(kept)}>"


def _figure(inner: str, caption: str) -> str:
    caption = f"<figcaption>{caption.strip()}</figcaption>" if caption.strip() else ""
    return f"<figure>{inner.strip()}{caption}</figure>"


def _link(url: str) -> str:
    return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'


def _shortcode(match: re.Match, images: Images) -> str:
    name = match.group("name")
    attrs = attributes(match.group("attrs"))
    content = match.group("content") or ""
    if name in {"caption", "wp_caption"}:
        # The caption is the text after the image (or the old caption="" attribute).
        media = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", content, re.S)
        if not media:
            return content
        return _figure(media.group(1), attrs.get("caption") or media.group(2))
    if name == "gallery":
        if "ids" in attrs:
            found = [images.attachment(i.strip()) for i in attrs["ids"].split(",")]
            pictures = [p for p in found if p]
        else:
            pictures = images.children()
        return "".join(_figure(_img_tag(attrs), caption) for attrs, caption in pictures)
    # embed, video, audio: never a third-party player, a link to what was shown.
    url = (content or attrs.get("src") or attrs.get("mp4") or attrs.get("mp3") or "").strip()
    return _link(url) if url.startswith(("http://", "https://")) else ""


def _image(match: re.Match, images: Images) -> str:
    tag = match.group(0)
    attrs = attributes(tag[4:])
    found = images.local(attrs.get("src", ""), attrs.get("alt", ""))
    if not found:
        images.missing.append(attrs.get("src", ""))
        return ""
    written = {n: attrs[n] for n in ("width", "height") if attrs.get(n, "").isdigit()}
    written["alt"] = attrs.get("alt", "") or found.get("alt", "")
    return _img_tag({**found, **{k: v for k, v in written.items() if v or k == "alt"}})


def _figure_without_image(match: re.Match) -> str:
    # A caption whose image is gone describes nothing.
    return match.group(0) if "<img" in match.group(1) else ""


def rewrite_links(text: str, old_site: str) -> str:
    """Links to the old site become addresses on this one, which the redirects serve."""
    host = urlsplit(old_site).netloc.lower().removeprefix("www.")
    if not host:
        return text

    def local(match: re.Match) -> str:
        parts = urlsplit(html.unescape(match.group(2)))
        if parts.netloc.lower().removeprefix("www.") != host:
            return match.group(0)
        path = parts.path or "/"
        path += f"?{parts.query}" if parts.query else ""
        path += f"#{parts.fragment}" if parts.fragment else ""
        return f"{match.group(1)}{html.escape(path)}{match.group(3)}"

    return re.sub(r"""(<a\b[^>]*?\bhref=["'])([^"']*)(["'])""", local, text, flags=re.I)


def has_blocks(text: str) -> bool:
    return "<!-- wp:" in text


def has_gallery(text: str) -> bool:
    return bool(_GALLERY.search(text))


def convert(text: str, images: Images, old_site: str = "") -> str:
    """A post's content as WordPress displayed it, images resolved by `images`.

    Galleries stay as their shortcode: their attachments may come later in the export,
    and `render_galleries()` replaces them once the whole file is read.
    """

    def shortcode(match: re.Match) -> str:
        return match.group(0) if match.group("name") == "gallery" else _shortcode(match, images)

    if has_blocks(text):
        # The block editor stores finished HTML: WordPress adds no paragraphs to it.
        text = _BLOCK_COMMENT.sub("", text)
        text = _SHORTCODE.sub(shortcode, text)
    else:
        # WordPress turns a URL alone on its line into an embed: here, a plain link.
        text = _LONE_URL.sub(lambda m: _link(m.group(1)), text)
        text = _SHORTCODE.sub(shortcode, text)
        text = wpautop(text)
    text = _IMG.sub(lambda m: _image(m, images), text)
    text = _EMPTY_LINK.sub("", text)
    text = _FIGURE.sub(_figure_without_image, text)
    return rewrite_links(text, old_site).strip()


def render_galleries(text: str, images: Images) -> str:
    """The [gallery] shortcodes of a converted body, as figures of the images found."""
    return _GALLERY.sub(lambda m: _shortcode(m, images), text)


def plain_text(text: str) -> str:
    """HTML (a comment, an excerpt) as the plain text Carnet stores: paragraphs kept."""
    text = re.sub(r"<br\s*/?>", "\n", text or "", flags=re.I)
    text = re.sub(r"</p\s*>", "\n\n", text, flags=re.I)
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text).replace("\r\n", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()
