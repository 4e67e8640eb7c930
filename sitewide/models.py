from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sitewide import cache
from sitewide.pagecache import pages_changed
from sitewide.uploads import UploadedImageField

# Every page reads the settings; a save invalidates them at once, and the timeout only
# bounds how long a cache that missed an invalidation (a restarted Redis) can lag.
CACHE_KEY = "sitewide:site-settings:v1"
CACHE_SECONDS = 3600


class SiteSettings(models.Model):
    """Site-wide settings the owner edits in the admin; there is only ever one row."""

    site_name = models.CharField(_("site name"), max_length=100, default="Carnet")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    telegram_url = models.URLField(_("Telegram channel"), blank=True)
    x_url = models.URLField(_("X / Twitter account"), blank=True)
    default_meta_image = UploadedImageField(
        _("default link-preview image"), upload_to="site/", blank=True
    )
    comments_close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        null=True,
        blank=True,
        help_text=_("Articles older than this take no more comments. Empty: never close."),
    )
    comment_hold_words = models.TextField(
        _("words that hold a comment"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment whose name, email, website or text "
            "contains one waits for a moderator with the reason noted."
        ),
    )
    comment_refuse_words = models.TextField(
        _("words that refuse a comment"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment containing one is filed as spam at once."
        ),
    )
    comments_trust_confirmed = models.BooleanField(
        _("approve confirmed regulars"),
        default=False,
        help_text=_(
            "Publish a comment without waiting for a moderator when its poster confirmed "
            "the address for this comment by the emailed link, and a comment from that "
            "address was approved before. Held comments (links, words) still wait."
        ),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("Site settings"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        first_save = self._state.adding
        super().save(*args, **kwargs)
        pages_changed()
        if first_save:
            return  # no process can have cached a row that did not exist
        # Now for this process, and again once the row is committed, so that no other
        # request can cache the old row between the two.
        cache.delete(CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(CACHE_KEY), using=kwargs.get("using"))

    @classmethod
    def load(cls) -> "SiteSettings":
        """The site's settings row, from the cache; created with defaults the first time."""
        site = cache.get(CACHE_KEY)
        if site is None:
            site, _created = cls.objects.get_or_create(pk=1)
            cache.set(CACHE_KEY, site, CACHE_SECONDS)
        return site

    @staticmethod
    def word_list(text: str) -> list[str]:
        """The non-empty lines of a word-list setting, lower-cased."""
        return [line.strip().lower() for line in text.splitlines() if line.strip()]

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("Facebook", self.facebook_url),
            ("Telegram", self.telegram_url),
            ("X", self.x_url),
        ]
        return [(label, url) for label, url in links if url]


class FailedMail(models.Model):
    """A message whose every attempt failed, kept for an administrator to send again.

    The mail path (sitewide/mail.py) records it after the last retry; the admin's
    "Send again" action queues it anew and removes the record.
    """

    name = models.CharField(_("message"), max_length=100)
    to = models.JSONField(_("to"))
    context = models.JSONField(_("context"))
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"))
    error = models.TextField(_("last error"))
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = _("email that could not be sent")
        verbose_name_plural = _("emails that could not be sent")

    def __str__(self) -> str:
        return self.name


class PostingLimit(models.Model):
    """When an address last posted a form of one kind, or an email address was last
    sent a mail of one kind, for the flood limits (sitewide/flood.py).

    Keyed by a keyed hash of the scope and the IP or email address; rows older than a day
    serve no limit and are purged by ``manage.py purge_comment_ips``.
    """

    key = models.CharField(max_length=64, primary_key=True)
    scope = models.CharField(max_length=20)
    last_posted_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_posted_at"]

    def __str__(self) -> str:
        return f"{self.scope}: {self.key}"


class PendingPurge(models.Model):
    """A tag the shared cache in front has yet to forget (sitewide/purges.py): one row
    per tag, however many changes touched it before the next batch went out."""

    tag = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["tag"]

    def __str__(self) -> str:
        return self.tag
