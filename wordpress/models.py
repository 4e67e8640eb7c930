from urllib.parse import urlencode

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The query parameters WordPress reads its own addresses from (/?p=12, /?cat=3…).
WORDPRESS_QUERY_KEYS = ("p", "page_id", "cat", "tag", "author", "feed", "attachment_id")


class ImportRecord(models.Model):
    """One WordPress item already imported, and what it became: a second import of the
    same export (or a newer one) skips what is recorded here."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        POST = "post", _("Post")
        PAGE = "page", _("Page")
        ATTACHMENT = "attachment", _("Attachment")
        IMAGE = "image", _("Image")
        COMMENT = "comment", _("Comment")

    site = models.CharField(_("WordPress site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # A comment is one of its post's: WordPress numbers them for the whole site, but
    # exports do not keep to it (a comment id met again under another post is another
    # comment), so a comment is known by its post's key and its own. Blank for the rest.
    post = models.CharField(_("WordPress post"), max_length=300, blank=True)
    # The WordPress id (a login or a slug for authors and terms without one); "guid:…"
    # for an item exported without its id.
    key = models.CharField(_("WordPress key"), max_length=300)
    guid = models.CharField(_("GUID"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # What the importer needs later: an attachment's file, a post's featured image, the
    # comment a reply answered (Carnet's threads are one level deep).
    data = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["site", "kind", "pk"]
        verbose_name = _("imported WordPress item")
        verbose_name_plural = _("imported WordPress items")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "post", "key"], name="wordpress_one_record_per_item_v2"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="wordpress_target")]

    def __str__(self) -> str:
        if self.post:
            return f"{self.site} {self.kind} {self.key} of post {self.post}"
        return f"{self.site} {self.kind} {self.key}"


class OldAddressQuerySet(models.QuerySet):
    def find(self, path: str, query: QueryDict) -> "OldAddress | None":
        """The old address a request for path?query stands for: with its WordPress
        query parameters, or without any, with or without the trailing slash."""
        if "\x00" in path:
            # None is stored with one, and PostgreSQL refuses to be asked (a 500, else).
            return None
        wanted = {k: query[k] for k in WORDPRESS_QUERY_KEYS if k in query}
        paths = [path] if path.endswith("/") else [path, path + "/"]
        keys = [address_key(p, wanted) for p in paths if wanted] + paths
        found = {a.path: a for a in self.filter(path__in=keys).select_related("record")}
        return next((found[key] for key in keys if key in found), None)


def address_key(path: str, query: dict[str, str]) -> str:
    """How an old address is stored: its path, then its WordPress parameters in order."""
    wanted = [(k, query[k]) for k in WORDPRESS_QUERY_KEYS if k in query]
    return f"{path}?{urlencode(wanted)}" if wanted else path


class OldAddress(models.Model):
    """An address of the WordPress site, answered with a permanent redirect to what its
    item became here. Many old addresses lead to one item."""

    class Leads(models.TextChoices):
        PAGE = "page", _("its page")
        FEED = "feed", _("its feed")
        LATEST_FEED = "latest", _("the latest articles' feed")
        COMMENTS_FEED = "comments", _("the comments' feed")

    path = models.CharField(_("old address"), max_length=500, unique=True)
    record = models.ForeignKey(
        ImportRecord,
        verbose_name=_("imported item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="old_addresses",
    )
    leads_to = models.CharField(_("leads to"), max_length=10, choices=Leads, default=Leads.PAGE)

    objects = OldAddressQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("old WordPress address")
        verbose_name_plural = _("old WordPress addresses")

    def __str__(self) -> str:
        return self.path

    def new_url(self) -> str:
        """Where this old address now leads, or "" when its item is gone."""
        if self.leads_to == self.Leads.LATEST_FEED:
            return reverse("blog:feed")
        if self.leads_to == self.Leads.COMMENTS_FEED:
            return reverse("comments:feed")
        target = self.record.target if self.record else None
        if target is None or not getattr(target, "slug", None):
            return ""
        if self.leads_to == self.Leads.FEED:
            feeds = {"category": "blog:category_feed", "user": "blog:author_feed"}
            name = feeds.get(self.record.content_type.model)
            if name:
                return reverse(name, kwargs={"slug": target.slug})
            if self.record.kind == ImportRecord.Kind.POST:
                return reverse("comments:feed")
        if self.record.content_type.model == "tag":
            return reverse("blog:tag", kwargs={"slug": target.slug})
        return target.get_absolute_url()
