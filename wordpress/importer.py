"""Importing a WordPress export: authors, terms, posts, pages, comments and images,
and the old addresses of them all.

`WordPressImport.run()` reads the file as a stream (wordpress/wxr.py) and writes as
it goes, in one transaction: a file that stops half-way leaves nothing behind. Each
item is recorded (ImportRecord) under what identifies it in WordPress (its id in the
site; a comment's within its post), so that a second run, or a newer export of the
same site, skips what an earlier one imported and says so. What it cannot match with
an earlier import is named in the summary, never raised. Pages and images each go
through one method, `import_page()` and `import_image()`.
"""

import datetime
import email.utils
import ipaddress
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from accounts.models import User
from blog.models import Article, Category
from comments.models import Comment, new_token, recount_articles
from editing.models import Image
from pages.models import Page
from sitewide import languages
from sitewide.images import ARTICLE_SIZES, delete_renditions
from sitewide.markup import render_comment_text
from sitewide.pagecache import one_change_for_many
from wordpress import content
from wordpress.models import ImportRecord, OldAddress, address_key
from wordpress.wxr import Author, Item, Reader, Term, WPComment, WXRError

Kind = ImportRecord.Kind
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
# WordPress's resized copies: photo-300x200.jpg beside photo.jpg.
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
_ZERO_DATE = "0000-00-00 00:00:00"
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
}
# Why an image was left out, by sitewide/uploads.py's code; else "not an image file".
IMAGE_REFUSALS = {
    "too_many_pixels": "too many pixels",
    "image_format": "not a JPEG, PNG or WebP image",
}


class ImportFailed(WXRError):
    """The database refused what the import wrote; nothing was kept."""


@dataclass
class Summary:
    """What the import did, and what it left out and why."""

    imported: Counter = field(default_factory=Counter)
    already: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (what, why) → count
    missing_images: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Items that contradict what an earlier import recorded, each named: left out.
    unmatched: list[str] = field(default_factory=list)

    def skip(self, what: str, why: str, count: int = 1) -> None:
        self.skipped[what, why] += count


@dataclass
class PendingComment:
    """A comment read, waiting to be written with others; its thread's first comment and
    the comment it answered, each written earlier (an id) or in the same batch."""

    post: str
    wp_id: str
    comment: Comment
    thread: Comment | int | None
    answered: Comment | int | None


def parse_date(local: str, gmt: str = "", rfc822: str = "") -> datetime.datetime | None:
    """A WordPress time: its GMT value, else the RSS date, else the site's local time
    read in Carnet's time zone (the export does not say WordPress's)."""
    for value in (gmt,):
        if value and value != _ZERO_DATE:
            try:
                naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
                return naive.replace(tzinfo=datetime.UTC)
            except ValueError:
                pass
    if rfc822:
        try:
            parsed = email.utils.parsedate_to_datetime(rfc822)
            # A draft's is "Mon, 30 Nov -0001": WordPress's zero date.
            if parsed.tzinfo and parsed.year >= 1970 and "-0001" not in rfc822:
                return parsed
        except (TypeError, ValueError, IndexError):
            pass
    if local and local != _ZERO_DATE:
        try:
            naive = datetime.datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
            return timezone.make_aware(naive)
        except (ValueError, OverflowError):
            pass
    return None


def _clip(text: str, length: int) -> str:
    return (text or "").strip()[:length]


def _slug(value: str, fallback: str, length: int = 100) -> str:
    """An ASCII slug, as Carnet's addresses take, from a WordPress (maybe %-encoded) one."""
    return slugify(unquote(value or ""))[:length].strip("-") or fallback


def _same_guid(recorded: str, read: str) -> bool:
    """Whether two GUIDs name one WordPress item; http and https alike, as WordPress
    writes either over the years. A missing GUID contradicts nothing."""
    if not recorded or not read:
        return True
    return recorded.split("://", 1)[-1] == read.split("://", 1)[-1][:500]


def _path_of(url: str) -> str:
    """The path and WordPress query of an address on the old site, as stored."""
    parts = urlsplit(url)
    path = unquote(parts.path) or "/"
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    return address_key(path, query)


class WordPressImport:
    def __init__(
        self,
        media_dir: Path | None = None,
        dry_run: bool = False,
        progress: Callable[[int, int, int], None] = lambda done, total, items: None,
    ):
        self.media_dir = Path(media_dir) if media_dir else None
        self.dry_run = dry_run
        self.progress = progress
        self.summary = Summary()
        self.site = ""
        self.base_path = ""
        self.language = languages.site_code()
        self.saved_images: list[Image] = []
        self._types = {
            model: ContentType.objects.get_for_model(model)
            for model in (User, Category, Tag, Article, Comment, Page, Image)
        }
        self._authors: dict[str, User] = {}
        self._terms: dict[tuple[str, str], object] = {}
        self._category_parents: dict[str, str] = {}
        self._category_names: dict[str, str] = {}
        self._new_addresses: list[OldAddress] = []
        self._new_comments: list[PendingComment] = []
        # The posts and pages of this file, by key, with their line: one met twice is named.
        self._seen_items: dict[tuple[str, str], int] = {}
        self._touched_articles: set[int] = set()
        self._sticky: Article | None = None
        # Posts whose featured image or gallery waits for the attachments (later in the file).
        self._unfinished: list[int] = []

    # The run ------------------------------------------------------------------------

    def run(self, source: BinaryIO, total_bytes: int = 0) -> Summary:
        """Import the export; on any error nothing stays written (WXRError names the
        line). A dry run does everything, then rolls it back and copies no file."""
        reader = Reader(source)
        try:
            try:
                with transaction.atomic(), one_change_for_many():
                    self._read(reader, source, total_bytes)
                    self._finish()
                    if self.dry_run:
                        transaction.set_rollback(True)
            except DatabaseError as error:
                # Written in batches at the end of the file: no line to name.
                raise ImportFailed(f"the database refused the import ({error})") from error
        except BaseException:
            # The database forgets the images; their files must go too.
            for image in self.saved_images:
                delete_renditions(image.file.storage, image.file.name, image.renditions)
                image.file.storage.delete(image.file.name)
            raise
        return self.summary

    def _read(self, reader: Reader, source: BinaryIO, total_bytes: int) -> None:
        started = False
        for count, thing in enumerate(reader, start=1):
            if not started:
                self._start(reader)
                started = True
            try:
                if isinstance(thing, Author):
                    self.author(thing)
                elif isinstance(thing, Term):
                    self.term(thing)
                else:
                    self.item(thing)
            except (ValueError, ValidationError, DatabaseError) as error:
                line = getattr(thing, "line", reader.line)
                raise WXRError(str(error), line) from None
            self.progress(source.tell(), total_bytes, count)
        if not started:
            self._start(reader)
        else:
            self.progress(total_bytes, total_bytes, count)

    def _start(self, reader: Reader) -> None:
        # The site's address keys its records: two sites imported into one Carnet never mix.
        self.site = self._known_site(reader.channel.site or "wordpress")
        self.base_path = urlsplit(reader.channel.site).path.rstrip("/")
        code = reader.channel.language.split("-")[0].lower()
        if code in languages.BY_CODE:
            self.language = code
        self._site_address("/feed/", OldAddress.Leads.LATEST_FEED)
        self._site_address("/?feed=rss2", OldAddress.Leads.LATEST_FEED)
        self._site_address("/feed/rss2/", OldAddress.Leads.LATEST_FEED)
        self._site_address("/comments/feed/", OldAddress.Leads.COMMENTS_FEED)

    def _known_site(self, site: str) -> str:
        """The site's address as an earlier import recorded it, if one did under another
        spelling (http or https, with www. or without: one site to its readers, as
        content.rewrite_links has it); else the address the export gives."""
        parts = urlsplit(site)
        host = parts.netloc.lower().removeprefix("www.")
        if not host:
            return site
        spellings = [
            f"{scheme}://{www}{host}{parts.path}"
            for scheme in ("https", "http")
            for www in ("", "www.")
        ]
        known = set(
            ImportRecord.objects.filter(site__in=[site, *spellings])
            .order_by()
            .values_list("site", flat=True)
            .distinct()
        )
        if site in known or not known:
            return site
        earlier = min(known)
        self.summary.notes.append(
            f"This export names the site {site}; an earlier import named it {earlier}: "
            "taken as the same site."
        )
        return earlier

    # Records ----------------------------------------------------------------------------

    def _record(self, kind: str, key: str) -> ImportRecord | None:
        return ImportRecord.objects.filter(site=self.site, kind=kind, post="", key=key).first()

    def _remember(self, kind: str, key: str, target, guid: str = "", **data) -> ImportRecord:
        """Record what an item became. An item recorded before whose target was deleted
        here since, and is made again, has its record point to the new one."""
        record, _created = ImportRecord.objects.update_or_create(
            site=self.site,
            kind=kind,
            post="",
            key=key,
            defaults={
                "guid": guid[:500],
                "content_type": self._types[type(target)] if target is not None else None,
                "object_id": target.pk if target is not None else None,
                "data": data,
            },
        )
        return record

    def _met_before(self, kind: str, key: str, item: Item, record: ImportRecord | None) -> str:
        """Whether this post or page is "new", "already" imported (and counted so), or
        "unmatched": met earlier in this file, or its id recorded for another item (named
        in the summary, and left out)."""
        seen = self._seen_items.setdefault((kind, key), item.line)
        title = content.plain_text(item.title)[:80]
        if seen != item.line:
            self.summary.unmatched.append(
                f"{kind} {key} “{title}” (line {item.line}): the export holds it twice "
                f"(first on line {seen}); the second was left out, with its "
                f"{len(item.comments)} comments."
            )
            return "unmatched"
        if record is None:
            return "new"
        if not _same_guid(record.guid, item.guid):
            self.summary.unmatched.append(
                f"{kind} {key} “{title}” (line {item.line}): an earlier import recorded id "
                f"{key} for another item (GUID {record.guid}, here {item.guid}); left out, "
                f"with its {len(item.comments)} comments."
            )
            return "unmatched"
        self.summary.already[f"{kind}s"] += 1
        return "already"

    def _address(self, url_or_path: str, record: ImportRecord, leads_to: str = "page") -> None:
        """Keep an old address for the record, unless another item claimed it first.

        A full URL (a post's <link>) is taken as it is; a path is WordPress's own
        pattern, under the folder WordPress was installed in (/blog/?p=12).
        """
        if url_or_path.startswith("/"):
            url_or_path = self.base_path + url_or_path
        path = _path_of(url_or_path)
        if len(path) <= 500 and path != "/":
            self._new_addresses.append(OldAddress(path=path, record=record, leads_to=leads_to))
        if len(self._new_addresses) >= 1000:
            self._save_addresses()

    def _site_address(self, path: str, leads_to: str) -> None:
        path = _path_of(self.base_path + path)
        self._new_addresses.append(OldAddress(path=path, leads_to=leads_to))

    def _save_addresses(self) -> None:
        # The first item to claim an address keeps it, in this run as in an earlier one.
        OldAddress.objects.bulk_create(self._new_addresses, ignore_conflicts=True)
        self._new_addresses = []

    # Authors ----------------------------------------------------------------------------

    def author(self, author: Author) -> User:
        login = author.login or author.display_name or "author"
        record = self._record(Kind.AUTHOR, login)
        if record and record.target:
            self._authors[login] = record.target
            return record.target
        if record:
            self.summary.notes.append(
                f"WordPress author {login} was imported before, and their account deleted "
                "since: their account is made again."
            )
        user = None
        if author.email:
            user = User.objects.filter(email__iexact=author.email).order_by("pk").first()
        if user is None:
            username = _clip(re.sub(r"[^\w.@+-]", "-", login), 140) or "author"
            base, n = username, 2
            while User.objects.filter(username=username).exists():
                username, n = f"{base}-{n}", n + 1
            # No usable password: an administrator invites the author to set one.
            user = User(
                username=username,
                email=_clip(author.email, 254),
                first_name=_clip(author.first_name, 150),
                last_name=_clip(author.last_name, 150),
                display_name=_clip(author.display_name or login, 100),
            )
            user.set_unusable_password()
            user.save()
            self.summary.imported["authors"] += 1
        else:
            self.summary.notes.append(
                f"WordPress author {login} is the existing account {user.username}."
            )
        record = self._remember(Kind.AUTHOR, login, user)
        self._address(f"/author/{_slug(login, 'author')}/", record)
        self._address(f"/author/{_slug(login, 'author')}/feed/", record, "feed")
        if author.wp_id:
            self._address(f"/?author={author.wp_id}", record)
        self._authors[login] = user
        return user

    def _author_of(self, creator: str) -> User:
        if creator not in self._authors:
            record = self._record(Kind.AUTHOR, creator or "author")
            if record and record.target:
                self._authors[creator] = record.target
            else:
                # WXR 1.0 lists no authors: each name under dc:creator becomes one.
                self.author(Author(login=creator or "author", display_name=creator))
        return self._authors[creator]

    # Categories and tags ----------------------------------------------------------------

    def term(self, term: Term) -> object:
        slug = term.slug or _slug(term.name, "term")
        if term.taxonomy == "category":
            self._category_parents[slug] = term.parent
            self._category_names[slug] = term.name
            return self._category(slug, term.name, term.description, term.wp_id)
        return self._tag(slug, term.name, term.wp_id)

    def _category_path(self, slug: str) -> list[str]:
        path, seen = [slug], {slug}
        while (parent := self._category_parents.get(path[0])) and parent not in seen:
            path.insert(0, parent)
            seen.add(parent)
        return path

    def _category(self, slug: str, name: str, description: str = "", wp_id: str = ""):
        if ("category", slug) in self._terms:
            return self._terms["category", slug]
        record = self._record(Kind.CATEGORY, slug)
        category = record.target if record else None
        if record and category is None:
            self.summary.notes.append(
                f"WordPress category {slug} was imported before, and deleted here since: "
                "it is made again for the posts filed under it."
            )
        if category is None:
            new_slug = _slug(slug, "category")
            name = _clip(name or slug, 100)
            category = Category.objects.filter(slug=new_slug).first()
            if category is None:
                # Two WordPress categories may share a name under different parents.
                parent = self._category_names.get(self._category_parents.get(slug, ""), "")
                if Category.objects.filter(name=name).exists() and parent:
                    name = _clip(f"{name} ({parent})", 100)
                base, n = name, 2
                while Category.objects.filter(name=name).exists():
                    name, n = f"{base[:95]} {n}", n + 1
                category = Category.objects.create(
                    name=name, slug=new_slug, description=content.plain_text(description)
                )
                self.summary.imported["categories"] += 1
            record = self._remember(Kind.CATEGORY, slug, category)
            full = "/".join(self._category_path(slug))
            for path in dict.fromkeys([f"/category/{full}/", f"/category/{slug}/"]):
                self._address(path, record)
                self._address(path + "feed/", record, "feed")
            if wp_id:
                self._address(f"/?cat={wp_id}", record)
        self._terms["category", slug] = category
        return category

    def _tag(self, slug: str, name: str, wp_id: str = "") -> Tag:
        if ("post_tag", slug) in self._terms:
            return self._terms["post_tag", slug]
        record = self._record(Kind.TAG, slug)
        tag = record.target if record else None
        if record and tag is None:
            self.summary.notes.append(
                f"WordPress tag {slug} was imported before, and deleted here since: "
                "it is made again for the posts that carry it."
            )
        if tag is None:
            new_slug = _slug(slug, "tag")
            name = _clip(name or slug, 100)
            tag = (
                Tag.objects.filter(slug=new_slug).first() or Tag.objects.filter(name=name).first()
            )
            if tag is None:
                tag = Tag.objects.create(name=name, slug=new_slug)
                self.summary.imported["tags"] += 1
            record = self._remember(Kind.TAG, slug, tag)
            self._address(f"/tag/{slug}/", record)
            self._address(f"/tag/{slug}/feed/", record, "feed")
            self._address(f"/?tag={slug}", record)
        self._terms["post_tag", slug] = tag
        return tag

    def _tag_named(self, slug: str, name: str) -> Tag:
        """A tag standing for one of a post's other categories: no WordPress tag, so no
        record and no old address of its own."""
        return (
            Tag.objects.filter(slug=slug).first()
            or Tag.objects.filter(name=name).first()
            or Tag.objects.create(name=name, slug=slug)
        )

    # Items ------------------------------------------------------------------------------

    def item(self, item: Item) -> None:
        if item.post_type == "post":
            self.post(item)
        elif item.post_type == "page":
            self.import_page(item)
        elif item.post_type == "attachment":
            self.attachment(item)
        else:
            self.summary.skip(item.post_type, "not a post, a page or an attachment")

    def _key(self, item: Item) -> str:
        """The WordPress id, read from the guid or link when the export left it out."""
        if item.wp_id:
            return item.wp_id
        for url in (item.guid, item.link):
            match = re.search(r"[?&]p(?:age_id)?=(\d+)", url)
            if match:
                return match.group(1)
        return "guid:" + (item.guid or item.link or item.title)[:290]

    def post(self, item: Item) -> None:
        key = self._key(item)
        record = self._record(Kind.POST, key)
        met = self._met_before(Kind.POST, key, item, record)
        if met == "unmatched":
            return
        if met == "already":
            if record.target is None:
                self.summary.notes.append(
                    f"post {key} was imported before, and its article deleted here since: "
                    f"left out, with its {len(item.comments)} comments."
                )
            else:
                self.comments(item, record.target, key, record_existed=True)
            return
        status = STATUSES.get(item.status)
        if status is None:
            self.summary.skip("posts", f"status “{item.status or '?'}”")
            return
        published_at = parse_date(item.post_date, item.post_date_gmt, item.pub_date)
        main_category, other_categories = self._categories(item)
        article = Article(
            title=_clip(content.plain_text(item.title), 200) or _untitled(),
            slug=self._unique_slug(item),
            standfirst=content.plain_text(item.excerpt),
            body=self._body(item),
            author=self._author_of(item.creator),
            category=main_category,
            language=self.language,
            status=status,
            published_at=published_at or timezone.now(),
            comments_open=item.comment_status != "closed",
            exclude_from_google_news=_excluded_from_google_news(item.meta),
        )
        article.save()
        tags = [
            self._tag(slug or _slug(name, "tag"), name)
            for taxonomy, slug, name in item.terms
            if taxonomy == "post_tag"
        ]
        # A Carnet article has one category: the post's others are kept as its tags.
        tags += [self._tag_named(category.slug, category.name) for category in other_categories]
        if tags:
            # Straight into taggit's table: its manager queries once per tag otherwise.
            TaggedItem.objects.bulk_create(
                TaggedItem(content_type=self._types[Article], object_id=article.pk, tag=tag)
                for tag in dict.fromkeys(tags)
            )
        thumbnail = item.meta.get("_thumbnail_id", "")
        gallery = content.has_gallery(item.content)
        record = self._remember(
            Kind.POST, key, article, item.guid, thumbnail=thumbnail, gallery=gallery
        )
        if thumbnail or gallery:
            self._unfinished.append(record.pk)
        self.summary.imported["posts"] += 1
        self._post_addresses(item, key, article, record)
        if item.is_sticky and (
            self._sticky is None or article.published_at > self._sticky.published_at
        ):
            self._sticky = article
        self.comments(item, article, key)

    def _unique_slug(self, item: Item, model: type = Article, length: int = 190) -> str:
        base = _slug(item.post_name, "", length) or _slug(item.title, "", length)
        base = base or f"{item.post_type}-{self._key(item).removeprefix('guid:')[:20]}"
        base = _slug(base, item.post_type, length)
        slug, n = base, 2
        while model.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _categories(self, item: Item) -> tuple[Category | None, list[Category]]:
        """The post's categories: the most precise one (the deepest in the hierarchy,
        WordPress's default "Uncategorized" last), then the others."""
        slugs = []
        for taxonomy, slug, name in item.terms:
            if taxonomy == "category":
                slug = slug or _slug(name, "category")
                self._category_names.setdefault(slug, name)
                slugs.append(slug)
        if not slugs:
            return None, []
        slugs = sorted(
            dict.fromkeys(slugs),
            key=lambda slug: (-len(self._category_path(slug)), slug == "uncategorized"),
        )
        categories = [self._category(slug, self._category_names[slug]) for slug in slugs]
        # WordPress files every post without a category under "Uncategorized".
        others = [c for c in categories[1:] if slugs[categories.index(c)] != "uncategorized"]
        return categories[0], others

    def _post_addresses(self, item: Item, key: str, article: Article, record) -> None:
        if item.link:
            self._address(item.link, record)
        if key.isdigit():
            self._address(f"/?p={key}", record)
        slug = item.post_name
        local = parse_date(item.post_date)
        if slug:
            slug = unquote(slug)
            if local:
                self._address(f"/{local:%Y/%m/%d}/{slug}/", record)
                self._address(f"/{local:%Y/%m}/{slug}/", record)
            self._address(f"/{slug}/", record)
            self._address(f"/{slug}/feed/", record, "feed")

    def _body(self, item: Item, children: Callable = list) -> str:
        images = content.Images(local=self.local_image, children=children)
        body = content.convert(item.content, images, self.site)
        for url in images.missing:
            self.summary.missing_images.append(url)
        return body

    # Comments ---------------------------------------------------------------------------

    def comments(
        self, item: Item, article: Article, post: str, record_existed: bool = False
    ) -> None:
        """Queue the post's comments that are new; count those imported before.

        A comment is known by its post (post, the post's key) and its id there: the same
        id under another post is another comment.
        """
        kept: dict[str, WPComment] = {}
        statuses: dict[str, str] = {}
        for comment in item.comments:
            if comment.type in {"pingback", "trackback"}:
                self.summary.skip("comments", f"{comment.type}s")
            elif comment.type not in {"", "comment"}:
                self.summary.skip("comments", f"type “{comment.type}”")
            elif comment.approved not in COMMENT_STATUSES:
                self.summary.skip("comments", f"status “{comment.approved}”")
            else:
                # An id is what makes a second import skip the comment.
                fallback = f"{item.wp_id}:{comment.date}:{comment.author}"
                comment.wp_id = (comment.wp_id or fallback)[:300]
                if comment.wp_id in kept:
                    self.summary.unmatched.append(
                        f"comment {comment.wp_id} of post {post} (line {item.line}): the "
                        "post holds two comments with this id; the second was left out."
                    )
                    continue
                kept[comment.wp_id] = comment
                statuses[comment.wp_id] = COMMENT_STATUSES[comment.approved]
        if not kept:
            return
        existing, gone = (
            self._imported_comments(post, list(kept)) if record_existed else ({}, set())
        )

        def top_of(wp_id: str) -> str:
            seen = {wp_id}
            while (parent := kept[wp_id].parent) in kept and parent not in seen:
                wp_id = parent
                seen.add(wp_id)
            return wp_id

        created: dict[str, Comment] = {}
        new = [c for c in kept.values() if c.wp_id not in existing]
        # Top-level comments first, so that each reply finds its thread's comment.
        new.sort(key=lambda c: top_of(c.wp_id) != c.wp_id)
        added = 0
        for c in new:
            top = top_of(c.wp_id)
            thread = answered = None
            if top != c.wp_id:
                if top in gone:
                    # Deleting a comment here deleted its replies: this one has no thread.
                    self.summary.skip("comments", "replies to a comment deleted here since")
                    continue
                # Carnet's threads are one level deep: a reply joins its thread's first
                # comment and names the one it answered (Comment.answers).
                thread = created.get(top) or existing[top]
                if c.parent not in gone:
                    answered = created.get(c.parent) or existing.get(c.parent)
            stored = self._comment(c, article, statuses[c.wp_id])
            created[c.wp_id] = stored
            self._new_comments.append(PendingComment(post, c.wp_id, stored, thread, answered))
            added += 1
        if added:
            self.summary.imported["comments"] += added
            self._touched_articles.add(article.pk)
        if len(self._new_comments) >= 2000:
            self._save_comments()

    def _imported_comments(self, post: str, keys: list[str]) -> tuple[dict[str, int], set[str]]:
        """Of these comments of a post imported before, those recorded: their comments'
        ids here by WordPress id, and which of them were deleted here since.

        A comment recorded before records knew their post (wordpress 0002) and deleted
        here since has a record without its post: its id is taken as this post's, so that
        a deleted comment never comes back; it is counted as skipped, not imported.
        """
        records = ImportRecord.objects.filter(site=self.site, kind=Kind.COMMENT, key__in=keys)
        existing = dict(records.filter(post=post).values_list("key", "object_id"))
        self.summary.already["comments"] += len(existing)
        unsure = set(
            records.filter(post="").exclude(key__in=existing).values_list("key", flat=True)
        )
        if unsure:
            self.summary.skip(
                "comments",
                "their id recorded by an earlier import, for a comment deleted here since",
                len(unsure),
            )
            existing |= dict.fromkeys(unsure, None)
        alive = set(
            Comment.objects.filter(pk__in={pk for pk in existing.values() if pk}).values_list(
                "pk", flat=True
            )
        )
        gone = {key for key, pk in existing.items() if pk not in alive}
        return existing, gone

    def _save_comments(self) -> None:
        """Write the comments read so far, in a few queries: threads, then replies, then
        whom each reply answered (a reply may answer another written in the same batch)."""
        pending, self._new_comments = self._new_comments, []

        def pk(comment: Comment | int | None) -> int | None:
            return comment.pk if isinstance(comment, Comment) else comment

        tops = [p.comment for p in pending if p.thread is None]
        Comment.objects.bulk_create(tops, batch_size=500)
        replies = [p for p in pending if p.thread is not None]
        for reply in replies:
            reply.comment.parent_id = pk(reply.thread)
        Comment.objects.bulk_create([p.comment for p in replies], batch_size=500)
        answering = []
        for p in pending:
            if p.answered is not None:
                p.comment.answers_id = pk(p.answered)
                answering.append(p.comment)
        Comment.objects.bulk_update(answering, ["answers"], batch_size=500)
        ImportRecord.objects.bulk_create(
            (
                ImportRecord(
                    site=self.site,
                    kind=Kind.COMMENT,
                    post=p.post,
                    key=p.wp_id,
                    content_type=self._types[Comment],
                    object_id=p.comment.pk,
                )
                for p in pending
            ),
            batch_size=500,
        )

    def _comment(self, c: WPComment, article: Article, status: str) -> Comment:
        submitted = parse_date(c.date, c.date_gmt) or article.published_at
        body = content.plain_text(c.content)
        return Comment(
            article=article,
            name=_clip(content.plain_text(c.author), 100) or _anonymous(),
            email=_valid_email(c.email),
            website=_valid_website(c.url),
            body=body,
            body_html=render_comment_text(body),
            status=status,
            submitted_at=submitted,
            ip_address=self._kept_ip(c.ip, submitted),
            token=new_token(),
        )

    def _kept_ip(self, ip: str, submitted: datetime.datetime) -> str | None:
        """The address, if valid and still within the retention period (the daily purge
        would clear it anyway)."""
        days = settings.COMMENTS_IP_RETENTION_DAYS
        if submitted < timezone.now() - datetime.timedelta(days=days):
            return None
        try:
            return str(ipaddress.ip_address(ip.strip()))
        except ValueError:
            return None

    # Pages and images: the two places where the newsroom's models plug in ----------------

    def import_page(self, item: Item) -> None:
        """A WordPress page becomes a Carnet page: published if it was, else unpublished
        (drafts and pages in review alike, as Carnet's pages have no review)."""
        key = self._key(item)
        if self._met_before(Kind.PAGE, key, item, self._record(Kind.PAGE, key)) != "new":
            return
        if item.status not in STATUSES:
            self.summary.skip("pages", f"status “{item.status or '?'}”")
            return
        page = Page(
            title=_clip(content.plain_text(item.title), 200) or _untitled(),
            slug=self._unique_slug(item, Page, 90),
            body=self._body(item),
            language=self.language,
            published=item.status == "publish",
        )
        page.save()
        record = self._remember(Kind.PAGE, key, page, item.guid)
        self.summary.imported["pages"] += 1
        if item.link:
            self._address(item.link, record)
        if key.isdigit():
            self._address(f"/?page_id={key}", record)
        if item.post_name:
            self._address(f"/{unquote(item.post_name)}/", record)
        if item.comments:
            self.summary.skipped["comments", "on a page (Carnet's pages have none)"] += len(
                item.comments
            )

    def import_image(self, source: Path, name: str, alt: str = "", caption: str = ""):
        """Add an image to the library, once: met again (in a body, a gallery, as a cover,
        or in a later import) it is the same library image. None if the file is not an
        image; in a dry run, an unsaved image that only gives its address."""
        record = self._record(Kind.IMAGE, name)
        if record and record.target:
            return record.target
        alt = _clip(alt or Path(name).stem.replace("-", " ").replace("_", " "), 250)
        if self.dry_run:
            # Nothing is written: what the body needs to name the image, and no more.
            self.summary.imported["images"] += 1
            url = default_storage.url(name)
            return SimpleNamespace(pk=None, url=url, alt=alt, srcset="", width=0, height=0)
        try:
            image = Image.objects.create_from_file(
                source, alt=alt, caption=_clip(caption, 250), name=source.name
            )
        except ValidationError as error:
            # Counted by reason (sitewide/uploads.py's codes), not by each file's details.
            codes = {e.code for e in getattr(error, "error_dict", {}).get("file", [])}
            if "media_store_unavailable" in codes:
                # Not this image's fault: every later one would fail too. Stop, keep nothing.
                raise ImportFailed("the media storage does not answer") from error
            why = next((IMAGE_REFUSALS[c] for c in IMAGE_REFUSALS if c in codes), None)
            self.summary.skip("images", why or "not an image file")
            return None
        self.saved_images.append(image)
        self._remember(Kind.IMAGE, name, image)
        self.summary.imported["images"] += 1
        return image

    def attachment(self, item: Item) -> None:
        key = self._key(item)
        if self._record(Kind.ATTACHMENT, key):
            return
        self._remember(
            Kind.ATTACHMENT,
            key,
            None,
            item.guid,
            url=item.attachment_url or item.guid,
            alt=item.meta.get("_wp_attachment_image_alt", ""),
            caption=content.plain_text(item.excerpt),
            title=content.plain_text(item.title),
            parent=item.post_parent,
        )

    def _find_image(self, url: str) -> tuple[Path, str] | None:
        """The copy under --media-dir of an image of the old site, and its new name."""
        if not self.media_dir or not url:
            return None
        parts = urlsplit(url)
        path = unquote(parts.path)
        if Path(path).suffix.lower() not in IMAGE_EXTENSIONS:
            return None
        relative = path.split("/uploads/", 1)[1] if "/uploads/" in path else path.lstrip("/")
        root = self.media_dir.resolve()
        # The original first: one library image per picture, whatever sizes the posts used.
        for candidate in dict.fromkeys([_SIZE_SUFFIX.sub("", relative), relative]):
            found = (root / candidate).resolve()
            # Never outside the media folder, whatever "../" the export holds.
            if found.is_relative_to(root) and found.is_file():
                return found, f"wordpress/{found.relative_to(root).as_posix()}"
        return None

    def library_image(self, url: str, alt: str = "", caption: str = ""):
        """The library image of an image of the old site, imported; None when not found."""
        found = self._find_image(url)
        return self.import_image(*found, alt=alt, caption=caption) if found else None

    def local_image(self, url: str, alt: str = "") -> dict[str, str] | None:
        """The attributes of the library's copy of an image, for an <img>; None if none."""
        image = self.library_image(url, alt)
        if image is None:
            return None
        found = {"src": image.url, "alt": image.alt}
        if image.pk and image.srcset:
            found |= {"srcset": image.srcset, "sizes": ARTICLE_SIZES}
        if image.width and image.height:
            found |= {"width": str(image.width), "height": str(image.height)}
        return found

    # The end: covers, galleries, the lead story, the counts -----------------------------

    def _attachment(self, wp_id: str) -> dict | None:
        record = self._record(Kind.ATTACHMENT, wp_id)
        return record.data if record else None

    def _finish(self) -> None:
        self._save_addresses()
        self._save_comments()
        for start in range(0, len(self._unfinished), 500):
            self._finish_posts(self._unfinished[start : start + 500])
        if self._sticky is not None and not Article.objects.filter(featured=True).exists():
            self._sticky.featured = True
            self._sticky.save(update_fields=["featured"])
        elif self._sticky is not None:
            self.summary.notes.append(
                f"The sticky post “{self._sticky.title}” was not pinned: the site has a lead "
                "story already."
            )
        touched = sorted(self._touched_articles)
        for start in range(0, len(touched), 500):
            recount_articles(set(touched[start : start + 500]))

    def _finish_posts(self, record_ids: list[int]) -> None:
        for record in ImportRecord.objects.filter(pk__in=record_ids):
            article = record.target
            if article is None:
                continue
            changed = []
            if record.data.get("thumbnail"):
                changed += self._cover(article, record.data["thumbnail"])
            if record.data.get("gallery"):
                article.body = self._galleries(article, record.key)
                changed.append("body")
            if changed:
                article.save()

    def _cover(self, article: Article, thumbnail: str) -> list[str]:
        attachment = self._attachment(thumbnail)
        if attachment is None:
            self.summary.skip("featured images", "attachment not in the export")
            return []
        alt = attachment["alt"] or attachment["title"] or article.title
        image = self.library_image(attachment["url"], alt, attachment["caption"])
        if image is None:
            self.summary.missing_images.append(attachment["url"])
            return []
        if image.pk:  # in a dry run, nothing is kept
            article.cover = image
        return ["cover"]

    def _galleries(self, article: Article, post_key: str) -> str:
        def picture(data: dict | None) -> tuple[dict[str, str], str] | None:
            if data is None:
                return None
            alt = data["alt"] or data["title"]
            found = self.local_image(data["url"], alt)
            if not found:
                self.summary.missing_images.append(data["url"])
                return None
            return {"alt": alt, **found}, data["caption"]

        def children() -> list[tuple[dict[str, str], str]]:
            records = ImportRecord.objects.filter(
                site=self.site, kind=Kind.ATTACHMENT, data__parent=post_key
            ).order_by("pk")
            return [p for r in records if (p := picture(r.data))]

        images = content.Images(
            local=self.local_image,
            attachment=lambda wp_id: picture(self._attachment(wp_id)),
            children=children,
        )
        return content.render_galleries(article.body, images)


# How WordPress's Google News sitemaps mark a post to leave out: Yoast News SEO and Rank
# Math tick "on", XML Sitemap & Google News stores "1".
GOOGLE_NEWS_EXCLUSIONS = {
    "_yoast_wpseo_newssitemap-exclude",
    "rank_math_news_sitemap_exclude",
    "_xmlsf_news_exclude",
}


def _excluded_from_google_news(meta: dict[str, str]) -> bool:
    return any(
        meta.get(key, "").lower() in {"on", "1", "yes", "true"} for key in GOOGLE_NEWS_EXCLUSIONS
    )


def _untitled() -> str:
    with languages.in_site_language():
        return _("Untitled")


def _anonymous() -> str:
    with languages.in_site_language():
        return _("Anonymous")


def _valid_email(value: str) -> str:
    value = _clip(value, 254)
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _valid_website(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 200 or not value.startswith(("http://", "https://")):
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value
