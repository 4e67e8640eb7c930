"""What editors write with, shared by articles and pages: the image library, autosaves
and who has which form open."""

import datetime
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sitewide import images, pagecache
from sitewide.uploads import UploadedImageField


class ImageQuerySet(models.QuerySet):
    def create_from_file(
        self,
        file: str | os.PathLike | File,
        *,
        alt: str,
        caption: str = "",
        credit: str = "",
        name: str = "",
        uploaded_by=None,
    ) -> "Image":
        """Add an image to the library from a path or a file, with its renditions.

        ``name`` is the file name to store it under (the path's or the file's own by
        default). Raises ValidationError when the alt text is empty or the file is not an
        image Carnet takes (sitewide/uploads.py), which it stores re-encoded.
        """
        if isinstance(file, str | os.PathLike):
            path = Path(file)
            with path.open("rb") as opened:
                return self.create_from_file(
                    File(opened),
                    alt=alt,
                    caption=caption,
                    credit=credit,
                    name=name or path.name,
                    uploaded_by=uploaded_by,
                )
        name = Path(name or file.name or "image.jpg").name
        image = self.model(
            file=File(file, name=name),
            alt=alt,
            caption=caption,
            credit=credit,
            uploaded_by=uploaded_by,
        )
        image.full_clean()
        image.save()
        return image


class Image(models.Model):
    """An image uploaded once, described once, used as a cover or inside a body."""

    file = UploadedImageField(
        _("image"),
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP. Smaller copies are made for phones when it is saved."),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    # The widths of the renditions made on upload (sitewide.images.RENDITION_WIDTHS that
    # are narrower than the original): pages build srcset from them without a file.
    renditions = models.JSONField(_("renditions"), default=list, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    credit = models.CharField(
        _("credit"), max_length=150, blank=True, help_text=_("Who took or owns the picture.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt

    def save(self, *args, **kwargs) -> None:
        # A file just chosen is written by super().save(); its renditions follow it, here,
        # in the editor's request, never in a reader's.
        new_file = bool(self.file) and not self.file._committed
        super().save(*args, **kwargs)
        if new_file:
            self.renditions = images.make_renditions(self.file.storage, self.file.name)
            type(self).objects.filter(pk=self.pk).update(renditions=self.renditions)
            self.__dict__.pop("srcset", None)
        # Its alt text, caption and renditions, wherever it is a cover (a body's copy of an
        # image is its article's own HTML).
        pagecache.changed(self)

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        pagecache.changed(self)
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if not self.alt.strip():
            raise ValidationError({"alt": _("Describe the image for readers who cannot see it.")})

    @property
    def url(self) -> str:
        return self.file.url

    @cached_property
    def srcset(self) -> str:
        return images.srcset(self.file.storage, self.file.name, self.width, self.renditions)

    @property
    def thumbnail_url(self) -> str:
        """The smallest copy, for the library's lists."""
        if self.renditions:
            return self.file.storage.url(images.rendition_name(self.file.name, self.renditions[0]))
        return self.file.url

    @property
    def figcaption(self) -> str:
        """The caption as a figure shows it, the credit after it."""
        return " — ".join(part for part in (self.caption, self.credit) if part)

    def as_editor_json(self) -> dict:
        """What the editor's "insert image" dialog needs to insert a figure."""
        return {
            "id": self.pk,
            "src": self.url,
            "srcset": self.srcset,
            "sizes": images.ARTICLE_SIZES if self.srcset else "",
            "width": self.width,
            "height": self.height,
            "alt": self.alt,
            "caption": self.figcaption,
            "thumbnail": self.thumbnail_url,
        }


# An autosave older than this belongs to a form abandoned long ago: it is never offered
# again, and goes when its editor next autosaves anything.
AUTOSAVE_KEPT_FOR = datetime.timedelta(days=30)


# A new object's form is told apart from every other new one of the same kind by a key
# its page makes up (editing/static/editing/autosave.js) and keeps in its address.
DRAFT_KEY = re.compile(r"[A-Za-z0-9-]{1,64}")


def form_address(path: str, draft: str = "") -> str:
    """Where a form's autosave is kept: its path, and a new form's draft key after it."""
    return f"{path}?draft={draft}" if DRAFT_KEY.fullmatch(draft) else path


class AutosaveQuerySet(models.QuerySet):
    def for_form(self, user, path: str) -> "AutosaveQuerySet":
        return self.filter(user=user, path=path)

    def for_request(self, request) -> "AutosaveQuerySet":
        """The autosave of the form this request posts: one per article, one per new form."""
        address = form_address(request.path, request.GET.get("draft", ""))
        return self.for_form(request.user, address)

    def other_new_forms(self, user, path: str) -> "AutosaveQuerySet":
        """user's autosaves of other new forms at the same address as path's (the same
        "add" page), for the form at path to list, not to offer."""
        base = path.partition("?")[0]
        return self.filter(user=user, path__startswith=f"{base}?draft=").exclude(path=path)

    def stale(self) -> "AutosaveQuerySet":
        return self.filter(self._stale())

    def fresh(self) -> "AutosaveQuerySet":
        return self.exclude(self._stale())

    @staticmethod
    def _stale() -> models.Q:
        return models.Q(saved_at__lt=timezone.now() - AUTOSAVE_KEPT_FOR)


class Autosave(models.Model):
    """The fields of an admin form as an editor last typed them, before saving it.

    One per editor and form address (``/admin/blog/article/12/change/``, or
    ``…/add/?draft=<key>`` for a new one: each new form its own); it is deleted when the
    form is saved, or once stale, and never touches the object.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField(_("form address"), max_length=300)
    data = models.JSONField(_("fields"), default=dict)
    saved_at = models.DateTimeField(_("saved"), auto_now=True)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at"]
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="autosave_one_per_form")
        ]

    def __str__(self) -> str:
        return self.path


def presence_interval() -> datetime.timedelta:
    """How often an open form's tab says so (editing/static/editing/presence.js)."""
    return datetime.timedelta(seconds=settings.EDITING_PRESENCE_SECONDS)


def presence_timeout() -> datetime.timedelta:
    """A form whose tab has been quiet this long is closed (or its computer asleep): its
    editor no longer shows as having it open."""
    return 3 * presence_interval()


class EditingSessionQuerySet(models.QuerySet):
    def open_now(self) -> "EditingSessionQuerySet":
        return self.filter(last_seen__gte=timezone.now() - presence_timeout())

    def others_on(self, path: str, user) -> "EditingSessionQuerySet":
        """Who else has the form at ``path`` open, longest first."""
        return (
            self.open_now()
            .filter(path=path)
            .exclude(user=user)
            .select_related("user")
            .order_by("started_at")
        )


class EditingSession(models.Model):
    """An editor with a change form open, as its tab last said (Wagtail's RFC 95).

    One per editor and form address; the tab refreshes it while open and deletes it when
    it closes. Only ever shown on the same form, to the others who may change the object.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField(_("form address"), max_length=300)
    started_at = models.DateTimeField(_("opened"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    objects = EditingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["path", "started_at"]
        verbose_name = _("editing session")
        verbose_name_plural = _("editing sessions")
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="editing_session_one_per_form")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.path}"
