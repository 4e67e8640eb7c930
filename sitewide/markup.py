"""The one place where HTML is sanitised.

bleach reached its end of life with 6.4.0, so every call to it lives here: the
day it is replaced, this module is the only one to change. Editors' article
bodies keep a rich allowlist; readers' comments are plain text, escaped, with
paragraphs kept and bare URLs turned into links.
"""

import re

import bleach
from bleach.linkifier import Linker

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
    "img": ["src", "alt", "title", "width", "height"],
    "ol": ["start", "reversed"],
    "th": ["scope", "colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
    "code": ["class"],
    "*": ["lang", "dir"],
}
SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})
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


def _keep_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "code" and name == "class":
        return bool(_CODE_CLASS.match(value))
    if tag == "img" and name in {"width", "height"}:
        return value.isdigit()
    allowed = ARTICLE_ATTRIBUTES.get(tag, []) + ARTICLE_ATTRIBUTES["*"]
    return name in allowed


_article_cleaner = bleach.Cleaner(
    tags=ARTICLE_TAGS,
    attributes=_keep_attribute,
    protocols=SAFE_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def clean_article_html(html: str) -> str:
    """Sanitise an editor's article body into HTML safe to render as is."""
    html = _CONTROL_CHARS.sub("", html or "")
    html = _DROPPED_ELEMENTS.sub("", html)
    cleaned = _article_cleaner.clean(html)
    # Images inside a body sit below the cover, so they never block the first paint.
    return _IMG_TAG.sub('<img loading="lazy" decoding="async"', cleaned).strip()


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
