"""Measure Carnet's public pages behind each cache, in one run (make bench).

Builds a throwaway PostgreSQL database (the demo, N generated articles and the
demo article with 50 approved comments; --scale: 100,000 articles and 1,000,000
comments, with progress bars), then measures every public page type (front,
article, category and a deep page of it, tag, author, archive month, search for
a rare and a common word, feed, sitemap index and its last page of articles)
with wrk in five modes:

  static        nginx serving a copy of the same page bytes (the ceiling)
  nginx-cache   the nginx shared cache of docs/deploy.md (bench/nginx-cache.conf.template)
  carnet-cache  gunicorn directly, Carnet's own page cache in Redis
  fragments     gunicorn directly, PAGE_CACHE=off: every request renders its page, with
                the parts every reader shares kept in Redis (what a reader with a
                cookie gets)
  uncached      gunicorn directly, PAGE_CACHE=off FRAGMENT_CACHE=off: every part of
                every page rendered and read from the database

It prints a table and the ratios; it measures, it asserts nothing about the
figures. Needs wrk, nginx, psql (PostgreSQL on 127.0.0.1, user postgres) and
Redis on 127.0.0.1:6379. Everything listens on 127.0.0.1, and everything it
starts is stopped when it ends, on failure too.

  .venv/bin/python bench/cache.py [--articles 10000] [--duration 5] [--keep-db]
  .venv/bin/python bench/cache.py --scale [--keep-db]
"""

import argparse
import datetime
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
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "bench" / "nginx-cache.conf.template"
ARTICLE = "/articles/moscou-travaille-avec-les-talibans-pour-contrer-daesh/"
CARD = '<article class="card'
# (page, path, what must appear in it); None: read from the front page or the sitemap.
PAGES = [
    ("front", "/", CARD),
    ("article", ARTICLE, '<article class="comment"'),
    ("category", "/category/international/", CARD),
    ("category, deep", None, CARD),
    ("tag", "/tag/diplomatie/", CARD),
    ("author", "/author/houssen-moshinaly/", CARD),
    ("archive month", None, CARD),
    ("search, rare", "/search/?q=Talibans", CARD),
    ("search, common", "/search/?q=diplomatie", CARD),
    ("feed", "/feed/", "<item>"),
    ("sitemap index", "/sitemap.xml", "<sitemapindex"),
    ("sitemap, last", None, "<urlset"),
]
MODES = ["static", "nginx-cache", "carnet-cache", "fragments", "uncached"]
# The values of the template that a deployment changes; the benchmark changes only these.
TEMPLATE_VALUES = {
    "listen": "listen 80;",
    "upstream": "http://127.0.0.1:8000",
    "cache": "/var/cache/nginx/carnet",
    "static": "/srv/carnet/var/static/",
    "media": "/srv/carnet/var/media/",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} after {seconds}s")


def build_database(args, env: dict) -> None:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.database}'")
    if exists and args.keep_db:
        print(f"reusing database {args.database} (--keep-db)", flush=True)
        return
    psql(f'DROP DATABASE IF EXISTS "{args.database}"')
    psql(f'CREATE DATABASE "{args.database}"')
    print(f"loading {args.articles} articles and {args.comments} comments…", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    # The first comments complete the demo article's thread to 50; the progress bars
    # go to the terminal.
    manage(
        env, "load_demo", f"--articles={args.articles}", f"--comments={args.comments}", tty=True
    )
    psql("VACUUM ANALYZE", args.database)


def manage(env: dict, *command: str, tty: bool = False) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if tty else subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + (done.stderr or ""))
        raise RuntimeError(f"manage.py {command[0]} failed")


def start_gunicorn(stack: ExitStack, env: dict, log: Path) -> tuple[str, subprocess.Popen]:
    """gunicorn on a free port, stopped with the stack: its base URL and its master process."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"]
        + ["--access-logfile", str(log)],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
    )
    stack.callback(stop, server)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/healthz")
    return base, server


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_config(work: Path, upstream: str, cache_port: int, static_port: int) -> Path:
    """The documented server block, with only its deployment values changed, plus a static one."""
    text = TEMPLATE.read_text()
    values = {
        "listen": f"listen 127.0.0.1:{cache_port};",
        "upstream": upstream,
        "cache": str(work / "cache"),
        "static": f"{ROOT / 'var' / 'static'}/",
        "media": f"{work / 'media'}/",
    }
    for name, old in TEMPLATE_VALUES.items():
        if old not in text:
            raise RuntimeError(f"{TEMPLATE.name} no longer contains {old!r} ({name})")
        text = text.replace(old, values[name])
    (work / "carnet.conf").write_text(text)
    for folder in ("cache", "media", "tmp"):
        (work / folder).mkdir(exist_ok=True)
    main = work / "nginx.conf"
    # Workers run as the user running the benchmark: the files are in its private folder.
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(f"""{user}
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    access_log off;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    include {work}/carnet.conf;
    server {{
        listen 127.0.0.1:{static_port};
        root {work}/html;
        index index.html;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
""")
    return main


def start_nginx(stack: ExitStack, work: Path, config: Path) -> None:
    nginx = ["nginx", "-p", f"{work}/", "-e", f"{work}/nginx-error.log", "-c", str(config)]
    subprocess.run(nginx + ["-t", "-q"], check=True)
    subprocess.run(nginx, check=True)

    def stop_nginx() -> None:
        pid_file = work / "nginx.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
            for _ in range(100):
                if not pid_file.exists():
                    break
                time.sleep(0.1)

    stack.callback(stop_nginx)


def check_page(url: str, marker: str) -> tuple[bytes, dict]:
    status, headers, body = get(url)
    count = body.count(marker.encode())
    if status != 200 or not count:
        raise RuntimeError(f"{url} answered {status} with {count} × {marker!r}")
    if "Set-Cookie" in headers:
        raise RuntimeError(f"{url} set a cookie for an anonymous reader")
    return body, headers


def check_nginx(url: str) -> None:
    """Print what the documented cache does: a hit, a bypass for a cookie, a 304 for an ETag."""
    get(url)
    _status, headers, _body = get(url)
    cookie = get(url, {"Cookie": "carnet_pending=1"})[1]
    not_modified = get(url, {"If-None-Match": headers.get("ETag", "")})[0]
    print(
        f"  nginx {url}: second GET {headers.get('X-Cache-Status')}; with a Carnet cookie "
        f"{cookie.get('X-Cache-Status')} ({cookie.get('Cache-Control')}); "
        f"If-None-Match {not_modified}"
    )


def wrk(url: str, args) -> dict:
    wrk = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--timeout", "10s"]
    subprocess.run(wrk + ["-d2s", url], check=True, capture_output=True)  # warm-up
    time.sleep(1)  # let the server drain what the warm-up left queued
    output = subprocess.run(
        wrk + [f"-d{args.duration}s", "--latency", url], check=True, capture_output=True, text=True
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": latency(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1]),
        "p99": latency(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1]),
        "errors": 0,
    }
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result["errors"] += int(found[1])
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result["errors"] += sum(int(n) for n in found.groups())
    return result


def latency(text: str) -> float:
    """wrk's '1.23ms' / '45.00us' / '1.02s' in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def resolve_pages(base: str) -> list[tuple[str, str, str]]:
    """PAGES with a deep page of a category (the 5,000th, or the deepest half of it that
    exists), the demo article's archive month and the sitemap's last article page."""
    article = get(base + ARTICLE)[2].decode()
    deepest = 5000
    while deepest > 1 and get(base + f"/category/international/?page={deepest}")[0] != 200:
        deepest //= 2
    index = get(base + "/sitemap.xml")[2].decode()
    found = {
        "category, deep": f"/category/international/?page={deepest}",
        "archive month": re.search(r'href="(/archive/\d+/\d+/)"', article)[1],
        "sitemap, last": re.findall(
            r"<loc>https?://[^/<]+(/sitemap-articles\.xml[^<]*)</loc>", index
        )[-1].replace("&amp;", "&"),
    }
    return [(page, path or found[page], marker) for page, path, marker in PAGES]


def static_name(page: str) -> str:
    """The static copy's address: one file per page, whatever its query string."""
    return "/" + re.sub(r"[^a-z0-9]+", "-", page).strip("-") + ".html"


def measure(results: dict, mode: str, base: str, pages: list, args) -> None:
    for page, path, marker in pages:
        url = base + (static_name(page) if mode == "static" else path)
        check_page(url, marker)
        results[mode, page] = figures = wrk(url, args)
        print(
            f"  {mode:<13} {page:<15} {figures['rps']:9.0f} req/s  p50 {figures['p50']:7.2f} ms"
            f"  p99 {figures['p99']:7.2f} ms  errors {figures['errors']}",
            flush=True,
        )


def server_env(args: argparse.Namespace) -> dict[str, str]:
    """The environment of a production-like Carnet on the benchmark's database and Redis."""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "SECRET_KEY": "benchmark-only-secret-key-not-used-elsewhere",
        "CARNET_DEMO_PASSWORD": "benchmark-only",
        "DEBUG": "false",
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": args.redis_url,
        "PAGE_CACHE": "on",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--comments", type=int, default=49, help="the first 49 complete the demo article's 50"
    )
    parser.add_argument(
        "--scale", action="store_true", help="100,000 articles and 1,000,000 comments"
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", default=None, help="carnet_bench_cache, or _scale")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database, keep it after")
    args = parser.parse_args()
    if args.scale:
        args.articles, args.comments = 100_000, 1_000_000
    args.database = args.database or ("carnet_bench_scale" if args.scale else "carnet_bench_cache")
    for tool in ("wrk", "nginx", "psql", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing (apt-get install -y wrk nginx postgresql-client redis)")

    env = {**server_env(args), "TRUSTED_PROXY_COUNT": "1"}
    results: dict = {}
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnet-bench-")))
        os.chmod(work, 0o755)
        build_database(args, env)
        if not args.keep_db:
            stack.callback(psql, f'DROP DATABASE IF EXISTS "{args.database}"')
        manage(env, "collectstatic", "--noinput", "-v0")
        subprocess.run(
            ["redis-cli", "-u", args.redis_url, "flushdb"], check=True, stdout=subprocess.DEVNULL
        )
        started = datetime.datetime.now().astimezone()
        print(
            f"{started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.2f}; {args.articles} articles, {args.comments} comments, "
            f"{args.workers} gunicorn workers; wrk -t{args.threads} -c{args.connections} "
            f"-d{args.duration}s",
            flush=True,
        )

        cached = stack.enter_context(ExitStack())
        base, _server = start_gunicorn(cached, env, work / "gunicorn-cache.log")
        pages = resolve_pages(base)
        (work / "html").mkdir()
        for page, path, marker in pages:
            body, headers = check_page(base + path, marker)
            print(f"  {path}: {len(body)} bytes, Cache-Control: {headers.get('Cache-Control')}")
            (work / "html" / static_name(page).lstrip("/")).write_bytes(body)
        cache_port, static_port = free_port(), free_port()
        start_nginx(stack, work, nginx_config(work, base, cache_port, static_port))

        measure(results, "static", f"http://127.0.0.1:{static_port}", pages, args)
        through_nginx = f"http://127.0.0.1:{cache_port}"
        check_nginx(through_nginx + ARTICLE)
        measure(results, "nginx-cache", through_nginx, pages, args)
        measure(results, "carnet-cache", base, pages, args)
        cached.close()

        kept = stack.enter_context(ExitStack())
        base, _server = start_gunicorn(
            kept, {**env, "PAGE_CACHE": "off"}, work / "gunicorn-kept.log"
        )
        measure(results, "fragments", base, pages, args)
        kept.close()

        off = {**env, "PAGE_CACHE": "off", "FRAGMENT_CACHE": "off"}
        base, _server = start_gunicorn(stack, off, work / "gunicorn-off.log")
        measure(results, "uncached", base, pages, args)
        print(f"load average at the end {os.getloadavg()[0]:.2f}")

    report(results, pages)


def report(results: dict, pages: list) -> None:
    print()
    print("req/s, and p99 in ms, for each page in each mode; the ratio is nginx-cache / static")
    print()
    print(
        "| page | static | nginx cache | ratio | Carnet's cache | fragments | fragments p99 ms "
        "| uncached | uncached p99 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for page, _path, _marker in pages:
        static, nginx, carnet, kept, uncached = (results[mode, page] for mode in MODES)
        print(
            f"| {page} | {static['rps']:,.0f} | {nginx['rps']:,.0f} "
            f"| {nginx['rps'] / static['rps']:.2f} | {carnet['rps']:,.0f} "
            f"| {kept['rps']:,.0f} | {kept['p99']:.1f} "
            f"| {uncached['rps']:,.0f} | {uncached['p99']:.1f} |"
        )
    errors = sum(r["errors"] for r in results.values())
    print()
    print(f"answers other than 2xx/3xx, or socket errors, in all runs: {errors}")
    article = {mode: results[mode, "article"] for mode in MODES}
    ratio = article["nginx-cache"]["rps"] / article["static"]["rps"]
    print(f"article: nginx cache / static = {ratio:.2f} (target ≥ 0.5)")
    print(f"article: Carnet's cache {article['carnet-cache']['rps']:,.0f} req/s (target ≥ 2,000)")
    for mode in ("fragments", "uncached"):
        worst = max(pages, key=lambda page: results[mode, page[0]]["p99"])[0]
        print(f"article: {mode} p99 {article[mode]['p99']:.1f} ms (target < 50 ms)")
        print(
            f"{mode}, slowest p99: {worst} {results[mode, worst]['p99']:.1f} ms "
            "(target at --scale: < 100 ms)"
        )


if __name__ == "__main__":
    main()
