import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from newsletter import sending


class Command(BaseCommand):
    help = (
        "Queue the daily and weekly digests that have come due (NEWSLETTER_DIGEST_HOUR, "
        "NEWSLETTER_WEEKLY_DAY), once each. Take up again every newsletter issue on which "
        "nothing has moved for "
        "NEWSLETTER_STALL_SECONDS (a worker killed mid-send, a retry's task lost): its "
        "next batch is queued, and nobody is sent it twice. Run it every minute (cron), "
        "or with --every 60 as a process of its own (the Procfile)."
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
            digests = sending.queue_digests()
            if digests or verbosity > 1:
                self.stdout.write(f"{len(digests)} newsletter digest(s) queued.")
            count = sending.sweep()
            if count or verbosity > 1:
                self.stdout.write(f"{count} newsletter issue(s) taken up again.")
            if every <= 0:
                return
            # A connection left open between sweeps would outlive a database restart.
            connections.close_all()
            try:
                time.sleep(every)
            except KeyboardInterrupt:
                return
