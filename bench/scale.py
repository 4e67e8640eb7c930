"""Benchmark every public page type at the scale of a real news site, on PostgreSQL.

Builds a throwaway PostgreSQL database (carnet_bench by default) holding the demo, N
generated articles and M comments, serves it with gunicorn (4 workers, DEBUG off, no
cache server), then measures each page: with wrk when it is installed (8 connections,
a few seconds per URL), else with the Python client of bench/pages.py. It prints
p50/p99 latency, requests per second and any non-200 answer; it asserts nothing.

The fragments an earlier run kept are emptied first, so that each page's first
request renders its fragments (the "first ms" column: a cold render by one worker,
the others idle); the measured seconds then read them, as readers do between changes.

Usage:
  .venv/bin/python bench/scale.py --articles 100000 --comments 1000000
  .venv/bin/python bench/scale.py --reuse        # measure the database built last time
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from pages import fetch, free_port

ROOT = Path(__file__).resolve().parent.parent
SEED = "/articles/moscou-travaille-avec-les-talibans-pour-contrer-daesh/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Each URL's first answer, in seconds: with the cache emptied, a cold render.
FIRST: dict[str, float] = {}


def build(args: argparse.Namespace, env: dict) -> None:
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        connection.execute(f'CREATE DATABASE "{args.database}"')
    manage = [sys.executable, "manage.py"]
    subprocess.run(manage + ["migrate", "-v0"], cwd=ROOT, env=env, check=True)
    start = time.perf_counter()
    # The progress bars go to stderr, straight to the terminal.
    subprocess.run(
        manage + ["load_demo", f"--articles={args.articles}", f"--comments={args.comments}"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"Generated in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    with psycopg.connect(f"{args.server}/{args.database}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def pages_to_measure(base: str, all_sitemap_pages: bool) -> list[tuple[str, str]]:
    """(label, path) for every public page type, sitemap pages read from the index: each
    section's first, middle and last page, or all of them."""
    home = fetch_text(base + "/")
    deepest = 5000
    # The front page has one page: the deep pages are a category's.
    while deepest > 1 and not ok(base + f"/category/international/?page={deepest}"):
        deepest //= 2
    month = re.search(r'href="(/archive/\d+/\d+/)"', home)
    pages = [
        ("home", "/"),
        ("deep page", f"/category/international/?page={deepest}"),
        ("article, 50 comments", SEED),
        ("category", "/category/international/"),
        ("tag", "/tag/diplomatie/"),
        ("author", "/author/houssen-moshinaly/"),
        ("search, rare word", "/search/?q=Talibans"),
        ("search, common word", "/search/?q=diplomatie"),
        ("search, deep page", "/search/?q=diplomatie&page=50"),
        ("feed", "/feed/"),
        ("sitemap index", "/sitemap.xml"),
    ]
    if month:
        pages.insert(6, ("archive month", month.group(1)))
    index = ET.fromstring(fetch_text(base + "/sitemap.xml"))
    sections: dict[str, list[str]] = {}
    for loc in index.findall("s:sitemap/s:loc", NS):
        url = urlsplit(loc.text)
        sections.setdefault(url.path, []).append(url.path + (f"?{url.query}" if url.query else ""))
    for paths in sections.values():
        chosen = paths if all_sitemap_pages else sorted({0, len(paths) // 2, len(paths) - 1})
        for path in paths if all_sitemap_pages else [paths[i] for i in chosen]:
            pages.append((f"sitemap {path.removeprefix('/sitemap-')}", path))
    return pages


def fetch_text(url: str) -> str:
    import urllib.request

    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        text = response.read().decode()
    FIRST.setdefault(url, time.perf_counter() - start)
    return text


def ok(url: str) -> bool:
    try:
        FIRST.setdefault(url, fetch(url))
        return True
    except OSError:
        return False


def measure_wrk(url: str, args: argparse.Namespace) -> tuple[float, float, float, int]:
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, args.connections)}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return ms("50%"), ms("99%"), rate, int(errors.group(1)) if errors else 0


def measure_python(url: str, args: argparse.Namespace) -> tuple[float, float, float, int]:
    deadline, timings, errors = time.perf_counter() + args.duration, [], 0

    def one(_):
        try:
            return fetch(url)
        except OSError:
            return None

    start = time.perf_counter()
    with ThreadPoolExecutor(args.connections) as pool:
        while time.perf_counter() < deadline:
            for timing in pool.map(one, range(args.connections * 4)):
                if timing is None:
                    errors += 1
                else:
                    timings.append(timing)
    elapsed = time.perf_counter() - start
    timings.sort()
    p99 = timings[max(0, int(len(timings) * 0.99) - 1)] if timings else 0
    median = statistics.median(timings) if timings else 0
    return median * 1000, p99 * 1000, len(timings) / elapsed, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="carnet_bench")
    parser.add_argument("--reuse", action="store_true", help="measure the existing database")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL")
    parser.add_argument(
        "--all-sitemap-pages", action="store_true", help="not only first, middle and last"
    )
    args = parser.parse_args()

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.server}/{args.database}",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "SECRET_KEY": "benchmark-only-secret-key-not-used-elsewhere",
        "CARNET_DEMO_PASSWORD": "benchmark-only",
        "DEBUG": "false",
        "SERVE_MEDIA": "true",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
        # Uncached: every answer is computed (the page cache would keep them in var/cache).
        "PAGE_CACHE": "off",
    }
    env.pop("REDIS_URL", None)
    if not args.reuse:
        build(args, env)
    # The file cache the server keeps fragments in (config/settings.py, no REDIS_URL).
    shutil.rmtree(ROOT / "var" / "cache", ignore_errors=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"]
        + ["--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
    )
    measure = measure_wrk if shutil.which("wrk") else measure_python
    # Stopped with a signal, still stop gunicorn (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            if ok(base + "/healthz"):
                break
            time.sleep(0.1)
        print(
            f"PostgreSQL {args.database}, {args.workers} gunicorn workers, "
            f"{os.cpu_count()} cores, {args.connections} connections, {args.duration} s per "
            f"URL, {'wrk' if measure is measure_wrk else 'Python client'}, no cache"
        )
        print(
            f"{'page':<26} {'path':<44} {'first ms':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'req/s':>7} {'non-200':>7}"
        )
        for label, path in pages_to_measure(base, args.all_sitemap_pages):
            FIRST.setdefault(base + path, fetch(base + path))  # warm up
            p50, p99, rate, errors = measure(base + path, args)
            print(
                f"{label[:26]:<26} {path[:44]:<44} {FIRST[base + path] * 1000:8.1f} {p50:8.1f} "
                f"{p99:8.1f} {rate:7.0f} {errors:7d}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
