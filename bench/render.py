"""Render one public page N times in process, for profiles that a loaded machine
cannot spoil (instruction counts) and for counting what one render does.

Runs against the database of DATABASE_URL (`manage.py load_demo --articles=1000
--comments=49` gives the demo article its 50 comments), with the page cache off:
every request renders its page, with FRAGMENT_CACHE as set. It warms up (the
template cache, the kept fragments), then renders the page N times inside one
call of `functools.reduce`, so that callgrind counts only those renders:

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        .venv/bin/python bench/render.py /articles/… -n 20

(instructions per render: the total over N). `--profile` prints cProfile's top
functions instead. It measures; it asserts nothing (docs/benchmarks.md).
"""

import argparse
import cProfile
import functools
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-used-elsewhere")
os.environ["DEBUG"] = "false"
os.environ["PAGE_CACHE"] = "off"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="e.g. / or /articles/<slug>/")
    parser.add_argument("-n", type=int, default=20, help="renders measured")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 40")
    args = parser.parse_args()

    client = Client(HTTP_HOST="127.0.0.1")

    def render(_=None, __=None) -> bytes:
        response = client.get(args.path)
        if response.status_code != 200 or response.cookies:
            raise RuntimeError(f"{args.path} answered {response.status_code} {response.cookies}")
        return response.content

    first = render()
    render()  # the fragments the first one kept are read from here on
    with CaptureQueriesContext(connection) as queries:
        last = render()
    print(
        f"{args.path}: {len(last)} bytes, {len(queries)} queries, "
        f"fragments {os.environ.get('FRAGMENT_CACHE', 'on')}, "
        f"{'same' if first == last else 'DIFFERENT'} bytes as the first render"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(functools.reduce, render, range(args.n), None)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    else:
        functools.reduce(render, range(args.n), None)


if __name__ == "__main__":
    main()
