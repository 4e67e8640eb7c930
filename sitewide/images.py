"""Smaller copies of uploaded images, so that a phone does not download a desktop's picture.

Renditions are made once, when an image is uploaded to the library (``editing.Image``),
and kept beside the original (``library/2026/11/alpes.jpg`` gets
``library/2026/11/alpes-480w.jpg``); a reader's request only reads the widths stored with
the image and never touches a file.
"""

import io
import logging
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

# The widths the site shows images at: a phone, a tablet or narrow window, the article
# column on a desktop (the cover breaks out of the column up to 57rem).
RENDITION_WIDTHS = (480, 800, 1200)
# How wide an image in an article is shown, for the browser to pick a rendition.
ARTICLE_SIZES = "(min-width: 64rem) 57rem, calc(100vw - 2.5rem)"


def rendition_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.jpg"))


def make_renditions(storage: Storage, name: str) -> list[int]:
    """Write the renditions of an image narrower than it; return their widths.

    An unreadable image gets none (logged): the original is still shown.
    """
    try:
        with storage.open(name) as original, Image.open(original) as picture:
            picture.load()
            made = []
            for width in RENDITION_WIDTHS:
                if width >= picture.width:
                    break
                rendition = rendition_name(name, width)
                # Made again (a data migration): the stored copy is of this very original
                # (a name is never reused for other bytes), and is never written over.
                if not storage.exists(rendition):
                    height = round(picture.height * width / picture.width)
                    buffer = io.BytesIO()
                    _flatten(picture).resize((width, height), Image.Resampling.LANCZOS).save(
                        buffer, "JPEG", quality=80, optimize=True, progressive=True
                    )
                    storage.save(rendition, ContentFile(buffer.getvalue()))
                made.append(width)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Could not make renditions of %s", name)
        return []
    return made


def _flatten(picture: Image.Image) -> Image.Image:
    """The picture in RGB, a transparent background made white rather than black."""
    if picture.mode in {"RGBA", "LA"} or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def srcset(storage: Storage, name: str, width: int, renditions: Iterable[int]) -> str:
    """The srcset of an image: its renditions, then itself; empty when it has none.

    Built from stored widths and the storage's URLs alone, without opening a file.
    """
    candidates = [f"{storage.url(rendition_name(name, w))} {w}w" for w in sorted(renditions)]
    if not candidates:
        return ""
    candidates.append(f"{storage.url(name)} {width}w")
    return ", ".join(candidates)


def delete_renditions(storage: Storage, name: str, renditions: Iterable[int]) -> None:
    for width in renditions:
        storage.delete(rendition_name(name, width))
