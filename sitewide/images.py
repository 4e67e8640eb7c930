"""Smaller copies of cover images, so that a phone does not download a desktop's picture.

A rendition is made the first time a page asks for it and kept beside the original
(``covers/2026/11/alpes.jpg`` gets ``covers/2026/11/alpes-480w.jpg``). Two workers racing
to make the same one may leave a spare copy under another name, never a broken page.
"""

import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db.models.fields.files import ImageFieldFile
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (480, 800, 1200)


def rendition_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.jpg"))


def srcset(image: ImageFieldFile) -> str:
    """The srcset of an uploaded image: its renditions narrower than it, then itself.

    Empty when there is nothing smaller to offer.
    """
    try:
        original_width = image.width
    except (OSError, UnidentifiedImageError):
        return ""
    candidates = []
    for width in RENDITION_WIDTHS:
        if width < original_width and _ensure_rendition(image, width):
            candidates.append(f"{image.storage.url(rendition_name(image.name, width))} {width}w")
    if not candidates:
        return ""
    candidates.append(f"{image.url} {original_width}w")
    return ", ".join(candidates)


def _ensure_rendition(image: ImageFieldFile, width: int) -> bool:
    name = rendition_name(image.name, width)
    if image.storage.exists(name):
        return True
    try:
        with image.storage.open(image.name) as original, Image.open(original) as picture:
            picture = picture.convert("RGB")
            height = round(picture.height * width / picture.width)
            buffer = io.BytesIO()
            picture.resize((width, height), Image.Resampling.LANCZOS).save(
                buffer, "JPEG", quality=80, optimize=True, progressive=True
            )
    except (OSError, UnidentifiedImageError):
        logger.warning("Could not make a %spx rendition of %s", width, image.name)
        return False
    image.storage.save(name, ContentFile(buffer.getvalue()))
    return True
