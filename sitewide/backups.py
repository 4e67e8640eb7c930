"""Backups of the database and the uploads, in one archive; restored the same way.

An archive (``var/backups/carnet-<time>.tar.gz``) holds ``manifest.json``, the
database and ``media/``: every file of the default storage, MEDIA_ROOT or the bucket
(MEDIA_STORAGE=s3), read and put back through the storage alike. The database is
copied while the site runs:
SQLite through its online backup API (one consistent snapshot, writers wait a
moment), PostgreSQL with ``pg_dump -Fc`` (one snapshot, nobody waits). The engine
is the one DATABASE_URL names.
"""

import datetime
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
MANIFEST = "manifest.json"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on, with a message for the operator."""


def backup(directory: Path, *, using: str = "default") -> Path:
    """Write a timestamped archive of the database and the stored media into directory."""
    connection = connections[using]
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S-%f")
    archive = directory / f"carnet-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(dir=directory) as work:
        work = Path(work)
        if connection.vendor == "sqlite":
            database = work / SQLITE_FILE
            _sqlite_backup(connection, database)
        elif connection.vendor == "postgresql":
            database = work / POSTGRES_FILE
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={database}"],
                 connection.settings_dict)  # fmt: skip
        else:
            raise BackupError(f"No backup for the {connection.vendor} engine.")
        manifest = {
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "engine": connection.vendor,
            "database": database.name,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = archive.with_suffix(".partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(work / MANIFEST, arcname=MANIFEST)
                tar.add(database, arcname=database.name)
                for name in _stored_files(default_storage):
                    with default_storage.open(name) as file:
                        entry = tarfile.TarInfo(f"{MEDIA}/{name}")
                        entry.size, entry.mtime, entry.mode = file.size, time.time(), 0o644
                        tar.addfile(entry, file)
        except OSError as error:  # a full disk, or a media store that stopped answering
            partial.unlink(missing_ok=True)
            raise BackupError(f"The archive could not be written: {error}") from error
        # Only a complete archive ever carries the final name.
        partial.rename(archive)
    archive.chmod(0o600)
    return archive


def restore(archive: Path, database: dict, media: Storage | None) -> dict:
    """Put the archive's database into `database` (a DATABASES entry) and its media files
    into the storage media (None leaves the media alone). Returns the archive's manifest."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / MANIFEST).read_text())
        except (OSError, tarfile.TarError, ValueError, KeyError) as error:
            raise BackupError(f"{archive} is not a Carnet backup: {error}") from error
        engine = "sqlite" if "sqlite" in database["ENGINE"] else "postgresql"
        if manifest["engine"] != engine:
            raise BackupError(
                f"{archive} holds a {manifest['engine']} database; the target is {engine}."
            )
        if engine == "sqlite":
            source = sqlite3.connect(work / SQLITE_FILE)
            target = sqlite3.connect(database["NAME"], timeout=20)
            try:
                # Page by page into the open database: other connections wait, then
                # see the restored one.
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", f"--dbname={database['NAME']}",
                  str(work / POSTGRES_FILE)], database)  # fmt: skip
        if media is not None and (work / MEDIA).is_dir():
            try:
                _put_back(work / MEDIA, media)
            except OSError as error:
                raise BackupError(
                    f"The database is restored, not every media file: {error}. Run the "
                    "restore again once the media storage answers (stored files are kept)."
                ) from error
    return manifest


def _stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """The name of every file in storage, folder by folder."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a MEDIA_ROOT nothing was uploaded to yet
        return
    for name in files:
        yield posixpath.join(folder, name)
    for directory in directories:
        yield from _stored_files(storage, posixpath.join(folder, directory))


def _put_back(folder: Path, storage: Storage) -> None:
    """Store each file under folder by its name there, unless the storage has it.

    A name is never reused for other bytes (sitewide/uploads.py, sitewide/storage.py):
    a file already stored is this one, and uploads made since the backup stay.
    """
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and not storage.exists(name):
            with path.open("rb") as file:
                storage.save(name, File(file, name=name))


def _sqlite_backup(connection, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # All pages in one step: a single consistent snapshot of the live database.
        connection.connection.backup(target)
    finally:
        target.close()


def _run(command: list[str], database: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).")
    env = {
        **os.environ,
        "PGHOST": str(database.get("HOST") or ""),
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": str(database.get("USER") or ""),
        "PGPASSWORD": str(database.get("PASSWORD") or ""),
        "PGDATABASE": str(database["NAME"]),
        "PGSSLMODE": str(database.get("OPTIONS", {}).get("sslmode") or ""),
    }
    env = {name: value for name, value in env.items() if value}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
