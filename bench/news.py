"""A news site's load through Carnet's cache: Zipf-popular reads while comments are
approved every second and an article is published every minute (make bench-news).

Builds a throwaway PostgreSQL database (the demo and N generated articles; --scale:
100,000 and 1,000,000 comments), starts gunicorn with Carnet's page cache in Redis,
then for each way of forgetting runs the readers alone and the readers beside the
writer in turn, --rounds times (3; the medians are printed: the machine's speed drifts
from one run to the next by as much as what the writer costs):

  tags        this Carnet: a change forgets the pages that show what it touched
  generation  the baseline, Carnet before tags: every change forgets every page,
              and pages are kept PAGE_MAX_AGE (60 s) at most
  varnish     tags, read through Varnish with config/varnish.vcl, purged by tag
              (PURGE_URL; needs Debian's varnish and varnish-modules)

Readers: --connections threads with keep-alive connections, each following a Zipf
popularity (s = 1.1) over the newest --popular articles, the front page and the
category pages. The writer approves a comment on a Zipf-chosen article every second
and publishes an article every minute of writing. A read counts as answered without a render
when its Cache-Status says a cache hit (Carnet's or Varnish's), stale ones included;
a page rendered again after a stale read counts among the renders, and one whose comment
counts Carnet's cache filled in again (detail=refilled) among the refills. It prints
req/s, the hit ratio, renders and refills per minute, p50/p99 and the cores each part
kept busy (the origin's gunicorn, PostgreSQL, Redis, Varnish, the writer, the client),
so that what the writer costs Carnet can be told apart from what it costs the machine,
and an approval's CPU in all; figures mean something on a quiet machine only, and it
asserts nothing. Readers are wrk (bench/news.lua) where it is installed, else Python
threads (--client python: their own cost is in the latencies).

  .venv/bin/python bench/news.py [--articles 10000] [--duration 20] [--rounds 3] [--connections 16]
"""

import argparse
import datetime
import http.client
import itertools
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

import cache
from cache import ROOT, build_database, manage, psql, start_gunicorn, stop, wait_for

ZIPF_S = 1.1
MODES = ["tags", "generation", "varnish"]


def zipf_weights(count: int) -> list[float]:
    return [1 / rank**ZIPF_S for rank in range(1, count + 1)]


def reading_list(env: dict, popular: int) -> list[str]:
    """The front page, the category pages and the newest articles (each in its own
    edition, as links lead to it), most popular first, as sent on the wire."""
    script = (
        "from blog.models import Article, Category\n"
        "print('/')\n"
        "for c in Category.objects.in_use(): print(c.get_absolute_url())\n"
        f"for a in Article.objects.published()[:{popular}]: print(a.language_path())\n"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    # Only the addresses: the shell may say what it imported first.
    return [urllib.parse.quote(line) for line in done.stdout.split("\n") if line.startswith("/")]


class Readers:
    """Threads reading the Zipf mix until stopped, each on its own keep-alive connection."""

    def __init__(self, port: int, paths: list[str], connections: int) -> None:
        self.port, self.paths, self.connections = port, paths, connections
        self.weights = zipf_weights(len(paths))
        self.latencies: list[float] = []
        self.hits = self.stale = self.renders = self.refills = self.errors = 0
        self.lock = threading.Lock()
        self.running = True

    def read(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        chooser = random.Random()
        while self.running:
            path = chooser.choices(self.paths, self.weights)[0]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                with self.lock:
                    self.errors += 1
                continue
            elapsed = time.perf_counter() - started
            status = response.headers.get("Cache-Status", "")
            last = status.split(",")[-1]  # the cache nearest the reader
            with self.lock:
                self.latencies.append(elapsed)
                self.hits += "hit" in last
                self.stale += "detail=stale" in last
                # Rendered for this read, or after it (its stale copy is rendered again).
                rendered = "Carnet; fwd=" in status or "stale-revalidating" in status
                self.renders += rendered and "Varnish; hit" not in status
                # Its counts filled in again in Carnet's copy: no render.
                self.refills += "detail=refilled" in status and "Varnish; hit" not in status

    def run(self, seconds: float) -> dict:
        threads = [threading.Thread(target=self.read) for _ in range(self.connections)]
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        self.running = False
        for thread in threads:
            thread.join()
        reads = len(self.latencies)
        ordered = sorted(self.latencies)
        return {
            "req/s": reads / seconds,
            "hit ratio": self.hits / reads if reads else 0,
            "stale": self.stale / reads if reads else 0,
            "renders/min": self.renders * 60 / seconds,
            "refills/min": self.refills * 60 / seconds,
            "p50 ms": statistics.median(ordered) * 1000 if reads else 0,
            "p99 ms": ordered[int(reads * 0.99)] * 1000 if reads else 0,
            "errors": self.errors,
        }


class WrkReaders:
    """The same readers as wrk connections (bench/news.lua): the client's own cost is far
    smaller than Python's, so the figures say more about the server."""

    def __init__(self, port: int, paths: list[str], connections: int, work: Path) -> None:
        self.port, self.connections = port, connections
        self.paths_file = work / "paths.txt"
        self.paths_file.write_text("\n".join(paths) + "\n")

    def run(self, seconds: float) -> dict:
        threads = min(2, self.connections)
        done = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{self.connections}", f"-d{seconds}s", "--timeout", "30s"]
            + ["-s", str(Path(__file__).with_name("news.lua")), f"http://127.0.0.1:{self.port}"],
            env={**os.environ, "NEWS_PATHS": str(self.paths_file)},
            check=True,
            capture_output=True,
            text=True,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("NEWS ")]
        if not lines:
            raise RuntimeError(f"wrk printed no figures:\n{done.stdout}{done.stderr}")
        line = lines[0]
        reads, hits, stale, renders, refills, errors, p50, p99 = (
            float(x) for x in line.split()[1:]
        )
        return {
            "req/s": reads / seconds,
            "hit ratio": hits / reads if reads else 0,
            "stale": stale / reads if reads else 0,
            "renders/min": renders * 60 / seconds,
            "refills/min": refills * 60 / seconds,
            "p50 ms": p50,
            "p99 ms": p99,
            "errors": int(errors),
        }


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children, live or reaped (from /proc): what a
    gunicorn master and its workers, or varnishd and its child, have spent so far."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(stat_pid: str) -> list[str]:
        text = Path(f"/proc/{stat_pid}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()  # after "pid (comm) "

    try:
        own = fields(str(pid))
    except FileNotFoundError:
        return 0.0
    # state ppid … utime(11) stime(12) cutime(13) cstime(14), counted from state = 0
    total = sum(int(own[i]) for i in (11, 12, 13, 14))
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                child = fields(entry.name)
            except (FileNotFoundError, ProcessLookupError):
                continue
            if child[1] == str(pid):
                total += int(child[11]) + int(child[12])
    return total / ticks


class CpuMeter:
    """Cores kept busy by each named process tree (and this process: the readers) over a run."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.start = {name: cpu_seconds(pid) for name, pid in pids.items()}
        self.client = self.client_seconds()
        self.wall = time.monotonic()

    def add(self, name: str, pid: int) -> None:
        self.pids[name] = pid
        self.start[name] = cpu_seconds(pid)

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.wall
        busy = {
            f"{name} cores": (cpu_seconds(pid) - self.start[name]) / wall
            for name, pid in self.pids.items()
        }
        busy["client cores"] = (self.client_seconds() - self.client) / wall
        return busy

    @staticmethod
    def client_seconds() -> float:
        """The Python readers' threads, or wrk once it has exited."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime


def service_pids(redis_url: str) -> dict[str, int]:
    """PostgreSQL's postmaster (its backends are its children) and Redis's server, when
    their processes can be read here (the same machine): the CPU an approval costs
    there too, the writer's queries and the renders' alike. On a machine shared with
    other work they count that work as well."""

    def local(pid: object, name: str) -> int | None:
        """The pid if this machine runs that server under it (not a remote server's pid
        that happens to name a process here)."""
        try:
            return int(pid) if name in Path(f"/proc/{pid}/comm").read_text() else None
        except (OSError, ValueError):
            return None

    pids = {}
    # The checkpointer lives as long as the server; its parent is the postmaster.
    checkpointer = local(
        psql("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'"), "postgres"
    )
    if checkpointer:
        stat = Path(f"/proc/{checkpointer}/stat").read_text()
        pids["database"] = int(stat[stat.rindex(")") + 2 :].split()[1])
    info = subprocess.run(
        ["redis-cli", "-u", redis_url, "info", "server"], capture_output=True, text=True
    ).stdout
    found = re.search(r"^process_id:(\d+)", info, re.MULTILINE)
    if found and (redis := local(found[1], "redis")):
        pids["redis"] = redis
    return pids


def warm(port: int, paths: list[str], connections: int) -> None:
    """Every page of the mix read once, so that each run starts from a warm cache."""
    queue = list(paths)

    def crawl() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while queue:
            connection.request("GET", queue.pop(), headers={"Accept-Encoding": "gzip"})
            connection.getresponse().read()

    threads = [threading.Thread(target=crawl) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def writer(everything: bool, written: int) -> None:
    """Approve a comment every second, publish an article every minute, until killed
    (run in its own process: python bench/news.py --writer). `written`: the seconds the
    writers of the runs before wrote, counted on, so that runs shorter than a minute
    publish once a minute of writing too (with 3 rounds of 20 s: once, in the second)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from accounts.models import User
    from blog.models import Article
    from comments.models import Comment
    from sitewide.pagecache import pages_changed

    moderator = User.objects.filter(is_superuser=True).first()
    author = Article.objects.published().first().author
    articles = list(Article.objects.published().values_list("pk", flat=True)[:2000])
    weights = zipf_weights(len(articles))
    published = 0
    # Started: the run measures from here, not Django's start-up (about 0.9 s of CPU,
    # which an admin's server has paid long before a moderator clicks).
    print("ready", flush=True)
    for second in itertools.count(written):
        started = time.monotonic()
        pk = random.choices(articles, weights)[0]
        comment = Comment.objects.create(
            article_id=pk, name="Lectrice", email="lectrice@example.org", body="Bien vu."
        )
        Comment.objects.filter(pk=comment.pk).approve(by=moderator)
        if second % 60 == 30:
            published += 1
            Article.objects.create(
                title=f"Dépêche {published} {time.time_ns()}",
                body="<p>Du nouveau.</p>",
                author=author,
                status=Article.Status.PUBLISHED,
                published_at=datetime.datetime.now(datetime.UTC),
            )
        if everything:
            pages_changed()  # the generation: every change forgets every page
        time.sleep(max(0.0, 1 - (time.monotonic() - started)))


def start_writer(stack: ExitStack, env: dict, everything: bool, written: int) -> subprocess.Popen:
    """The writer's process, once Django has started in it: its start-up is not what an
    approval costs, and it would take a second of CPU from the readers' run."""
    writing = subprocess.Popen(
        [sys.executable, __file__, "--writer", f"--written={written}"]
        + (["--everything"] if everything else []),
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
        text=True,
    )
    stack.callback(stop, writing)
    if writing.stdout.readline().strip() != "ready":
        raise RuntimeError("the writer did not start")
    return writing


def start_varnish(stack: ExitStack, work: Path, port: int, backend_port: int) -> subprocess.Popen:
    vcl = work / "carnet.vcl"
    vcl.write_text(
        (ROOT / "config" / "varnish.vcl")
        .read_text()
        .replace('.port = "8000";', f'.port = "{backend_port}";')
    )
    varnish = subprocess.Popen(
        ["varnishd", "-F", "-n", str(work / "varnish"), "-f", str(vcl)]
        + ["-a", f"127.0.0.1:{port}", "-s", "malloc,256m"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stack.callback(stop, varnish)
    wait_for(f"http://127.0.0.1:{port}/healthz")
    return varnish


def varnish_fetches(work: Path) -> int:
    """The requests Varnish has sent Carnet so far: through Varnish, a reader is served
    in grace while Varnish asks Carnet for the page, so the readers see no render."""
    done = subprocess.run(
        ["varnishstat", "-n", str(work / "varnish"), "-1", "-f", "MAIN.backend_req"],
        capture_output=True,
        text=True,
    )
    found = re.search(r"MAIN\.backend_req\s+(\d+)", done.stdout)
    return int(found[1]) if found else 0


def measure(env: dict, mode: str, args, work: Path, paths: list[str]) -> list[tuple]:
    rows = []
    with ExitStack() as stack:
        base, server = start_gunicorn(stack, env, work / f"gunicorn-{mode}.log")
        port = int(base.rsplit(":", 1)[1])
        servers = {"origin": server.pid, **service_pids(args.redis_url)}
        if mode == "varnish":
            varnish_port = int(env["PURGE_URL"].rsplit(":", 1)[1].strip("/"))
            servers["varnish"] = start_varnish(stack, work, varnish_port, port).pid
            port = varnish_port
        subprocess.run(
            ["redis-cli", "-u", args.redis_url, "flushdb"], check=True, stdout=subprocess.DEVNULL
        )
        warm(port, paths, args.connections)

        def readers():
            if args.client == "wrk":
                return WrkReaders(port, paths, args.connections, work)
            return Readers(port, paths, args.connections)

        # Reads alone and beside the writer in turn, --rounds times: the machine's speed
        # drifts from minute to minute, and a cost read off one run of each moved by as
        # much as the cost itself.
        runs: dict[str, list[dict]] = {"reads only": [], "reads + writer": []}
        for round_number in range(1, args.rounds + 1):
            for load, figures_so_far in runs.items():
                if args.warmup > 0:  # wrk refuses a run of 0 s
                    readers().run(args.warmup)
                writing = None
                if load != "reads only":
                    written = (round_number - 1) * args.duration
                    writing = start_writer(stack, env, mode == "generation", written)
                meter = CpuMeter(dict(servers))
                if writing is not None:
                    meter.add("writer", writing.pid)
                fetches = varnish_fetches(work) if mode == "varnish" else 0
                figures = readers().run(args.duration)
                figures.update(meter.stop())
                if mode == "varnish":
                    # Carnet's answers to Varnish (its renders, or its own cache's copies).
                    fetched = varnish_fetches(work) - fetches
                    figures["renders/min"] = fetched * 60 / args.duration
                if writing is not None:
                    stop(writing)
                figures_so_far.append(figures)
                print(f"  {mode}, {load}, round {round_number}: {figures}", flush=True)
        rows += [(mode, load, median_figures(figures)) for load, figures in runs.items()]
    return rows


def median_figures(runs: list[dict]) -> dict:
    """Each figure's median over the runs (the errors: their sum)."""
    return {
        key: sum(run[key] for run in runs)
        if key == "errors"
        else statistics.median(run[key] for run in runs)
        for key in runs[0]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=49)
    parser.add_argument(
        "--scale", action="store_true", help="100,000 articles, 1,000,000 comments"
    )
    parser.add_argument("--popular", type=int, default=2000, help="the newest articles read")
    parser.add_argument("--duration", type=int, default=20, help="seconds per run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds read before each run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each load, in turn; medians printed"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--client",
        choices=["python", "wrk"],
        default="wrk" if shutil.which("wrk") else "python",
        help="who reads: wrk (bench/news.lua; the default where installed) or Python threads",
    )
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--database", default=None, help="carnet_bench_news, or _scale")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database, keep it after")
    parser.add_argument(
        "--port-base", type=int, default=0, help="listen from this port up (default: any free)"
    )
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--everything", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--written", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Stopped, it still stops what it started (the ExitStacks unwind).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.writer:
        writer(args.everything, args.written)
        return
    if args.port_base:
        ports = itertools.count(args.port_base)
        cache.free_port = lambda: next(ports)
    if args.scale:
        args.articles, args.comments = 100_000, 1_000_000
    args.database = args.database or (
        "carnet_bench_news_scale" if args.scale else "carnet_bench_news"
    )
    modes = args.modes.split(",")
    if "varnish" in modes and not shutil.which("varnishd"):
        print("varnishd is missing (apt-get install varnish varnish-modules): no varnish run")
        modes.remove("varnish")

    env = {
        **cache.server_env(args),
        # The writer's tasks (the purges) run in its process, after each commit.
        "TASK_BACKEND": "immediate",
        "PAGE_KEEP_SECONDS": "86400",
    }
    rows = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carnet-news-")))
        os.chmod(work, 0o755)
        build_database(args, env)
        if not args.keep_db:
            stack.callback(psql, f'DROP DATABASE IF EXISTS "{args.database}"')
        manage(env, "collectstatic", "--noinput", "-v0")
        paths = reading_list(env, args.popular)
        print(
            f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.2f}; {args.articles} articles, "
            f"{len(paths)} pages in the mix, {args.workers} gunicorn workers, "
            f"{args.connections} connections, {args.duration} s a run",
            flush=True,
        )
        for mode in modes:
            mode_env = dict(env)
            if mode == "generation":
                mode_env["PAGE_KEEP_SECONDS"] = "60"
            if mode == "varnish":
                # Where the writer sends its purges (the readers only read).
                mode_env["PURGE_URL"] = f"http://127.0.0.1:{cache.free_port()}/"
            rows += measure(mode_env, mode, args, work, paths)
    report(rows)


# The processes whose CPU each run reads; the client last (not the server's cost).
PARTS = (
    "origin cores",
    "database cores",
    "redis cores",
    "varnish cores",
    "writer cores",
    "client cores",
)


def report(rows: list[tuple]) -> None:
    print()
    print(
        "| cache | load | req/s | without a render | of which stale "
        "| renders/min | refills/min | p50 ms | p99 ms | cores: origin | database | redis "
        "| varnish | writer | client |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mode, load, f in rows:
        cores = " | ".join(f"{f[part]:.2f}" if part in f else "–" for part in PARTS)
        print(
            f"| {mode} | {load} | {f['req/s']:.0f} | {f['hit ratio']:.1%} | {f['stale']:.1%} "
            f"| {f['renders/min']:.0f} | {f.get('refills/min', 0):.0f} | {f['p50 ms']:.1f} "
            f"| {f['p99 ms']:.1f} | {cores} |"
        )
    by = {(mode, load): f for mode, load, f in rows}
    for mode in dict.fromkeys(mode for mode, _load, _f in rows):
        alone, written = by.get((mode, "reads only")), by.get((mode, "reads + writer"))
        if not (alone and written):
            continue
        if not alone["req/s"] or not written["req/s"]:
            # A run that answered nothing (the server down, every read an error): nothing
            # to divide by, and nothing an approval could be said to cost.
            empty = "reads only" if not alone["req/s"] else "reads + writer"
            print(
                f"{mode}: the {empty} run answered no read ({alone['errors']} and "
                f"{written['errors']} errors): no cost to compare"
            )
            continue
        cost = 1 - written["req/s"] / alone["req/s"]
        # The origin's CPU per read, with and without the writer: what the approvals
        # (the renders and purges they cause) cost Carnet itself, whatever the client
        # and the writer take from the same cores.
        per_read = {
            label: f["origin cores"] / f["req/s"] * 1e6
            for label, f in (("alone", alone), ("written", written))
        }
        # What the approvals cost in all: the CPU every part spent with the writer, less
        # what the same reads cost without it (one approval a second: ms an approval).
        busy = {
            label: sum(f.get(part, 0) for part in PARTS[:-1])
            for label, f in (("alone", alone), ("written", written))
        }
        reads = written["req/s"] / alone["req/s"]
        approval_ms = (busy["written"] - busy["alone"] * reads) * 1000
        print(
            f"{mode}: one approval a second costs {cost:.0%} of the reads-only throughput; "
            f"the origin spends {per_read['alone']:.0f} µs of CPU a read alone, "
            f"{per_read['written']:.0f} µs with the writer, which itself keeps "
            f"{written.get('writer cores', 0):.2f} of {os.cpu_count()} cores busy; "
            f"an approval costs about {approval_ms:.0f} ms of CPU in all (origin, "
            "database, Redis, Varnish, writer: the same reads' CPU without it deducted)"
        )


if __name__ == "__main__":
    main()
