from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sitewide import pagecache
from sitewide.slugs import slugify
from sitewide.uploads import UploadedImageField

# The stylesheet defines one background per index: .avatar--0 to .avatar--6.
AVATAR_COLOUR_COUNT = 7


def initials_for(name: str) -> str:
    """Up to two initials from a name: "Houssen Moshinaly" gives "HM"."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:1] + words[1:][-1:]).upper() or "?"


def colour_index_for(name: str) -> int:
    """A stable avatar colour derived from a name, never from an email."""
    return sum(name.encode()) % AVATAR_COLOUR_COUNT


class User(AbstractUser):
    """A Carnet account; staff accounts carry the public author profile."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The author page's address. Filled from the display name when empty."),
    )
    role = models.CharField(
        _("role"), max_length=150, blank=True, help_text=_("For example “Rédacteur en chef”.")
    )
    bio = models.TextField(_("biography"), blank=True)
    avatar = UploadedImageField(_("avatar"), upload_to="avatars/%Y/", blank=True)
    website = models.URLField(_("website"), blank=True)
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    telegram_url = models.URLField(_("Telegram channel"), blank=True)
    x_url = models.URLField(_("X / Twitter profile"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn profile"), blank=True)
    accepts_contact = models.BooleanField(
        _("readers may contact me"),
        default=False,
        help_text=_("Shows a contact form on the author box; the address itself stays hidden."),
    )

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args, **kwargs) -> None:
        # Staff can sign articles, so they always get an author page, named after the
        # username when they have no other name.
        if not self.slug and (self.is_staff or self.display_name or self.get_full_name()):
            self.slug = self._unique_slug(slugify(self.public_name) or "author")
        super().save(*args, **kwargs)
        # A signing-in (last_login) changes no page; a profile shown on them does, and its
        # address (an author page kept as a 404, or its old slug).
        if not set(kwargs.get("update_fields") or ["*"]) <= {"last_login", "password"}:
            pagecache.changed(self, pagecache.ADDRESSES)

    def get_absolute_url(self) -> str:
        return reverse("blog:author", kwargs={"slug": self.slug})

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        return initials_for(self.public_name)

    @property
    def avatar_colour_index(self) -> int:
        return colour_index_for(self.public_name)

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("Facebook", self.facebook_url),
            ("Telegram", self.telegram_url),
            ("X", self.x_url),
            ("LinkedIn", self.linkedin_url),
        ]
        return [(label, url) for label, url in links if url]

    def can_be_contacted(self) -> bool:
        return self.accepts_contact and bool(self.email) and self.is_active

    def _unique_slug(self, base: str) -> str:
        slug, n = base[:90], 2
        while User.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base[:90]}-{n}", n + 1
        return slug


class SignInQuerySet(models.QuerySet):
    def older_than(self, days: int) -> "SignInQuerySet":
        return self.filter(signed_in_at__lt=timezone.now() - timezone.timedelta(days=days))


class SignIn(models.Model):
    """One whole sign-in to the admin (both steps when the account needs two), kept
    SIGN_IN_RETENTION_DAYS for the account's owner and the administrators to read."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("password")
        AUTHENTICATOR = "authenticator", _("password and authenticator app")
        PASSKEY = "passkey", _("password and passkey")
        BACKUP_CODE = "backup-code", _("password and backup code")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sign_ins", verbose_name=_("user")
    )
    signed_in_at = models.DateTimeField(_("signed in at"), default=timezone.now, db_index=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    new_browser = models.BooleanField(
        _("new browser"),
        default=False,
        help_text=_("The first sign-in of this account from this browser: its owner was emailed."),
    )

    objects = SignInQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_in_at"]
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")

    def __str__(self) -> str:
        return f"{self.user} ({self.signed_in_at:%Y-%m-%d %H:%M})"
