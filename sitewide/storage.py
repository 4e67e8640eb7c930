"""Where uploads live when several app servers share them: an S3-compatible bucket.

With MEDIA_STORAGE=s3 (config/settings.py) this is Django's default storage, so every
file the project writes (library images and their renditions, covers, avatars, the
site's link-preview image, imported WordPress media, restored backups) goes to the
bucket; with the default, MEDIA_STORAGE=local, they go to MEDIA_ROOT on this machine.

What every deployment gets, not an operator's choice:

- plain, lasting public addresses (MEDIA_URL + the name): no signed query string that
  would expire inside a cached page;
- objects cached for a year by browsers and CDNs (``immutable``): names are content-hashed
  (sitewide/uploads.py) and a name is never written twice (``file_overwrite`` off), so an
  address always shows the same bytes;
- short timeouts, so that a store that does not answer fails an editor's upload in
  seconds, and every failure of the store raised as MediaStoreUnavailable (an OSError):
  an upload form turns it into a field error, a reader's page never asks the store.

boto3 takes most of a second to import: this module is imported only when configured.
"""

import functools

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from sitewide.uploads import MediaStoreUnavailable

# A year: the longest lifetime caches honour; the content never changes under a name.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _store_errors(method):
    """Raise boto's errors (connection, credentials, bucket) as MediaStoreUnavailable."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (BotoCoreError, ClientError) as error:
            raise MediaStoreUnavailable(
                f"the media store refused or did not answer: {error}"
            ) from error

    return wrapper


class S3MediaStorage(S3Storage):
    """django-storages' S3 backend with Carnet's fixed choices (see the module's doc)."""

    def get_default_settings(self) -> dict:
        return {
            **super().get_default_settings(),
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": CACHE_CONTROL},
            # An editor waits on an upload: a few seconds, not boto's minute and retries.
            "client_config": Config(
                connect_timeout=3, read_timeout=20, retries={"max_attempts": 2}
            ),
        }

    def url(self, name: str, parameters=None, expire=None, http_method=None) -> str:
        """MEDIA_URL (the bucket's public address, or a CDN's in front of it) + the name:
        no request to the store, so that a reader's page never waits on it."""
        return settings.MEDIA_URL + filepath_to_uri(clean_name(name)).lstrip("/")

    @_store_errors
    def _open(self, name, mode="rb"):
        file = super()._open(name, mode)
        if "r" in mode:
            file.file  # noqa: B018 (read now, so that a store's failure is raised here)
        return file

    _save = _store_errors(S3Storage._save)
    delete = _store_errors(S3Storage.delete)
    exists = _store_errors(S3Storage.exists)
    listdir = _store_errors(S3Storage.listdir)
    size = _store_errors(S3Storage.size)
    get_modified_time = _store_errors(S3Storage.get_modified_time)
