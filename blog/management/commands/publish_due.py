from blog import workflow
from sitewide.management.sweeps import SweepCommand


class Command(SweepCommand):
    help = (
        "Take live the scheduled articles whose time has passed: the kept pages are "
        "dropped and each author is told, as a publish click does. Each schedule also "
        "queues a task for its time; this sweep catches whatever that task missed. Run it "
        "every minute (cron), or with --every 60 as a process of its own (the Procfile)."
    )

    def sweep(self, verbosity: int) -> None:
        count = workflow.sweep()
        if count or verbosity > 1:
            self.stdout.write(f"{count} scheduled article(s) went live.")
