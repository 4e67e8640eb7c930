"""Videos and social posts inside articles, without trackers.

An address of a YouTube, Vimeo, Dailymotion or PeerTube video, or of a Mastodon or X
post, is recognised here (``recognise(url)``) and shown by ``Embed.html()``:

- a video is a *facade*: its title and a play link, drawn by the site itself. Nothing
  is asked of the video's site until the reader clicks; static/js/carnet.js then puts
  the provider's privacy-enhanced player (youtube-nocookie.com, Vimeo with ``dnt=1``…)
  in its place. Without JavaScript the link leads to the video's own page.
- a post is a quoted card: a blockquote with its text, its author and a link to it.
  Nothing is loaded from the network it was posted on.

The markup is the one sitewide.markup keeps (and rebuilds from its ``data-embed-*``
attributes, whatever else was written around them); the public pages' Content Security
Policy lets frames come from ``frame_sources()`` only. Anything that renders text for
readers (article bodies, pages, later live coverage entries) embeds through here.

``lookup(url)`` asks the provider for a video's title or a post's text, for the editor's
"embed" dialog; it is the one place that talks to a third party, from the server, never
from a reader's browser.
"""

import ipaddress
import json
import logging
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

VIDEO = "video"
POST = "post"


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    kind: str
    # Where its player is served from (videos only): the page's frame-src.
    player_origin: str = ""


YOUTUBE = Provider("youtube", "YouTube", VIDEO, "https://www.youtube-nocookie.com")
VIMEO = Provider("vimeo", "Vimeo", VIDEO, "https://player.vimeo.com")
DAILYMOTION = Provider("dailymotion", "Dailymotion", VIDEO, "https://geo.dailymotion.com")
PEERTUBE = Provider("peertube", "PeerTube", VIDEO)  # its origin is each allowed instance
MASTODON = Provider("mastodon", "Mastodon", POST)
X = Provider("x", "X", POST)
PROVIDERS = (YOUTUBE, VIMEO, DAILYMOTION, PEERTUBE, MASTODON, X)
BY_KEY = {provider.key: provider for provider in PROVIDERS}

# Texts longer than these are not a title or a post: cut, so that a page stays a page.
TITLE_MAX = 300
AUTHOR_MAX = 200
TEXT_MAX = 5000

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_YOUTUBE_PATHS = re.compile(r"^/(?:embed|shorts|live|v)/([^/?#]+)/?$")
_YOUTUBE_TIME = re.compile(r"^(?:(\d{1,2})h)?(?:(\d{1,3})m)?(?:(\d{1,5})s?)?$")
_VIMEO_PATH = re.compile(
    r"^/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/)?(\d{1,12})(?:/([0-9a-f]{6,20}))?/?$"
)
_DAILYMOTION_ID = re.compile(r"^[A-Za-z0-9]{5,12}$")
_DAILYMOTION_PATH = re.compile(r"^/(?:embed/)?video/([A-Za-z0-9]{5,12})(?:[_/?#].*)?$")
# PeerTube: a UUID, or the short id of /w/ addresses (base58).
_PEERTUBE_PATH = re.compile(
    r"^/(?:w/|videos/watch/|videos/embed/)"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[1-9A-HJ-NP-Za-km-z]{20,24})/?$"
)
_X_HOSTS = {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}
_X_PATH = re.compile(r"^/(\w{1,15})/status(?:es)?/(\d{1,25})/?$")
# Mastodon (and the servers that speak like it): /@user/123 or /users/user/statuses/123.
_MASTODON_PATH = re.compile(
    r"^/(?:@(\w{1,30})(?:@[\w.-]{1,100})?|users/(\w{1,30})/statuses)/(\d{1,25})/?$"
)
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def is_hostname(value: str) -> bool:
    """A public DNS name such as framatube.org (no port, no address, no scheme)."""
    return bool(_HOSTNAME.match(value))


def frame_sources(peertube_hosts: list[str]) -> list[str]:
    """The origins of the players a page may frame: the public pages' CSP frame-src."""
    fixed = [provider.player_origin for provider in PROVIDERS if provider.player_origin]
    return fixed + [f"https://{host}" for host in peertube_hosts]


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str  # the video's or the post's own page, as a reader's link goes to it
    player: str = ""  # videos: the privacy-enhanced player, framed after the click
    title: str = ""
    author: str = ""
    text: str = ""  # posts: paragraphs, separated by blank lines

    @property
    def kind(self) -> str:
        return self.provider.kind

    def with_details(self, *, title: str = "", author: str = "", text: str = "") -> "Embed":
        """The same embed with what an editor (or the provider) said of it, cut to size."""
        return replace(
            self,
            title=_one_line(title)[:TITLE_MAX],
            author=_one_line(author)[:AUTHOR_MAX],
            text=_paragraphs(text)[:TEXT_MAX].strip(),
        )

    def display_title(self) -> str:
        return self.title or _("Video on %(provider)s") % {"provider": self.provider.name}

    def html(self) -> str:
        """The markup readers get, in the active language (the article's, when saving)."""
        if self.kind == VIDEO:
            return format_html(
                '<figure class="embed embed--video" data-embed-url="{url}" '
                'data-embed-title="{title}">'
                '<a class="embed__facade" href="{url}" data-embed-player="{player}">'
                '<span class="embed__title">{title_shown}</span>'
                '<span class="embed__play">{play}</span>'
                '<span class="embed__notice">{notice}</span></a></figure>',
                url=self.url,
                title=self.title,
                player=self.player,
                title_shown=self.display_title(),
                play=_("Play the video"),
                notice=_("%(provider)s: nothing is loaded from it before you click.")
                % {"provider": self.provider.name},
            )
        paragraphs = [p for p in self.text.split("\n\n") if p.strip()]
        quote = (
            format_html(
                '<blockquote cite="{}">{}</blockquote>',
                self.url,
                format_html_join(
                    "",
                    "<p>{}</p>",
                    ((line,) for line in paragraphs),
                ),
            )
            if paragraphs
            else ""
        )
        return format_html(
            '<figure class="embed embed--post" data-embed-url="{url}" '
            'data-embed-author="{author}">'
            '{quote}<figcaption><span class="embed__author">{author_shown}</span> '
            '<a href="{url}">{source}</a></figcaption></figure>',
            url=self.url,
            author=self.author,
            quote=quote,
            author_shown=self.author or _("A post"),
            source=_("Open the post (%(provider)s)") % {"provider": self.provider.name},
        )

    def as_json(self) -> dict:
        """What the editor's embed node holds."""
        return {
            "provider": self.provider.key,
            "providerName": self.provider.name,
            "kind": self.kind,
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "text": self.text,
        }


def recognise(url: str) -> Embed | None:
    """The embed an address stands for, or None: only https (or http) addresses of the
    providers above, with the ids they use, in any of their usual shapes."""
    parts = _split(url)
    if parts is None:
        return None
    host, path, query = parts
    for recognise_one in (_youtube, _vimeo, _dailymotion, _peertube, _x, _mastodon):
        found = recognise_one(host, path, query)
        if found:
            return found
    return None


def _split(url: str) -> tuple[str, str, dict] | None:
    url = (url or "").strip()
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or parts.username or parts.password:
        return None
    if port not in {None, 80, 443}:
        return None
    host = (parts.hostname or "").lower()
    return host, parts.path or "/", parse_qs(parts.query)


def _youtube(host: str, path: str, query: dict) -> Embed | None:
    video_id = ""
    if host in _YOUTUBE_HOSTS and path == "/watch":
        video_id = query.get("v", [""])[0]
    elif host in _YOUTUBE_HOSTS | {"www.youtube-nocookie.com", "youtube-nocookie.com"}:
        match = _YOUTUBE_PATHS.match(path)
        video_id = match.group(1) if match else ""
    elif host == "youtu.be":
        video_id = path.strip("/")
    if not _YOUTUBE_ID.match(video_id):
        return None
    start = _seconds(query.get("t", query.get("start", [""]))[0])
    url = f"https://www.youtube.com/watch?v={video_id}"
    player = f"{YOUTUBE.player_origin}/embed/{video_id}?autoplay=1"
    if start:
        url, player = f"{url}&t={start}s", f"{player}&start={start}"
    return Embed(YOUTUBE, url, player)


def _seconds(value: str) -> int:
    match = _YOUTUBE_TIME.match(value or "")
    if not value or not match:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _vimeo(host: str, path: str, query: dict) -> Embed | None:
    if host not in {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}:
        return None
    match = _VIMEO_PATH.match(path)
    if not match:
        return None
    video_id, secret = match.group(1), match.group(2) or query.get("h", [""])[0]
    if secret and not re.fullmatch(r"[0-9a-f]{6,20}", secret):
        return None
    url = f"https://vimeo.com/{video_id}" + (f"/{secret}" if secret else "")
    # dnt=1: Vimeo's player then sets no cookie and tracks no session.
    player = f"{VIMEO.player_origin}/video/{video_id}?" + urlencode(
        {"dnt": 1, "autoplay": 1, **({"h": secret} if secret else {})}
    )
    return Embed(VIMEO, url, player)


def _dailymotion(host: str, path: str, query: dict) -> Embed | None:
    video_id = ""
    if host in {"dailymotion.com", "www.dailymotion.com"}:
        match = _DAILYMOTION_PATH.match(path)
        video_id = match.group(1) if match else ""
    elif host == "dai.ly":
        video_id = path.strip("/")
    elif host == "geo.dailymotion.com" and path == "/player.html":
        video_id = query.get("video", [""])[0]
    if not _DAILYMOTION_ID.match(video_id):
        return None
    return Embed(
        DAILYMOTION,
        f"https://www.dailymotion.com/video/{video_id}",
        f"{DAILYMOTION.player_origin}/player.html?video={video_id}&autoplay=1",
    )


def _peertube(host: str, path: str, query: dict) -> Embed | None:
    if host not in settings.EMBED_PEERTUBE_HOSTS:
        return None
    match = _PEERTUBE_PATH.match(path)
    if not match:
        return None
    video_id = match.group(1)
    # p2p=0: the player does not share the video with other readers over WebRTC, which
    # would show them each other's addresses.
    return Embed(
        PEERTUBE,
        f"https://{host}/w/{video_id}",
        f"https://{host}/videos/embed/{video_id}?autoplay=1&p2p=0",
    )


def _x(host: str, path: str, query: dict) -> Embed | None:
    match = _X_PATH.match(path) if host in _X_HOSTS else None
    if not match:
        return None
    handle, post_id = match.groups()
    return Embed(X, f"https://x.com/{handle}/status/{post_id}", author=f"@{handle}")


def _mastodon(host: str, path: str, query: dict) -> Embed | None:
    match = _MASTODON_PATH.match(path)
    if not match or not is_hostname(host) or host in _X_HOSTS:
        return None
    user = match.group(1) or match.group(2)
    return Embed(MASTODON, f"https://{host}/@{user}/{match.group(3)}", author=f"@{user}@{host}")


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _paragraphs(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))
    return "\n\n".join(_one_line(p) for p in paragraphs if p.strip())


# What the providers tell of a video or a post (oEmbed, or Mastodon's API).
LOOKUP_TIMEOUT = 3
LOOKUP_MAX_BYTES = 256 * 1024


def lookup(embed: Embed) -> Embed:
    """The embed with its title (a video) or its text and author (a post), as its provider
    gives them; as it was when the provider does not answer in LOOKUP_TIMEOUT seconds, or
    when settings.EMBED_LOOKUPS is off."""
    if not settings.EMBED_LOOKUPS:
        return embed
    try:
        if embed.provider is MASTODON:
            return _lookup_mastodon(embed)
        data = fetch_json(_oembed_address(embed))
    except (OSError, ValueError) as error:
        logger.info("No details for %s: %s", embed.url, error)
        return embed
    if embed.kind == VIDEO:
        return embed.with_details(title=str(data.get("title") or ""))
    return embed.with_details(
        author=str(data.get("author_name") or embed.author),
        text=_text_of(str(data.get("html") or ""), first_quote_only=True),
    )


def _oembed_address(embed: Embed) -> str:
    host = urlsplit(embed.url).hostname
    endpoint = {
        YOUTUBE: "https://www.youtube.com/oembed",
        VIMEO: "https://vimeo.com/api/oembed.json",
        DAILYMOTION: "https://www.dailymotion.com/services/oembed",
        PEERTUBE: f"https://{host}/services/oembed",
        X: "https://publish.twitter.com/oembed",
    }[embed.provider]
    return f"{endpoint}?" + urlencode({"url": embed.url, "format": "json", "omit_script": 1})


def _lookup_mastodon(embed: Embed) -> Embed:
    parts = urlsplit(embed.url)
    # Any server may speak Mastodon: ask only one that is on the public internet.
    if not _is_public_host(parts.hostname or ""):
        raise ValueError("not a public server")
    post_id = parts.path.rstrip("/").rsplit("/", 1)[-1]
    data = fetch_json(f"https://{parts.hostname}/api/v1/statuses/{post_id}")
    account = data.get("account") or {}
    name = str(account.get("display_name") or "")
    handle = f"@{account['acct']}" if account.get("acct") else ""
    if handle and "@" not in handle[1:]:
        handle = f"{handle}@{parts.hostname}"
    author = f"{name} ({handle})" if name and handle else name or handle or embed.author
    return embed.with_details(author=author, text=_text_of(str(data.get("content") or "")))


def _is_public_host(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, 443)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(
        ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses
    )


def fetch_json(url: str) -> dict:
    """GET a JSON object over https, in LOOKUP_TIMEOUT seconds and LOOKUP_MAX_BYTES."""
    if not url.startswith("https://"):
        raise ValueError("https only")
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "Carnet (embeds)"}
    )
    with urllib.request.urlopen(request, timeout=LOOKUP_TIMEOUT) as response:
        body = response.read(LOOKUP_MAX_BYTES + 1)
    if len(body) > LOOKUP_MAX_BYTES:
        raise ValueError("answer too long")
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


class _Text(HTMLParser):
    """The text of a provider's HTML, a paragraph per <p>, <br> as a space."""

    def __init__(self, first_quote_only: bool):
        super().__init__(convert_charrefs=True)
        self.first_quote_only = first_quote_only
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.in_paragraph = False
        self.done = False

    def handle_starttag(self, tag, attrs):
        if tag == "p" and not self.done:
            self.in_paragraph, self.current = True, []
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag):
        if tag == "p" and self.in_paragraph:
            self.in_paragraph = False
            self.paragraphs.append("".join(self.current))
        elif tag == "blockquote" and self.first_quote_only:
            self.done = True

    def handle_data(self, data):
        if self.in_paragraph and not self.done:
            self.current.append(data)


def _text_of(html: str, *, first_quote_only: bool = False) -> str:
    parser = _Text(first_quote_only)
    parser.feed(html[:LOOKUP_MAX_BYTES])
    parser.close()
    return "\n\n".join(parser.paragraphs)
