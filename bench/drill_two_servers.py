"""The two-server drill: two Carnets, each in its own folder, behave as one site.

`make drill-two-servers` (and .ci/run) starts everything it needs and stops it after:
a local S3 server (moto_server), a new PostgreSQL database, Redis (db 8, emptied), two
gunicorn instances, each from its own copy of the code with its own var/ and its own
task worker, and Varnish with config/varnish.vcl balancing between them (the layout of
docs/deploy.md, "Two app servers"). Then, as a reader and as editors would:

- a session opened on A is signed in on B;
- an image uploaded through A is on a page rendered by B, served by the bucket, and
  nothing is written under either server's var/media;
- a comment approved on A makes B's kept page stale at once (Carnet's cache, in Redis:
  its next reader is served the stale copy while B renders it, and the one after has
  the comment) and shows through Varnish within its promise (a purge sent by whichever
  worker took the task);
- a flood limit reached on A holds on B; sign-in failures on A lock the account on B;
- a task queued by A runs once, by one of the two workers.

Any broken promise stops the drill with a message and exit status 1.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
# This drill's ports (8160-8169) and Redis database.
PORT_A, PORT_B, PORT_VARNISH, PORT_S3 = 8160, 8161, 8162, 8163
REDIS_URL = "redis://127.0.0.1:6379/8"
BUCKET = "carnet-drill"
PASSWORD = "drill-only-password-31415"
# Varnish keeps pages for hours and forgets one "a second after" the change is committed
# (docs/deploy.md): the worker polls its queue every second, then purges.
PURGE_PROMISE_SECONDS = 5
# The code a server runs; the rest of the checkout stays behind.
LEFT_BEHIND = shutil.ignore_patterns(
    ".venv", "node_modules", "var", ".git", "build", "docs", "tests", "bench", "*.egg-info",
    "__pycache__", ".ruff_cache",
)  # fmt: skip

SETUP = """
import datetime
from django.utils import timezone
from accounts.models import User
from blog.models import Article
from comments.models import Comment
editor = User.objects.create_superuser(
    "drill-editor", "drill-editor@example.org", PASSWORD, display_name="Drill Editor")
User.objects.create_user("drill-locked", "drill-locked@example.org", PASSWORD,
    display_name="Drill Locked", is_staff=True)
article = Article.objects.create(
    author=editor, title="Deux serveurs", slug="deux-serveurs", body="<p>Un site.</p>",
    status=Article.Status.PUBLISHED,
    published_at=timezone.now() - datetime.timedelta(hours=1))
Comment(article=article, name="Lectrice", email="lectrice@example.org",
        body="Déjà publié.", status=Comment.Status.APPROVED).save()
pending = Comment(article=article, name="Lecteur", email="lecteur@example.org",
                  body="Approuvé sur le serveur A.", status=Comment.Status.PENDING)
pending.save()
print(pending.pk)
"""

SET_COVER = """
from blog.models import Article
from editing.models import Image
article = Article.objects.get(slug="deux-serveurs")
article.cover = Image.objects.get(pk=IMAGE)
article.save()
"""

TASKS = """
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.exclude(status="SUCCESSFUL").count(),
      DBTaskResult.objects.filter(status="SUCCESSFUL").count())
"""


class DrillFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise DrillFailed(message)


def step(message: str) -> None:
    print(f"  ok  {message}", flush=True)


class Browser:
    """Cookies kept per host, as a browser keeps them for 127.0.0.1 whatever the port."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def open(self, url: str, data: bytes | None = None, headers: dict | None = None):
        """(status, final address, headers, text) of a request, errors included."""
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.url, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.headers, error.read().decode()

    def get(self, url: str, **headers):
        return self.open(url, headers=headers)

    def post(self, url: str, fields: dict, files: dict | None = None, **headers):
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **fields}
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for name, value in fields.items():
                body += (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n"
                ).encode()
            for name, (filename, content) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                        f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
                    ).encode()
                    + content
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers.setdefault("X-CSRFToken", self.cookie("csrftoken"))
        return self.open(url, data=body, headers=headers)

    def sign_in(self, server: str, username: str, password: str):
        self.get(f"{server}/admin/login/")
        return self.post(
            f"{server}/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
        )


def jpeg(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def wait_for_port(port: int, what: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check(process.poll() is None, f"{what} exited with status {process.returncode}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        time.sleep(0.2)
    raise DrillFailed(f"{what} did not listen on port {port} within {seconds} s")


def free(port: int) -> None:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise DrillFailed(f"port {port} is taken: the drill needs 8160-8163")


class Drill:
    def __init__(self, stack: contextlib.ExitStack):
        self.stack = stack
        self.work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnet-drill-")))
        self.work.chmod(0o755)  # varnishd's child runs as its own user
        self.database = f"storage_drill_{os.getpid()}"
        self.a, self.b = f"http://127.0.0.1:{PORT_A}", f"http://127.0.0.1:{PORT_B}"
        self.varnish = f"http://127.0.0.1:{PORT_VARNISH}"
        self.s3 = f"http://127.0.0.1:{PORT_S3}"
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "drill-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}",
            "REDIS_URL": REDIS_URL,
            "PURGE_URL": f"{self.varnish}/",
            "TWO_STEP_REQUIRED": "false",
            "LOGIN_FAILURE_LIMIT": "3",
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": "2",
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_BUCKET": BUCKET,
            "MEDIA_S3_ENDPOINT_URL": self.s3,
            "MEDIA_S3_REGION": "us-east-1",
            "MEDIA_S3_ACCESS_KEY_ID": "drill",
            "MEDIA_S3_SECRET_ACCESS_KEY": "drill",
            "MEDIA_PUBLIC_URL": f"{self.s3}/{BUCKET}/",
        }
        for name in ("EMAIL_HOST", "MEDIA_ROOT", "SERVE_MEDIA", "PAGE_CACHE"):
            self.env.pop(name, None)

    # Servers ------------------------------------------------------------------------

    def start(self, command: list[str], cwd: Path, name: str, **env: str) -> subprocess.Popen:
        log = (self.work / f"{name}.log").open("w")
        process = subprocess.Popen(
            command, cwd=cwd, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.stack.callback(self.stop, process, name)
        return process

    def stop(self, process: subprocess.Popen, name: str) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def manage(self, folder: Path, *args: str) -> str:
        done = subprocess.run(
            [str(PYTHON), "manage.py", *args], cwd=folder, env=self.env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        check(done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, folder: Path, code: str) -> str:
        return self.manage(folder, "shell", "-v0", "-c", code)

    def psql(self, sql: str) -> None:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"],
            check=True, env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
        )  # fmt: skip

    def set_up(self) -> None:
        for port in (PORT_A, PORT_B, PORT_VARNISH, PORT_S3):
            free(port)
        check(shutil.which("varnishd") is not None, "varnishd is missing: make varnish")
        moto = self.start(
            [str(PYTHON.with_name("moto_server")), "-H", "127.0.0.1", "-p", str(PORT_S3)],
            self.work, "moto",
        )  # fmt: skip
        self.psql(f'CREATE DATABASE "{self.database}"')
        self.stack.callback(self.psql, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)

        # Each server its own copy of the code, so its own var/ (media, mail, files).
        self.folder_a, self.folder_b = self.work / "a", self.work / "b"
        for folder in (self.folder_a, self.folder_b):
            shutil.copytree(ROOT, folder, ignore=LEFT_BEHIND)
        wait_for_port(PORT_S3, "moto_server", moto)
        import boto3

        boto3.client(
            "s3", endpoint_url=self.s3, region_name="us-east-1",
            aws_access_key_id="drill", aws_secret_access_key="drill",
        ).create_bucket(Bucket=BUCKET)  # fmt: skip
        # Migrations once, from one server; each server collects its release's static files.
        self.manage(self.folder_a, "migrate", "--noinput", "-v0")
        self.pending_comment = int(
            self.shell(self.folder_a, SETUP.replace("PASSWORD", repr(PASSWORD)))
        )
        self.manage(self.folder_a, "collectstatic", "--noinput", "-v0")
        shutil.copytree(self.folder_a / "var" / "static", self.folder_b / "var" / "static")

        servers = []
        for folder, port, name in ((self.folder_a, PORT_A, "a"), (self.folder_b, PORT_B, "b")):
            gunicorn = [str(PYTHON.with_name("gunicorn")), "-c", "config/gunicorn.conf.py"]
            servers.append((self.start(gunicorn, folder, f"web-{name}", PORT=str(port)), port))
            worker = [str(PYTHON), "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            self.start(worker, folder, f"worker-{name}")
        vcl = self.work / "carnet.vcl"
        vcl.write_text(two_backends((ROOT / "config" / "varnish.vcl").read_text()))
        varnish = self.start(
            ["varnishd", "-F", "-n", str(self.work / "varnish"), "-f", str(vcl),
             "-a", f"127.0.0.1:{PORT_VARNISH}", "-s", "malloc,32m"],
            self.work, "varnish",
        )  # fmt: skip
        for process, port in servers:
            wait_for_port(port, f"gunicorn on {port}", process)
        wait_for_port(PORT_VARNISH, "varnishd", varnish)
        for server in (self.a, self.b):
            status = Browser().get(f"{server}/healthz")[0]
            check(status == 200, f"{server}/healthz answered {status}")

    # The drill ----------------------------------------------------------------------

    def run(self) -> None:
        editor = Browser()
        status, url, _, _ = editor.sign_in(self.a, "drill-editor", PASSWORD)
        check(urllib.parse.urlsplit(url).path == "/admin/", f"sign-in on A ended at {url}")
        status, url, _, _ = editor.get(f"{self.b}/admin/")
        check(
            status == 200 and urllib.parse.urlsplit(url).path == "/admin/",
            f"the session opened on A is not signed in on B (got {status} at {url})",
        )
        step("a session opened on A is signed in on B")

        self.image_uploaded_on_a_is_served_on_b(editor)
        self.comment_approved_on_a_shows_on_b(editor)
        self.flood_limit_and_task_queue_are_shared()
        self.sign_in_lock_is_shared()

    def image_uploaded_on_a_is_served_on_b(self, editor: Browser) -> None:
        status, _, _, text = editor.post(
            f"{self.a}/admin/editing/image/upload/",
            {"alt": "Deux serveurs, un seau", "caption": "", "credit": ""},
            files={"file": ("drill.jpg", jpeg(1000, 600))},
            Accept="application/json",
        )
        check(status == 201, f"uploading through A answered {status}: {text[:500]}")
        image = json.loads(text)["image"]
        check(image["src"].startswith(f"{self.s3}/{BUCKET}/library/"), f"src {image['src']}")
        self.shell(self.folder_b, SET_COVER.replace("IMAGE", str(image["id"])))
        _, _, headers, page = Browser().get(f"{self.b}/articles/deux-serveurs/")
        policy = headers.get("Content-Security-Policy", "")
        check(f"img-src 'self' data: {self.s3};" in policy, f"B's policy: {policy}")
        srcset = re.search(r'<img[^>]+srcset="([^"]+)"', page)
        check(srcset is not None, "B's page shows no cover with a srcset")
        addresses = [candidate.split()[0] for candidate in srcset.group(1).split(", ")]
        check(image["src"] in addresses, f"B's page does not show {image['src']}")
        for address in addresses:
            with urllib.request.urlopen(address, timeout=10) as response:
                check(
                    response.status == 200 and response.headers["Content-Type"] == "image/jpeg",
                    f"{address} answered {response.status} {response.headers['Content-Type']}",
                )
        for folder in (self.folder_a, self.folder_b):
            media = folder / "var" / "media"
            written = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
            check(not written, f"files written under {media}: {written}")
        step(
            "an image uploaded through A is on B's page, allowed by its CSP and served by "
            f"the bucket ({len(addresses)} sizes)"
        )
        step("nothing was written under either server's var/media")

    def comment_approved_on_a_shows_on_b(self, editor: Browser) -> None:
        path, body = "/articles/deux-serveurs/", "Approuvé sur le serveur A."
        reader = Browser()
        for server in (self.b, self.varnish, self.varnish):
            check(body not in reader.get(server + path)[3], f"a pending comment shows on {server}")
        status, headers = reader.get(self.varnish + path)[0], reader.get(self.varnish + path)[2]
        check("Varnish; hit" in headers.get("Cache-Status", ""), "Varnish does not keep the page")

        status, _, _, text = editor.post(
            f"{self.a}/admin/comments/comment/",
            {"action": "approve", "_selected_action": str(self.pending_comment), "index": "0"},
        )
        check(status == 200, f"approving on A answered {status}")
        approved = time.monotonic()
        _, _, headers, text = reader.get(self.b + path)
        check(
            body in text or "stale-revalidating" in headers.get("Cache-Status", ""),
            "B does not know at once that its page changed on A",
        )
        # B renders it once that answer is out (sitewide/pagecache.py): the readers after
        # have the comment within the render's time.
        while body not in reader.get(self.b + path)[3]:
            waited = time.monotonic() - approved
            check(waited < 5, f"B still shows the page without the comment after {waited:.1f} s")
            time.sleep(0.05)
        step(
            "a comment approved on A makes B's page stale at once, and B's readers have it "
            f"after {time.monotonic() - approved:.2f} s (Carnet's cache)"
        )
        while body not in reader.get(self.varnish + path)[3]:
            waited = time.monotonic() - approved
            check(
                waited < PURGE_PROMISE_SECONDS,
                f"Varnish still shows the page without the comment after {waited:.1f} s",
            )
            time.sleep(0.1)
        step(
            f"and through Varnish after {time.monotonic() - approved:.1f} s "
            f"(promise: a second; the drill allows {PURGE_PROMISE_SECONDS})"
        )

    def flood_limit_and_task_queue_are_shared(self) -> None:
        reader = Browser()
        ask = {"email": "lectrice@example.org"}
        first = reader.post(f"{self.a}/comments/manage/", ask, **{"Sec-Fetch-Site": "same-origin"})
        check(first[0] == 200, f"asking A for the manage link answered {first[0]}")
        second = reader.post(
            f"{self.b}/comments/manage/", ask, **{"Sec-Fetch-Site": "same-origin"}
        )
        check(second[0] == 429, f"asking B again at once answered {second[0]}, not 429")
        step("a flood limit reached on A holds on B (429)")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not self.mail_to("lectrice@example.org"):
            time.sleep(0.5)
        time.sleep(2)  # a second worker taking the same task would have written by now
        sent = self.mail_to("lectrice@example.org")
        check(len(sent) == 1, f"the manage link was sent {len(sent)} times, not once: {sent}")
        left, done = self.shell(self.folder_a, TASKS).split()
        check(left == "0", f"{left} tasks are not done")
        step(f"tasks queued by A ran once each, by one of the two workers ({done} done, 1 mail)")

    def mail_to(self, address: str) -> list[Path]:
        """The messages to address either server's worker wrote (in its own var/mail)."""
        return [
            path
            for folder in (self.folder_a, self.folder_b)
            for path in (folder / "var" / "mail").glob("*")
            if f"To: {address}" in path.read_text(errors="replace")
        ]

    def sign_in_lock_is_shared(self) -> None:
        intruder = Browser()
        for _ in range(3):
            intruder.sign_in(self.a, "drill-locked", "wrong-password")
        owner = Browser()
        status, url, _, _ = owner.sign_in(self.b, "drill-locked", PASSWORD)
        check(status == 429, f"after 3 failures on A, the right password on B answered {status}")
        status, url, _, _ = owner.get(f"{self.b}/admin/")
        check(urllib.parse.urlsplit(url).path != "/admin/", "the locked account signed in on B")
        step("three failed sign-ins on A lock the account on B (429)")


def director_vcl(servers: list[tuple[str, int]]) -> str:
    """The VCL that replaces config/varnish.vcl's one backend when several app servers
    take turns (docs/deploy.md shows it for two)."""
    backends = "".join(
        f'backend server{n} {{\n    .host = "{host}";\n    .port = "{port}";\n}}\n\n'
        for n, (host, port) in enumerate(servers, 1)
    )
    added = "".join(f"    carnet.add_backend(server{n});\n" for n in range(1, len(servers) + 1))
    return (
        f"import directors;\n\n{backends}"
        f"sub vcl_init {{\n    new carnet = directors.round_robin();\n{added}}}\n\n"
        "sub vcl_recv {\n    set req.backend_hint = carnet.backend();\n}\n"
    )


def two_backends(vcl: str) -> str:
    """config/varnish.vcl in front of the drill's two servers."""
    backend = re.search(r"backend carnet \{.*?\n\}\n", vcl, re.S)
    check(backend is not None, "config/varnish.vcl has no 'backend carnet' block")
    return vcl.replace(
        backend.group(0), director_vcl([("127.0.0.1", PORT_A), ("127.0.0.1", PORT_B)])
    )


def main() -> int:
    started = time.monotonic()
    print("Two-server drill: two gunicorns, one PostgreSQL, one Redis, one S3, one Varnish")
    with contextlib.ExitStack() as stack:
        drill = Drill(stack)
        try:
            drill.set_up()
            print(f"  servers up in {time.monotonic() - started:.0f} s", flush=True)
            drill.run()
        except (DrillFailed, subprocess.CalledProcessError, OSError) as error:
            print(f"FAILED: {error}", file=sys.stderr)
            for log in sorted(drill.work.glob("*.log")):
                tail = log.read_text(errors="replace")[-1500:]
                if tail.strip():
                    print(f"--- {log.name} (end)\n{tail}", file=sys.stderr)
            return 1
    print(f"Two-server drill passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
