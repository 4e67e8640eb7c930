"""Reading a WordPress export (WXR 1.0 to 1.2) as a stream.

The file is parsed with defusedxml, refusing any DTD (so no entity expansion, no
XML bomb, no external entity is ever fetched), and each item is handed over and
dropped as soon as it is read: memory stays flat whatever the file's size.
"""

import functools
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

# The namespaces of a WXR file, whatever their version (http or https, 1.0 to 1.2).
_PREFIXES = [
    (re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$"), "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
]
_WXR_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")
_TAG = re.compile(r"^\{([^}]*)\}(.*)$")


class WXRError(Exception):
    """The file cannot be imported; the message names the line."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: str = ""


@dataclass
class Term:
    """A category or a tag declared at the top of the file."""

    taxonomy: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""  # the parent category's slug
    description: str = ""
    wp_id: str = ""


@dataclass
class WPComment:
    wp_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: str = "0"


@dataclass
class Item:
    """A post, page, attachment or any other WordPress item."""

    line: int
    title: str = ""
    link: str = ""
    pub_date: str = ""
    creator: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    wp_id: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    comment_status: str = "open"
    post_name: str = ""
    status: str = ""
    post_parent: str = "0"
    post_type: str = "post"
    is_sticky: bool = False
    attachment_url: str = ""
    # (taxonomy, slug, name) in the file's order; a WXR 1.0 tag is "tag", a bare
    # <category> has no domain and no slug.
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WPComment] = field(default_factory=list)


@dataclass
class Channel:
    """What the file says about the site, known once the first item starts."""

    version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    language: str = ""

    @property
    def site(self) -> str:
        return (self.base_blog_url or self.base_site_url or self.link).rstrip("/")


# Control characters XML 1.0 forbids, which WordPress writes into exports as they were
# typed: dropped before parsing (no UTF-8 sequence holds these bytes).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


class _WithoutControlBytes:
    """The file, read without the control characters XML cannot hold."""

    def __init__(self, source: BinaryIO):
        self.source = source

    def read(self, size: int = -1) -> bytes:
        return self.source.read(size).translate(None, _CONTROL_BYTES)

    def tell(self) -> int:
        return self.source.tell()


class _LineTreeBuilder(TreeBuilder):
    """Notes the line each item starts on, while expat is on it."""

    def __init__(self):
        super().__init__()
        self.expat = None
        self.item_lines: deque[int] = deque()
        self.root_line = 0

    def start(self, tag, attrs):
        if not self.root_line:
            self.root_line = self.expat.CurrentLineNumber
        if tag == "item":
            self.item_lines.append(self.expat.CurrentLineNumber)
        return super().start(tag, attrs)


@functools.lru_cache(maxsize=512)
def _local(tag: str) -> str:
    """ "{http://wordpress.org/export/1.2/}post_id" as "wp:post_id", whatever the version."""
    match = _TAG.match(tag)
    if not match:
        return tag
    uri, name = match.groups()
    for pattern, prefix in _PREFIXES:
        if pattern.match(uri):
            return f"{prefix}:{name}"
    return name


def _text(element: Element, name: str) -> str:
    child = element.find(name)
    return (child.text or "").strip() if child is not None else ""


class Reader:
    """Yields the authors, terms and items of a WXR file, in the file's order."""

    def __init__(self, source: BinaryIO):
        self.source = source
        self.channel = Channel()
        self._builder = _LineTreeBuilder()
        self._parser = DefusedXMLParser(
            target=self._builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        self._builder.expat = self._parser.parser

    @property
    def line(self) -> int:
        return self._parser.parser.CurrentLineNumber

    def __iter__(self) -> Iterator[Author | Term | Item]:
        try:
            yield from self._read()
        except DefusedXmlException as error:
            raise WXRError(
                f"the file declares a DTD or entities, which a WordPress export never does "
                f"(refused: {type(error).__name__})",
                self.line,
            ) from None
        except ParseError as error:
            line = error.position[0] if error.position else self.line
            reason = re.sub(r": line \d+, column \d+$", "", str(error.msg))
            raise WXRError(f"malformed or truncated XML ({reason})", line) from None

    def _read(self) -> Iterator[Author | Term | Item]:
        namespaces: list[str] = []
        stack: list[str] = []
        channel_element = None
        seen_item = False
        events = iterparse(
            _WithoutControlBytes(self.source), ("start", "end", "start-ns"), parser=self._parser
        )
        for event, element in events:
            if event == "start-ns":
                namespaces.append(element[1])
                continue
            name = _local(element.tag)
            if event == "start":
                if not stack:
                    self._check_root(name, namespaces)
                elif name == "channel" and len(stack) == 1:
                    channel_element = element
                stack.append(name)
                continue
            stack.pop()
            if len(stack) != 2 or stack[1] != "channel":
                continue
            # A direct child of <channel>, complete: read it and let it go.
            if name == "item":
                seen_item = True
                yield self._item(element, self._builder.item_lines.popleft())
            elif name == "wp:author":
                yield self._author(element)
            elif name in {"wp:category", "wp:tag", "wp:term"}:
                term = self._term(name, element)
                if term:
                    yield term
            elif not seen_item:
                self._channel_field(name, (element.text or "").strip())
            channel_element.remove(element)
        if channel_element is None:
            raise WXRError("not a WordPress export: there is no <channel>", self.line)

    def _check_root(self, name: str, namespaces: list[str]) -> None:
        line = self._builder.root_line
        if name != "rss":
            raise WXRError(
                f"not a WordPress export: the document is <{name}>, not an RSS file", line
            )
        versions = [m.group(1) for ns in namespaces if (m := _WXR_NAMESPACE.match(ns))]
        if not versions:
            raise WXRError(
                "not a WordPress export: the RSS file has no WordPress (WXR) namespace", line
            )
        self.channel.version = versions[0]

    def _channel_field(self, name: str, value: str) -> None:
        fields = {
            "title": "title",
            "link": "link",
            "language": "language",
            "wp:base_site_url": "base_site_url",
            "wp:base_blog_url": "base_blog_url",
            "wp:wxr_version": "version",
        }
        if name in fields:
            setattr(self.channel, fields[name], value)

    def _children(self, element: Element) -> dict[str, str]:
        return {_local(child.tag): (child.text or "").strip() for child in element}

    def _author(self, element: Element) -> Author:
        values = self._children(element)
        return Author(
            login=values.get("wp:author_login", ""),
            email=values.get("wp:author_email", ""),
            display_name=values.get("wp:author_display_name", ""),
            first_name=values.get("wp:author_first_name", ""),
            last_name=values.get("wp:author_last_name", ""),
            wp_id=values.get("wp:author_id", ""),
        )

    def _term(self, name: str, element: Element) -> Term | None:
        values = self._children(element)
        if name == "wp:category":
            return Term(
                "category",
                values.get("wp:category_nicename", ""),
                values.get("wp:cat_name", ""),
                values.get("wp:category_parent", ""),
                values.get("wp:category_description", ""),
                values.get("wp:term_id", ""),
            )
        if name == "wp:tag":
            return Term(
                "post_tag",
                values.get("wp:tag_slug", ""),
                values.get("wp:tag_name", ""),
                description=values.get("wp:tag_description", ""),
                wp_id=values.get("wp:term_id", ""),
            )
        taxonomy = values.get("wp:term_taxonomy", "")
        if taxonomy not in {"category", "post_tag"}:
            return None
        return Term(
            taxonomy,
            values.get("wp:term_slug", ""),
            values.get("wp:term_name", ""),
            values.get("wp:term_parent", ""),
            values.get("wp:term_description", ""),
            values.get("wp:term_id", ""),
        )

    def _item(self, element: Element, line: int) -> Item:
        item = Item(line=line)
        simple = {
            "title": "title",
            "link": "link",
            "pubDate": "pub_date",
            "dc:creator": "creator",
            "guid": "guid",
            "wp:post_id": "wp_id",
            "wp:post_date": "post_date",
            "wp:post_date_gmt": "post_date_gmt",
            "wp:comment_status": "comment_status",
            "wp:post_name": "post_name",
            "wp:status": "status",
            "wp:post_parent": "post_parent",
            "wp:post_type": "post_type",
            "wp:attachment_url": "attachment_url",
        }
        for child in element:
            name = _local(child.tag)
            text = child.text or ""
            if name in simple:
                setattr(item, simple[name], text.strip())
            elif name == "content:encoded":
                item.content = text
            elif name == "excerpt:encoded":
                item.excerpt = text
            elif name == "wp:is_sticky":
                item.is_sticky = text.strip() == "1"
            elif name == "category":
                domain = child.get("domain", "")
                taxonomy = {"tag": "post_tag", "": "category"}.get(domain, domain)
                item.terms.append((taxonomy, child.get("nicename", ""), text.strip()))
            elif name == "wp:postmeta":
                values = self._children(child)
                item.meta[values.get("wp:meta_key", "")] = values.get("wp:meta_value", "")
            elif name == "wp:comment":
                item.comments.append(self._comment(child))
        return item

    def _comment(self, element: Element) -> WPComment:
        values = self._children(element)
        content = next(
            (c.text or "" for c in element if _local(c.tag) == "wp:comment_content"), ""
        )
        return WPComment(
            wp_id=values.get("wp:comment_id", ""),
            author=values.get("wp:comment_author", ""),
            email=values.get("wp:comment_author_email", ""),
            url=values.get("wp:comment_author_url", ""),
            ip=values.get("wp:comment_author_IP", ""),
            date=values.get("wp:comment_date", ""),
            date_gmt=values.get("wp:comment_date_gmt", ""),
            content=content,
            approved=values.get("wp:comment_approved", "1"),
            type=values.get("wp:comment_type", ""),
            parent=values.get("wp:comment_parent", "0") or "0",
        )
