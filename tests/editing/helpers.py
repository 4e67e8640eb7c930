import tempfile

from django.test import override_settings


class TemporaryMediaMixin:
    """Uploads go to a temporary MEDIA_ROOT, never to var/."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        cls.addClassCleanup(media.cleanup)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media.name))
        super().setUpClass()
