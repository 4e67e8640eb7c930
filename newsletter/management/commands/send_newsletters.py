from newsletter import sending
from sitewide.management.sweeps import SweepCommand


class Command(SweepCommand):
    help = (
        "Queue the daily and weekly digests that have come due (NEWSLETTER_DIGEST_HOUR, "
        "NEWSLETTER_WEEKLY_DAY), once each. Take up again every newsletter issue on which "
        "nothing has moved for "
        "NEWSLETTER_STALL_SECONDS (a worker killed mid-send, a retry's task lost): its "
        "next batch is queued, and nobody is sent it twice. Run it every minute (cron), "
        "or with --every 60 as a process of its own (the Procfile)."
    )

    def sweep(self, verbosity: int) -> None:
        digests = sending.queue_digests()
        if digests or verbosity > 1:
            self.stdout.write(f"{len(digests)} newsletter digest(s) queued.")
        count = sending.sweep()
        if count or verbosity > 1:
            self.stdout.write(f"{count} newsletter issue(s) taken up again.")
