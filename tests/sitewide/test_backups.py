"""The backup drill: back up while another process writes, restore into a new database.

Everything runs as `manage.py` in separate processes against databases of its own
(files for SQLite, fresh databases on the test server for PostgreSQL), as an
operator would run it; the engine is the one the suite runs on.
"""

import os
import subprocess
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase

from tests import s3

BASE_DIR = Path(__file__).resolve().parents[2]

# Writes articles and comments, one transaction each, until killed; prints each
# comment's id once it is committed. Approved comments keep each article's
# comment_count, in the same transaction: a restored database must agree with itself.
WRITER = """
import itertools, sys
from accounts.models import User
from blog.models import Article
from comments.models import Comment
author = User.objects.create_user("writer", "writer@example.com", display_name="Writer")
for n in itertools.count():
    if n % 5 == 0:
        article = Article.objects.create(
            author=author, title=f"Article {n}", slug=f"article-{n}", body="<p>x</p>",
            status=Article.Status.PUBLISHED,
        )
    comment = Comment(article=article, name="R", email="r@example.org", body=f"c{n}",
                      status=Comment.Status.APPROVED)
    comment.save()
    print(comment.pk, flush=True)
"""

# Each article's stored comment_count against its approved comments, and the ids.
CHECK_SQL = {
    "comments": "SELECT id FROM comments_comment ORDER BY id",
    "mismatched": (
        "SELECT a.id FROM blog_article a WHERE a.comment_count <> ("
        "SELECT COUNT(*) FROM comments_comment c WHERE c.article_id = a.id "
        "AND c.status = 'approved')"
    ),
}


# Two library images, made as an editor's uploads are (renditions included).
UPLOADER = """
from django.core.files.base import ContentFile
from editing.models import Image
from tests.base import jpeg
for n in (1, 2):
    Image.objects.create_from_file(ContentFile(jpeg(900 + n, 600)), name=f"p{n}.jpg", alt="x")
"""
LIST_FILES = (
    "from editing.models import Image; print(*Image.objects.values_list('file', flat=True))"
)


class BackupDrillTests(SimpleTestCase):
    def setUp(self):
        self.work = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.media = self.work / "media"
        (self.media / "covers").mkdir(parents=True)
        (self.media / "covers" / "a.jpg").write_bytes(b"cover")
        self.postgres = connection.vendor == "postgresql"

    def database_url(self, name: str) -> str:
        if not self.postgres:
            return f"sqlite:///{self.work / name}.sqlite3"
        db = settings.DATABASES["default"]
        name = f"carnet_drill_{name}_{uuid.uuid4().hex[:8]}"
        with self.server() as server:
            server.execute(f'CREATE DATABASE "{name}"')
        self.addCleanup(self.drop, name)
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"

    def server(self) -> psycopg.Connection:
        db = settings.DATABASES["default"]
        return psycopg.connect(
            dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
            host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True,
        )  # fmt: skip

    def drop(self, name: str) -> None:
        with self.server() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def manage(
        self, database_url: str, *args: str, env: dict | None = None, **kwargs
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(self.media),
            **(env or {}),
        }
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, text=True, **kwargs
        )

    def run_manage(self, database_url: str, *args: str, env: dict | None = None) -> str:
        process = self.manage(
            database_url, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        out, err = process.communicate(timeout=300)
        self.assertEqual(process.returncode, 0, err)
        return out

    def query(self, database_url: str) -> dict[str, list[int]]:
        if self.postgres:
            with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
                return {k: [r[0] for r in db.execute(q).fetchall()] for k, q in CHECK_SQL.items()}
        import sqlite3

        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return {k: [r[0] for r in db.execute(q).fetchall()] for k, q in CHECK_SQL.items()}
        finally:
            db.close()

    def test_a_backup_taken_while_writing_restores_every_committed_row(self):
        source = self.database_url("source")
        self.run_manage(source, "migrate", "--noinput", "-v0")
        writer = self.manage(source, "shell", "-v0", "-c", WRITER, stdout=subprocess.PIPE)
        self.addCleanup(writer.kill)
        committed = [int(writer.stdout.readline()) for _ in range(20)]
        # Every comment whose commit was reported before the backup began must be in it.
        archive = Path(self.run_manage(source, "backup", f"--output={self.work}").strip())
        for _ in range(20):  # the writer is still going after the backup
            writer.stdout.readline()
        writer.kill()
        writer.wait()

        self.assertRegex(archive.name, r"^carnet-\d{8}-\d{6}-\d+\.tar\.gz$")
        with tarfile.open(archive) as tar:
            self.assertIn("media/covers/a.jpg", tar.getnames())

        target = self.database_url("restored")
        restored_media = self.work / "restored-media"
        self.run_manage(
            target, "restore", str(archive), "--noinput", f"--media-root={restored_media}"
        )
        restored = self.query(target)
        final = self.query(source)
        self.assertLessEqual(set(committed), set(restored["comments"]))
        self.assertLessEqual(set(restored["comments"]), set(final["comments"]))
        self.assertEqual(restored["mismatched"], [])
        self.assertEqual((restored_media / "covers" / "a.jpg").read_bytes(), b"cover")

    def test_restoring_twice_over_a_live_database_gives_the_same_rows(self):
        source = self.database_url("again")
        self.run_manage(source, "migrate", "--noinput", "-v0")
        archive = Path(self.run_manage(source, "backup", f"--output={self.work}").strip())
        before = self.query(source)
        for _ in range(2):
            self.run_manage(source, "restore", str(archive), "--noinput", "--no-media")
        self.assertEqual(self.query(source), before)

    def test_an_archive_of_another_engine_or_no_archive_is_refused(self):
        bogus = self.work / "bogus.tar.gz"
        bogus.write_bytes(b"not a tar")
        process = self.manage(
            f"sqlite:///{self.work}/never.sqlite3", "restore", str(bogus), "--noinput",
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        _, err = process.communicate(timeout=60)
        self.assertNotEqual(process.returncode, 0)
        self.assertIn("is not a Carnet backup", err)

    def test_the_drill_backs_up_the_bucket_and_restores_it_into_another(self):
        # Media on the local S3 server (tests/s3.py): the archive holds the bucket's files,
        # and the restore puts them into an empty bucket, where the restored rows find them.
        source_bucket, target_bucket = s3.new_bucket(), s3.new_bucket()
        source, target = self.database_url("source"), self.database_url("restored")
        self.run_manage(source, "migrate", "--noinput", "-v0")
        self.run_manage(source, "shell", "-v0", "-c", UPLOADER, env=s3.environment(source_bucket))
        stored = s3.keys(source_bucket)
        self.assertEqual(len(stored), 6)  # two images, each with two renditions

        archive = Path(
            self.run_manage(
                source, "backup", f"--output={self.work}", env=s3.environment(source_bucket)
            ).strip()
        )
        with tarfile.open(archive) as tar:
            self.assertLessEqual({f"media/{key}" for key in stored}, set(tar.getnames()))
        self.run_manage(
            target, "restore", str(archive), "--noinput", env=s3.environment(target_bucket)
        )

        self.assertEqual(s3.keys(target_bucket), stored)
        for key in stored:
            self.assertEqual(
                s3.object_bytes(target_bucket, key), s3.object_bytes(source_bucket, key)
            )
        files = self.run_manage(target, "shell", "-v0", "-c", LIST_FILES).split()
        self.assertEqual(len(files), 2)
        self.assertLessEqual(set(files), set(stored))
        # Nothing was written on this machine's disk, but the archive.
        self.assertEqual(sorted(p.name for p in self.media.rglob("*")), ["a.jpg", "covers"])
