"""A real S3 server for the tests: moto's server mode, on a free local port.

One server per test run, started on first use (in this process, on its own threads) and
stopped at exit; each test class gets a bucket of its own. boto3 talks to it over HTTP
exactly as it would to AWS or MinIO, and readers' requests for objects are plain HTTP
GETs, so a test sees what a browser would.
"""

import atexit
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from importlib import import_module
from pathlib import Path

import boto3
from django.conf import settings
from django.test import override_settings

REGION = "us-east-1"
# moto takes any key unless asked to check them; these only have to look like keys.
ACCESS_KEY = "carnet-test-key"
SECRET_KEY = "carnet-test-secret"

_server = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def endpoint() -> str:
    """The local S3 server's address, started on first use."""
    global _server
    if _server is None:
        from moto.server import ThreadedMotoServer

        port = free_port()
        _server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        # Its request log would fill every failing test's report.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        _server.start()
        atexit.register(_server.stop)
        _server.url = f"http://127.0.0.1:{port}"
    return _server.url


def client(url: str | None = None):
    return boto3.client(
        "s3",
        endpoint_url=url or endpoint(),
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def new_bucket() -> str:
    name = f"carnet-test-{uuid.uuid4().hex[:12]}"
    client().create_bucket(Bucket=name)
    return name


def media_settings(bucket: str, url: str | None = None, **options) -> dict:
    """The settings MEDIA_STORAGE=s3 gives config/settings.py, for bucket on url."""
    # The URLconf reads MEDIA_URL once, when first imported: not under these settings.
    import_module(settings.ROOT_URLCONF)
    url = url or endpoint()
    return {
        "STORAGES": {
            "default": {
                "BACKEND": "sitewide.storage.S3MediaStorage",
                "OPTIONS": {
                    "bucket_name": bucket,
                    "endpoint_url": url,
                    "region_name": REGION,
                    "access_key": ACCESS_KEY,
                    "secret_key": SECRET_KEY,
                    "default_acl": "public-read",
                    **options,
                },
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "MEDIA_URL": f"{url}/{bucket}/",
    }


def environment(bucket: str, url: str | None = None) -> dict[str, str]:
    """The environment of an app server (a manage.py command) whose media are in bucket."""
    url = url or endpoint()
    return {
        "MEDIA_STORAGE": "s3",
        "MEDIA_S3_BUCKET": bucket,
        "MEDIA_S3_ENDPOINT_URL": url,
        "MEDIA_S3_REGION": REGION,
        "MEDIA_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MEDIA_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MEDIA_PUBLIC_URL": f"{url}/{bucket}/",
    }


def object_bytes(bucket: str, key: str) -> bytes:
    return client().get_object(Bucket=bucket, Key=key)["Body"].read()


def keys(bucket: str) -> list[str]:
    listed = client().list_objects_v2(Bucket=bucket)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


class S3MediaMixin:
    """Uploads of each test go to a bucket of its own on the local S3 server (self.bucket),
    and MEDIA_ROOT is an empty temporary folder that must stay empty (self.media_root)."""

    def setUp(self):
        super().setUp()
        self.bucket = new_bucket()
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        self.addCleanup(media.cleanup)
        self.media_root = Path(media.name)
        self.enterContext(override_settings(MEDIA_ROOT=media.name, **media_settings(self.bucket)))


def start_checking_server() -> tuple[str, subprocess.Popen]:
    """A second moto server, as a command, that checks credentials: every key we have is
    refused there (403 InvalidAccessKeyId), as expired or revoked ones would be."""
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return f"http://127.0.0.1:{port}", process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("moto_server did not start")
