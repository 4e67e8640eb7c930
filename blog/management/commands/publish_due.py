import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from blog import workflow


class Command(BaseCommand):
    help = (
        "Take live the scheduled articles whose time has passed: the kept pages are "
        "dropped and each author is told, as a publish click does. Each schedule also "
        "queues a task for its time; this sweep catches whatever that task missed. Run it "
        "every minute (cron), or with --every 60 as a process of its own (the Procfile)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Sweep again every SECONDS, until stopped (Ctrl-C or SIGTERM).",
        )

    def handle(self, *args, every: int, verbosity: int, **options) -> None:
        while True:
            count = workflow.sweep()
            if count or verbosity > 1:
                self.stdout.write(f"{count} scheduled article(s) went live.")
            if every <= 0:
                return
            # A connection left open between sweeps would outlive a database restart.
            connections.close_all()
            try:
                time.sleep(every)
            except KeyboardInterrupt:
                return
