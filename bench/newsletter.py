"""Benchmark the newsletter's sending: N confirmed subscribers on PostgreSQL, one
article published, one `db_worker` sending over SMTP to aiosmtpd started here.

Builds a throwaway PostgreSQL database (carnet_newsletter_bench by default), adds N
confirmed subscribers, publishes an article through the same path as the admin
(blog.workflow.announce), then runs one worker until the issue is sent. It prints
the time to queue the issue, the send rate, the worker's resident memory along the
way and at its peak, and checks that every subscriber got exactly one message.

With --kill-at F it also proves that at full size: once a fraction F of the messages
is out, the worker is killed (SIGKILL), `manage.py send_newsletters` takes the stalled
issue up and a new worker finishes it, as tests/newsletter/test_worker_killed.py does
with a few thousand subscribers on SQLite.

Usage:
  .venv/bin/python bench/newsletter.py                       # 100,000 subscribers
  .venv/bin/python bench/newsletter.py --subscribers 5000 --batch-size 500
  .venv/bin/python bench/newsletter.py --subscribers 10000 --kill-at 0.25
"""

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class CountingSink:
    """An SMTP server's handler that keeps only who got how many messages."""

    def __init__(self) -> None:
        self.received: dict[str, int] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.received[address] = self.received.get(address, 0) + 1
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return sum(self.received.values())


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--database", default="carnet_newsletter_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--kill-at",
        type=float,
        metavar="FRACTION",
        help="kill the worker once this fraction of the messages is out, then sweep and "
        "start a new one",
    )
    args = parser.parse_args()

    smtp_port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.server}/{args.database}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # DEBUG off: with it on, Django keeps every query of the worker in memory.
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
        "TASK_BACKEND": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "NEWSLETTER_BATCH_SIZE": str(args.batch_size),
        "NEWSLETTER_RATE_PER_MINUTE": "0",
        # The sweep after a kill takes the issue up at once instead of after 5 minutes.
        "NEWSLETTER_STALL_SECONDS": "0",
        "REDIS_URL": "",
    }
    os.environ.update(env)

    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        connection.execute(f'CREATE DATABASE "{args.database}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from blog import workflow
    from blog.models import Article
    from newsletter.models import Issue, Subscriber
    from tests.base import make_draft

    start = time.perf_counter()
    now = timezone.now()
    for first in range(0, args.subscribers, 5000):
        Subscriber.objects.bulk_create(
            Subscriber(email=f"reader{n}@example.org", confirmed_at=now)
            for n in range(first, min(first + 5000, args.subscribers))
        )
    print(f"{args.subscribers:,} subscribers added in {time.perf_counter() - start:.1f} s")
    with psycopg.connect(f"{args.server}/{args.database}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")

    article = make_draft(title="Benchmark")
    article.status = Article.Status.PUBLISHED
    start = time.perf_counter()
    with transaction.atomic():  # as the admin's save: publish, announce, queue
        article.save()
        workflow.announce(article)
    queued = time.perf_counter() - start
    issue = Issue.objects.get(article=article)
    print(f"Issue queued for {issue.total:,} subscribers in {queued * 1000:.0f} ms")

    # aiosmtpd logs each SMTP command: a line per command would cost more than the send.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )

    worker = start_worker()
    start = time.perf_counter()
    samples = []  # (messages sent, resident KiB)
    kill_at = int(args.subscribers * args.kill_at) if args.kill_at else None
    by_the_killed = 0  # messages the killed worker had sent: not in the new one's CPU time
    try:
        if kill_at is not None:
            while sink.count() < kill_at and worker.poll() is None:
                time.sleep(0.05)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            by_the_killed = sink.count()
            if by_the_killed >= args.subscribers:
                sys.exit("Everyone had the issue before the kill: ask for a smaller --kill-at.")
            print(f"Worker killed after {by_the_killed:,} messages")
            # What the Procfile's `newsletter` line does each minute, then a new worker.
            subprocess.run(
                [sys.executable, "manage.py", "send_newsletters"], cwd=ROOT, env=env, check=True
            )
            worker = start_worker()
        while True:
            time.sleep(1)
            samples.append((sink.count(), rss_kib(worker.pid)))
            issue.refresh_from_db()
            if issue.state == Issue.State.SENT or worker.poll() is not None:
                break
        elapsed = time.perf_counter() - start
        peak = rss_kib(worker.pid, "VmHWM")
        cpu = cpu_seconds(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()

    sent = sink.count()
    print(f"Sent {sent:,} messages in {elapsed:.0f} s: {sent / elapsed:.0f} messages/s")
    # The worker's own CPU time: what a message costs it, whatever else the machine runs.
    print(
        f"Worker's CPU time: {cpu:.0f} s, "
        f"{cpu / (sent - by_the_killed) * 1000:.1f} ms per message"
        + (" (the new worker's)" if by_the_killed else "")
    )
    print("Worker's resident memory as the send went on (messages: MiB):")
    for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
        count, kib = samples[min(len(samples) - 1, int(len(samples) * fraction) - 1)]
        print(f"  {count:>8,}: {kib / 1024:.0f}")
    print(f"Worker's peak resident memory: {peak / 1024:.0f} MiB")
    twice = sum(1 for n in sink.received.values() if n > 1)
    print(
        f"Distinct recipients: {len(sink.received):,} of {args.subscribers:,}; "
        f"more than once: {twice}"
    )
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if len(sink.received) != args.subscribers or twice:
        sys.exit("Not every subscriber got exactly one message.")


if __name__ == "__main__":
    main()
