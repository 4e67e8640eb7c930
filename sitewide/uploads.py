"""Uploaded images are decoded within a budget and written again, never stored as sent.

Every image field that takes an upload (the library's images, avatars, the site's default
link-preview image) is an UploadedImageField. A new file is:

- refused unless it is a JPEG, PNG or WebP whose header says it has at most
  settings.IMAGE_MAX_PIXELS pixels, before anything decodes it (a 12 KB PNG can say
  10,000 × 10,000 and take 300 MB to decode);
- decoded, turned upright (its EXIF orientation applied), and written again in its
  real format, with its ICC colour profile and nothing else of its metadata: no EXIF
  (a photo's GPS position would tell where a source was), no XMP, no comments, and no
  bytes after the image (a JPEG that is also a PDF is only a JPEG afterwards);
- named after what it is and what it holds: ``report.pdf`` holding a JPEG is stored as
  ``report-<12 hex digits of its SHA-256>.jpg``. A name then always means the same bytes:
  its address can be cached for a year, by browsers and CDNs alike, and a new picture is
  a new address (names are never reused: sitewide/storage.py).

This happens when the model is cleaned (a form's errors then say why), or at the latest
when it is saved.
"""

import hashlib
import io
import warnings
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError


class MediaStoreUnavailable(OSError):
    """The media storage could not be reached, or refused our credentials or the bucket
    (raised by sitewide.storage, the S3 backend)."""


# An upload the media storage could not take (a bucket out of reach, refused credentials).
STORE_UNAVAILABLE = _(
    "The image could not be stored: the media storage does not answer. "
    "Nothing was saved; try again in a few minutes."
)
# Pillow's name for each format Carnet keeps, and the extension a file of it gets. An
# MPO (a camera's JPEG with a second picture in it) is kept as the JPEG of its first.
EXTENSIONS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
SAVED_AS = {"MPO": "JPEG"}
SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {}, "WEBP": {"quality": 90}}
# What of the original's metadata is written again: how its colours are meant, and
# which palette entry is transparent. Everything else (EXIF, XMP, text) is left out.
KEPT_INFO = ("icc_profile", "transparency")


class ReencodedImage(ContentFile):
    """An image's new bytes, as reencode() wrote them."""


def _not_an_image() -> ValidationError:
    return ValidationError(_("This file is not an image."), code="not_an_image")


def _too_large(size: tuple[int, int] | None = None) -> ValidationError:
    megapixels = settings.IMAGE_MAX_PIXELS / 1_000_000
    if size is None:
        return ValidationError(
            _("This image has too many pixels: %(most)s megapixels at most."),
            code="too_many_pixels",
            params={"most": f"{megapixels:g}"},
        )
    return ValidationError(
        _(
            "This image has too many pixels (%(width)s × %(height)s): %(most)s megapixels "
            "at most. Make it smaller before uploading it."
        ),
        code="too_many_pixels",
        params={"width": size[0], "height": size[1], "most": f"{megapixels:g}"},
    )


def _open(file: File) -> Image.Image:
    """The image, its header read and nothing decoded; ValidationError unless it is of a
    format Carnet keeps and within the pixel budget."""
    file.seek(0)
    # Read from a copy: closing the picture closes what Pillow read, and the upload is
    # read again (by Django's own check, or to store it).
    data = io.BytesIO(file.read())
    file.seek(0)
    try:
        # Pillow warns past the budget (SitewideConfig sets it): the size is checked
        # below, with a message that says it.
        with warnings.catch_warnings(action="ignore", category=Image.DecompressionBombWarning):
            picture = Image.open(data)
    except Image.DecompressionBombError:  # past twice the budget
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _not_an_image() from None
    if picture.format not in EXTENSIONS:
        picture.close()
        raise ValidationError(
            _("JPEG, PNG or WebP only: this image is a %(format)s."),
            code="image_format",
            params={"format": picture.format},
        )
    if picture.width * picture.height > settings.IMAGE_MAX_PIXELS:
        size = picture.size
        picture.close()
        raise _too_large(size)
    return picture


def check(file: File) -> None:
    """Raise ValidationError unless file is an image Carnet would take (header only)."""
    _open(file).close()


def reencode(file: File) -> ReencodedImage:
    """The image in file, upright and written again without its metadata (see above)."""
    with _open(file) as picture:
        kept = {key: picture.info[key] for key in KEPT_INFO if key in picture.info}
        image_format = SAVED_AS.get(picture.format, picture.format)
        try:
            # Decodes it: a truncated or hostile file fails here, in whatever way
            # Pillow's decoder for it fails.
            upright = ImageOps.exif_transpose(picture)
        except Exception:  # noqa: BLE001 (any decoder error is "not an image")
            raise _not_an_image() from None
    upright.info = {}
    buffer = io.BytesIO()
    upright.save(buffer, image_format, **kept, **SAVE_OPTIONS[image_format])
    stem = PurePath(file.name or "").stem or "image"
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()[:12]
    return ReencodedImage(buffer.getvalue(), name=f"{stem}-{digest}{EXTENSIONS[image_format]}")


class UploadedImageFormField(forms.ImageField):
    """Django's image form field, refusing what reencode() would before Pillow decodes."""

    def to_python(self, data):
        if data not in self.empty_values:
            check(data)
        return super().to_python(data)


class UploadedImageField(models.ImageField):
    """An ImageField whose new files are re-encoded by reencode(): when the model is
    cleaned (a form says why it refuses one), else when it is saved."""

    def clean(self, value, model_instance):
        value = super().clean(value, model_instance)
        if not _is_new(value):
            return value
        reencoded = reencode(value)
        # The store is asked now, while a form can still say why: an upload refused here
        # leaves nothing saved (the file is written before its row, in the save).
        try:
            self.storage.exists(self.generate_filename(model_instance, reencoded.name))
        except OSError:
            raise ValidationError(STORE_UNAVAILABLE, code="media_store_unavailable") from None
        return reencoded

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if _is_new(file):
            setattr(model_instance, self.attname, reencode(file))
        return super().pre_save(model_instance, add)

    def update_dimension_fields(self, instance, force=False, *args, **kwargs) -> None:
        # A new file's header may say anything (Django would read it as is, past
        # Pillow's guard): its size is read from what reencode() wrote.
        if not _is_new(getattr(instance, self.attname)):
            super().update_dimension_fields(instance, force, *args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": UploadedImageFormField, **kwargs})

    def deconstruct(self):
        # Migrations see a plain ImageField: re-encoding changes no column.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


def _is_new(file) -> bool:
    """A file chosen just now, not yet stored, and not already re-encoded."""
    return bool(file) and not file._committed and not isinstance(file.file, ReencodedImage)
