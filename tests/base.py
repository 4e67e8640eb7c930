"""Personas and make_* helpers shared by the test suite."""

import datetime
import io
import itertools
import struct
import tempfile
import zlib

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image as Picture

from accounts.models import User
from blog.models import Article, Category
from editing.models import Image

_numbers = itertools.count(1)


class TemporaryMediaMixin:
    """Uploads (covers, library images, renditions) go to a temporary MEDIA_ROOT for the
    test class, never to var/."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        cls.addClassCleanup(media.cleanup)
        cls.media_root = media.name
        cls.enterClassContext(override_settings(MEDIA_ROOT=media.name))
        super().setUpClass()


PASSWORD = "correct-horse-battery-staple"


def sign_in(client, user: User) -> None:
    """Sign user in to client as the admin's two steps would.

    ``force_login`` is the password step alone: an account that needs a second step
    (superusers, editors-in-chief, any account with a device) gets nothing from the admin
    with it. This gives such an account an authenticator app, if it has none, and marks
    the session as verified by it, as a right code would.
    """
    import django_otp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import twostep

    client.force_login(user)
    if twostep.needs_second_step(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="Test app")
        session = client.session
        session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def make_user(**overrides) -> User:
    n = next(_numbers)
    groups = overrides.pop("groups", [])
    values = {"username": f"user{n}", "email": f"user{n}@example.com", **overrides}
    user = User.objects.create_user(password=PASSWORD, **values)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_editor(**overrides) -> User:
    n = next(_numbers)
    values = {
        "username": f"editor{n}",
        "display_name": f"Editor Number{n}",
        "is_staff": True,
        "groups": ["Editors"],
        **overrides,
    }
    return make_user(**values)


def make_contributor(**overrides) -> User:
    return make_editor(**{"groups": ["Contributors"], **overrides})


def make_chief_editor(**overrides) -> User:
    return make_editor(**{"groups": ["Editor-in-chief"], **overrides})


def make_moderator(**overrides) -> User:
    return make_user(**{"is_staff": True, "groups": ["Moderators"], **overrides})


def make_superuser(**overrides) -> User:
    return make_user(**{"is_staff": True, "is_superuser": True, **overrides})


def jpeg(width: int = 1000, height: int = 500) -> bytes:
    buffer = io.BytesIO()
    Picture.new("RGB", (width, height), (40, 90, 140)).save(buffer, "JPEG")
    return buffer.getvalue()


# Written into every kind of metadata of photo_with_metadata(): no served byte may hold it.
SECRET_METADATA = b"SOURCE-SECRET"


def photo_with_metadata(width: int = 300, height: int = 200) -> bytes:
    """A camera's JPEG: turned on its side by its EXIF orientation (it shows height ×
    width), with a GPS position, a description, XMP and a comment naming SECRET_METADATA,
    and an sRGB colour profile."""
    from PIL import ExifTags, ImageCms

    exif = Picture.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageDescription] = f"{SECRET_METADATA.decode()} description"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (2.0, 21.0, 3.0),
        ExifTags.GPS.GPSAreaInformation: f"{SECRET_METADATA.decode()} area",
    })  # fmt: skip
    buffer = io.BytesIO()
    Picture.new("RGB", (width, height), (200, 30, 30)).save(
        buffer,
        "JPEG",
        exif=exif,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        xmp=b"<x:xmpmeta>" + SECRET_METADATA + b" xmp</x:xmpmeta>",
        comment=SECRET_METADATA + b" comment",
    )
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width × height: a few dozen bytes, whatever the size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def make_image(width: int = 1000, height: int = 500, **overrides) -> Image:
    """An image of the library, with its renditions: MEDIA_ROOT should be temporary."""
    n = next(_numbers)
    values = {"alt": f"Picture number {n}", "name": f"picture-{n}.jpg", **overrides}
    return Image.objects.create_from_file(ContentFile(jpeg(width, height)), **values)


def make_category(**overrides) -> Category:
    n = next(_numbers)
    return Category.objects.create(
        **{"name": f"Category {n}", "slug": f"category-{n}", **overrides}
    )


def make_article(**overrides) -> Article:
    """A published article from yesterday, unless overridden."""
    n = next(_numbers)
    tags = overrides.pop("tags", [])
    values = {
        "title": f"Article number {n}",
        "slug": f"article-{n}",
        "standfirst": f"The standfirst of article {n}.",
        "body": f"<p>Body of article {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1, minutes=n),
        **overrides,
    }
    if "author" not in values:
        values["author"] = make_editor()
    article = Article.objects.create(**values)
    if tags:
        article.tags.set(tags)
    return article


def make_draft(**overrides) -> Article:
    return make_article(**{"status": Article.Status.DRAFT, **overrides})


def make_scheduled(**overrides) -> Article:
    return make_article(
        **{"published_at": timezone.now() + datetime.timedelta(days=3), **overrides}
    )


def make_comment(**overrides):
    """An approved top-level comment on a new article, unless overridden."""
    from comments.models import Comment

    n = next(_numbers)
    values = {
        "name": f"Reader {n}",
        "email": f"reader{n}@example.org",
        "body": f"Comment number {n}.",
        "status": Comment.Status.APPROVED,
        **overrides,
    }
    if "article" not in values:
        values["article"] = make_article()
    comment = Comment(**values)
    comment.save()
    return comment


def keep_revision(obj, user, comment: str = ""):
    """Save obj as a revision by user, as a save in the admin does."""
    import reversion

    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        obj.save()


def make_subscriber(**overrides):
    """A confirmed newsletter subscriber in the site's language who wants each article,
    unless overridden (``categories=[...]`` sets their categories)."""
    from newsletter.models import Subscriber

    n = next(_numbers)
    categories = overrides.pop("categories", [])
    values = {
        "email": f"subscriber{n}@example.org",
        "confirmed_at": timezone.now() - datetime.timedelta(days=1),
        **overrides,
    }
    subscriber = Subscriber.objects.create(**values)
    if categories:
        subscriber.categories.set(categories)
    return subscriber
