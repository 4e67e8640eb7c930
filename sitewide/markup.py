"""The one place where HTML is sanitised.

bleach reached its end of life with 6.4.0, so every call to it lives here: the
day it is replaced, this module is the only one to change. Editors' article
bodies keep a rich allowlist; readers' comments are plain text, escaped, with
paragraphs kept and bare URLs turned into links.

An image in an article comes from the site's own media (the image library) or
not at all: the public pages' Content Security Policy would block any other, and
a reader would see a broken image. ``removed_images()`` names the ones dropped,
for the admin to tell the editor why.
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import Linker
from django.conf import settings

ARTICLE_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "dl", "dt", "dd",
        "a", "strong", "b", "em", "i", "u", "s", "mark", "small", "sub", "sup", "abbr", "cite",
        "q", "blockquote", "figure", "figcaption", "img", "pre", "code", "kbd", "samp",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": ["href", "title", "hreflang"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "img": ["src", "srcset", "sizes", "alt", "title", "width", "height"],
    "ol": ["start", "reversed"],
    "th": ["scope", "colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
    "code": ["class"],
    "*": ["lang", "dir"],
}
SAFE_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
# Attributes whose value is an address, checked by _is_safe_url whatever bleach decides.
URL_ATTRIBUTES = frozenset({("a", "href"), ("img", "src"), ("blockquote", "cite"), ("q", "cite")})
COMMENT_LINK_REL = "nofollow ugc noopener"

# Contents of these elements are never text a reader should see: drop them whole.
_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|template|iframe|object|embed|noscript|svg|math)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
# Tab, line feed and carriage return are text; every other control character is not.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n")
_IMG_TAG = re.compile(r"<img(?=[\s>/])")
_CODE_CLASS = re.compile(r"^language-[\w+-]{1,30}$")
# One srcset candidate: an address, then a width ("480w") or a density ("2x").
_SRCSET_DESCRIPTOR = re.compile(r"^(\d{1,5}w|\d(\.\d{1,2})?x)$")
# A sizes list is media conditions and lengths: nothing but these characters.
_SIZES = re.compile(r"^[a-z0-9 ().,:%+*/-]{1,200}$")
# Browsers drop these from an address before reading its scheme (ASCII tab and
# newlines anywhere, C0 controls and spaces at the ends); dropping all of them
# everywhere can only make more addresses look like they have a scheme.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_URL_SCHEME_END = re.compile(r"[/?#]")


def _is_safe_url(value: str) -> bool:
    """An http, https, mailto or tel address, a same-site relative one, or a fragment.

    bleach reads "javascript:1337" as a host and a port, so the scheme is decided
    here: entities decoded, ignored characters dropped, a colon before any / ? or #
    means a scheme, and only SAFE_PROTOCOLS pass. A protocol-relative "//host"
    (or "/\\host", which browsers read alike) is another site, not a relative
    address: an editor writes https:// for that, and a feed reader or mail client
    has no scheme to resolve it against.
    """
    url = _URL_IGNORED.sub("", html.unescape(value)).replace("\\", "/")
    head = _URL_SCHEME_END.split(url, maxsplit=1)[0]
    if ":" in head:
        scheme = urlsplit(url).scheme.lower()
        return head.partition(":")[0].lower() == scheme and scheme in SAFE_PROTOCOLS
    return not url.startswith("//")


def is_media_url(value: str) -> bool:
    """An address of the site's own uploads (MEDIA_URL), as an image's src must be."""
    url = _URL_IGNORED.sub("", html.unescape(value)).replace("\\", "/")
    media_url = settings.MEDIA_URL
    if url.startswith("//") and not media_url.startswith("//"):
        return False
    return _is_safe_url(url) and url.startswith(media_url) and len(url) > len(media_url)


def _is_media_srcset(value: str) -> bool:
    candidates = [c.split() for c in html.unescape(value).split(",")]
    return all(
        len(c) == 2 and is_media_url(c[0]) and _SRCSET_DESCRIPTOR.match(c[1]) for c in candidates
    )


def _keep_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "code" and name == "class":
        return bool(_CODE_CLASS.match(value))
    if tag == "img":
        if name in {"width", "height"}:
            return value.isdigit()
        if name == "src":
            return is_media_url(value)
        if name == "srcset":
            return _is_media_srcset(value)
        if name == "sizes":
            return bool(_SIZES.match(value.lower()))
    if (tag, name) in URL_ATTRIBUTES and not _is_safe_url(value):
        return False
    allowed = ARTICLE_ATTRIBUTES.get(tag, []) + ARTICLE_ATTRIBUTES["*"]
    return name in allowed


class _DropImagesWithoutSource(Filter):
    """An image whose address was refused would be a broken image: it goes whole."""

    def __iter__(self):
        for token in super().__iter__():
            if (
                token["type"] in {"StartTag", "EmptyTag"}
                and token["name"] == "img"
                and (None, "src") not in token["data"]
            ):
                continue
            yield token


_article_cleaner = bleach.Cleaner(
    tags=ARTICLE_TAGS,
    attributes=_keep_attribute,
    protocols=SAFE_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_DropImagesWithoutSource],
)


def clean_article_html(html: str) -> str:
    """Sanitise an editor's article body into HTML safe to render as is."""
    html = _CONTROL_CHARS.sub("", html or "")
    html = _DROPPED_ELEMENTS.sub("", html)
    cleaned = _article_cleaner.clean(html)
    # Images inside a body sit below the cover, so they never block the first paint.
    return _IMG_TAG.sub('<img loading="lazy" decoding="async"', cleaned).strip()


class _ImageSources(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")


def removed_images(html: str) -> list[str]:
    """The addresses of the images clean_article_html() drops: not from the site's media.

    An image without an address is listed as an empty string.
    """
    parser = _ImageSources()
    parser.feed(_DROPPED_ELEMENTS.sub("", _CONTROL_CHARS.sub("", html or "")))
    parser.close()
    return [src for src in parser.sources if not is_media_url(src)]


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    """Whether text holds control characters; tabs and line breaks count only on one line."""
    return bool((_CONTROL_CHARS if multiline else _LINE_CONTROL_CHARS).search(text or ""))


def strip_control_characters(text: str) -> str:
    """Plain text without control characters (tabs and newlines stay): XML cannot carry them."""
    return _CONTROL_CHARS.sub("", text or "")


def _set_comment_rel(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if not href.startswith(("http://", "https://")):
        return None
    attrs[(None, "rel")] = COMMENT_LINK_REL
    return attrs


_comment_linker = Linker(callbacks=[_set_comment_rel], parse_email=False)


def render_comment_text(text: str) -> str:
    """Turn a reader's plain-text comment into safe HTML paragraphs with links."""
    text = _CONTROL_CHARS.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text.strip()) if p.strip()]
    html = "".join(
        "<p>" + bleach.clean(p, tags=set(), strip=False).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )
    return _comment_linker.linkify(html)
