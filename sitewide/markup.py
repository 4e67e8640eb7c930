"""The one place where HTML is sanitised.

bleach reached its end of life with 6.4.0, so every call to it lives here: the
day it is replaced, this module is the only one to change. Editors' article
bodies keep a rich allowlist; readers' comments are plain text, escaped, with
paragraphs kept and bare URLs turned into links.

An image in an article comes from the site's own media (the image library) or
not at all: the public pages' Content Security Policy would block any other, and
a reader would see a broken image. A video or a social post is an embed
(sitewide/embeds.py): the sanitiser rebuilds each one from its address, and keeps
no other frame. ``removed_content()`` names what is dropped, for the admin to tell
the editor what and why.
"""

import html
import re
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import Linker
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

from sitewide import embeds

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
    # An embed's data (sitewide/embeds.py): _Embeds checks it, then rebuilds the figure.
    "figure": ["data-embed-url", "data-embed-title", "data-embed-author"],
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


class _Embeds(Filter):
    """Each embed figure is rebuilt from its address by sitewide.embeds, or dropped.

    Whatever was written inside or around it (a facade, classes, a smuggled link) goes:
    only what recognise() makes of data-embed-url, with the title, author or quoted
    text as plain text, comes back. A paragraph that is nothing but the address of a
    video becomes its embed too, as WordPress does. Each embed leaves a comment token,
    replaced by its markup once serialised (the sanitiser dropped every other comment).
    """

    def __init__(self, source, found: list[embeds.Embed]):
        super().__init__(source)
        self.found = found

    def __iter__(self):
        tokens = iter(super().__iter__())
        depth = 0
        for token in tokens:
            kind = token["type"]
            if kind == "StartTag" and token["name"] == "figure":
                if (None, "data-embed-url") in token["data"]:
                    yield from self._embed(token, _subtree(token, tokens))
                    continue
                token["data"] = {
                    key: value
                    for key, value in token["data"].items()
                    if not key[1].startswith("data-embed-")
                }
            elif kind == "StartTag" and token["name"] == "p" and depth == 0:
                paragraph = _subtree(token, tokens)
                found = embeds.recognise(_bare_address(paragraph))
                if found and found.kind == embeds.VIDEO:
                    yield from self._placeholder(found)
                else:
                    yield from paragraph
                continue
            if kind == "StartTag":
                depth += 1
            elif kind == "EndTag":
                depth -= 1
            yield token

    def _embed(self, start: dict, subtree: list[dict]):
        attributes = {name: html.unescape(value) for (_ns, name), value in start["data"].items()}
        found = embeds.recognise(attributes.get("data-embed-url", ""))
        if found:
            yield from self._placeholder(
                found.with_details(
                    title=attributes.get("data-embed-title", ""),
                    author=attributes.get("data-embed-author", "") or found.author,
                    text=_quoted_text(subtree) if found.kind == embeds.POST else "",
                )
            )

    def _placeholder(self, embed: embeds.Embed):
        self.found.append(embed)
        yield {"type": "Comment", "data": f"carnet-embed:{len(self.found) - 1}"}


def _subtree(start: dict, tokens) -> list[dict]:
    """The start token, everything inside its element, and its end token."""
    subtree, depth = [start], 1
    for token in tokens:
        subtree.append(token)
        if token["type"] == "StartTag":
            depth += 1
        elif token["type"] == "EndTag":
            depth -= 1
            if depth == 0:
                break
    return subtree


def _token_text(token: dict) -> str:
    if token["type"] in {"Characters", "SpaceCharacters"}:
        return token["data"]
    if token["type"] == "Entity":
        return html.unescape(f"&{token['name']};")
    return ""


def _bare_address(paragraph: list[dict]) -> str:
    """The address a paragraph holds and nothing else (as text, or as the text of a link
    to it), or ""."""
    inner = paragraph[1:-1]
    text = "".join(_token_text(token) for token in inner).strip()
    tags = [i for i, token in enumerate(inner) if token["type"] in _TAG_TOKENS]
    if not tags:
        return text
    if len(tags) != 2 or inner[tags[0]]["name"] != "a" or inner[tags[1]]["name"] != "a":
        return ""
    outside = inner[: tags[0]] + inner[tags[1] + 1 :]
    href = html.unescape(inner[tags[0]]["data"].get((None, "href"), ""))
    if "".join(_token_text(token) for token in outside).strip() or href.strip() != text:
        return ""
    return text


_TAG_TOKENS = frozenset({"StartTag", "EndTag", "EmptyTag"})
_BREAKS = frozenset({"p", "div", "li", "h2", "h3", "h4", "h5", "h6", "blockquote"})


def _quoted_text(subtree: list[dict]) -> str:
    """The text of an embed's blockquote, a blank line between its paragraphs."""
    parts, inside = [], 0
    for token in subtree:
        if token["type"] not in _TAG_TOKENS:
            if inside:
                parts.append(_token_text(token))
            continue
        if token["name"] == "blockquote" and token["type"] != "EmptyTag":
            inside += 1 if token["type"] == "StartTag" else -1
        if inside and token["name"] in _BREAKS:
            parts.append("\n\n")
        elif inside and token["name"] == "br":
            parts.append(" ")
    return "".join(parts)


_EMBED_PLACEHOLDER = re.compile(r"<!--carnet-embed:(\d+)-->")


def _dropped(match: re.Match) -> str:
    """A dropped element goes, unless it is the frame of a video player: that one becomes
    its embed (pasted embed code, imported posts)."""
    if match.group(1).lower() != "iframe":
        return ""
    attributes = _start_tag_attributes(match.group())
    found = embeds.recognise(attributes.get("src") or "")
    if not found or found.kind != embeds.VIDEO:
        return ""
    return format_html(
        '<figure data-embed-url="{}" data-embed-title="{}"></figure>',
        found.url,
        attributes.get("title") or "",
    )


class _StartTag(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attributes: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        if self.attributes is None:
            self.attributes = {name: value or "" for name, value in attrs}


def _start_tag_attributes(element: str) -> dict[str, str]:
    """The attributes of an element's start tag (quoted values may hold a ">")."""
    parser = _StartTag()
    parser.feed(element)
    parser.close()
    return parser.attributes or {}


def clean_article_html(html: str, *, language: str | None = None) -> str:
    """Sanitise an editor's article body into HTML safe to render as is.

    Embeds are written in ``language`` (the article's), else in the active one.
    """
    html = _CONTROL_CHARS.sub("", html or "")
    html = _DROPPED_ELEMENTS.sub(_dropped, html)
    found: list[embeds.Embed] = []
    cleaner = bleach.Cleaner(
        tags=ARTICLE_TAGS,
        attributes=_keep_attribute,
        protocols=SAFE_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_DropImagesWithoutSource, partial(_Embeds, found=found)],
    )
    cleaned = cleaner.clean(html)
    if found:
        with translation.override(language or translation.get_language()):
            cleaned = _EMBED_PLACEHOLDER.sub(lambda m: found[int(m.group(1))].html(), cleaned)
    # Images inside a body sit below the cover, so they never block the first paint.
    return _IMG_TAG.sub('<img loading="lazy" decoding="async"', cleaned).strip()


@dataclass(frozen=True)
class Removed:
    """Something of an editor's body that clean_article_html() drops, by kind:
    "image" (not from the site's media), "frame" (not a video player's), "script",
    "plugin" (object, embed, applet), "media" (video, audio), "drawing" (svg, math),
    "form", or "embed" (an embed whose address is no video or post Carnet shows)."""

    kind: str
    address: str = ""


_REMOVED_KINDS = {
    "iframe": "frame",
    "frame": "frame",
    "script": "script",
    "object": "plugin",
    "embed": "plugin",
    "applet": "plugin",
    "video": "media",
    "audio": "media",
    "svg": "drawing",
    "math": "drawing",
    "form": "form",
}


class _RemovedContent(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removed: list[Removed] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        address = values.get("src") or values.get("data") or values.get("action") or ""
        if tag == "img":
            if not is_media_url(values.get("src", "")):
                self.removed.append(Removed("image", values.get("src", "")))
        elif tag == "iframe" and _is_video(address):
            return
        elif tag in _REMOVED_KINDS:
            self.removed.append(Removed(_REMOVED_KINDS[tag], address))
        elif tag == "figure" and "data-embed-url" in values:
            if not embeds.recognise(values["data-embed-url"]):
                self.removed.append(Removed("embed", values["data-embed-url"]))


def _is_video(address: str) -> bool:
    found = embeds.recognise(address)
    return bool(found and found.kind == embeds.VIDEO)


def removed_content(html: str) -> list[Removed]:
    """What clean_article_html() drops of a body that a reader would have seen or that
    would have run: images from elsewhere, frames, scripts, plugins, drawings, forms,
    embeds it cannot show. Each once, in the order of the body."""
    parser = _RemovedContent()
    parser.feed(_CONTROL_CHARS.sub("", html or ""))
    parser.close()
    return list(dict.fromkeys(parser.removed))


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


# A reader's small formatting set: a paragraph of lines beginning with ">" is a quote,
# **this** is strong and *this* emphasised. Applied to escaped text: it adds these
# tags and nothing else.
_QUOTE_LINE = re.compile(r"^ {0,3}> ?")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])")


def _comment_inline(text: str) -> str:
    """One paragraph of a comment: escaped, its emphasis marked, its line breaks kept."""
    html = bleach.clean(text, tags=set(), strip=False)
    html = _EMPHASIS.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", html))
    return html.replace("\n", "<br>")


def render_comment_text(text: str) -> str:
    """Turn a reader's plain-text comment into safe HTML: paragraphs, links, quotes
    ("> " lines), **strong** and *emphasis*; any markup typed is shown as text."""
    text = _CONTROL_CHARS.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text.strip()) if p.strip()]
    html = ""
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        if all(_QUOTE_LINE.match(line) for line in lines):
            quoted = "\n".join(_QUOTE_LINE.sub("", line, count=1) for line in lines).strip()
            if quoted:
                html += f"<blockquote><p>{_comment_inline(quoted)}</p></blockquote>"
        else:
            html += f"<p>{_comment_inline(paragraph)}</p>"
    return _comment_linker.linkify(html)
