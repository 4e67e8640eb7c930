"""Benchmark the public pages over real HTTP against a real gunicorn.

Builds a throwaway SQLite database with the demo and N generated articles,
starts gunicorn on it, sends a bounded number of requests per page from a few
threads, and prints requests per second and latency percentiles. It measures;
it asserts nothing. Usage: .venv/bin/python bench/pages.py [--articles 500]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/category/international/?page=5",
    "/articles/moscou-travaille-avec-les-talibans-pour-contrer-daesh/",
    "/category/international/",
    "/tag/russie/",
    "/author/houssen-moshinaly/",
    "/search/?q=Talibans",
    "/feed/",
    "/sitemap.xml",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200, help="per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            "MEDIA_ROOT": f"{directory}/media",
            "SECRET_KEY": "benchmark-only-secret-key-not-used-elsewhere",
            "DEBUG": "false",
            "SERVE_MEDIA": "true",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(args.workers),
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, "manage.py"]
        for command in (
            ["migrate", "-v0"],
            ["load_demo", f"--articles={args.articles}"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run(
                manage + command,
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    fetch(base + "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            print(
                f"{args.articles} articles, {args.workers} gunicorn workers, "
                f"{args.concurrency} client threads, {args.requests} requests per page"
            )
            print(f"{'page':<70} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
            with ThreadPoolExecutor(args.concurrency) as pool:
                for page in PAGES:
                    fetch(base + page)  # warm up
                    start = time.perf_counter()
                    timings = sorted(pool.map(fetch, [base + page] * args.requests))
                    elapsed = time.perf_counter() - start
                    p95 = timings[int(len(timings) * 0.95) - 1]
                    print(
                        f"{page[:70]:<70} {args.requests / elapsed:8.0f} "
                        f"{statistics.median(timings) * 1000:8.1f} {p95 * 1000:8.1f}"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
