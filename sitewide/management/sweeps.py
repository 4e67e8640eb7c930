import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections


class SweepCommand(BaseCommand):
    """A command that does its sweep once (cron), or again every --every seconds as a
    process of its own (the Procfile) until stopped. Subclasses define sweep()."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Sweep again every SECONDS, until stopped (Ctrl-C or SIGTERM).",
        )

    def sweep(self, verbosity: int) -> None:
        raise NotImplementedError

    def handle(self, *args, every: int, verbosity: int, **options) -> None:
        while True:
            self.sweep(verbosity)
            if every <= 0:
                return
            # A connection left open between sweeps would outlive a database restart.
            connections.close_all()
            try:
                time.sleep(every)
            except KeyboardInterrupt:
                return
