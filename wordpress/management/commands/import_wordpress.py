import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitewide.management import statistics
from wordpress.importer import Summary, WordPressImport
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export → All content, WXR 1.0 to 1.2): "
        "authors, categories, tags, posts, comments and the old addresses, in one "
        "transaction. Running it again skips what is already imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export", type=Path, help="The WXR file WordPress exported.")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of the site's wp-content/uploads: images found there are imported.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read everything and say what would be imported, without keeping any of it.",
        )

    def handle(self, *args, export: Path, media_dir: Path | None, dry_run: bool, **options):
        if not export.is_file():
            raise CommandError(f"{export}: no such file.")
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"{media_dir}: no such folder.")
        self._shown = 0.0
        self._verbose = options["verbosity"] > 0
        importer = WordPressImport(media_dir=media_dir, dry_run=dry_run, progress=self._progress)
        started = time.monotonic()
        try:
            with export.open("rb") as source:
                summary = importer.run(source, export.stat().st_size)
        except WXRError as error:
            self._end_progress()
            raise CommandError(f"{export}, {error}. Nothing was imported.") from None
        except Exception as error:
            # Whatever it is, the editor gets a sentence; --traceback shows the rest.
            self._end_progress()
            raise CommandError(
                f"{export}: the import stopped on an unexpected error "
                f"({type(error).__name__}: {error}). Nothing was imported. Please report it, "
                "with the output of the same command run with --traceback."
            ) from error
        self._end_progress()
        if not dry_run:
            statistics.analyze()
        self._report(summary, dry_run, time.monotonic() - started)

    def _progress(self, done: int, total: int, items: int) -> None:
        now = time.monotonic()
        if not self._verbose or (now - self._shown < 0.2 and done < total):
            return
        self._shown = now
        width = 30
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        self.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% of the export read, "
            f"{items} items",
            ending="",
        )
        self.stderr.flush()

    def _end_progress(self) -> None:
        if self._verbose and self._shown:
            self.stderr.write("")

    def _report(self, summary: Summary, dry_run: bool, seconds: float) -> None:
        heading = "Would import" if dry_run else "Imported"
        imported = ", ".join(_counted(n, what) for what, n in summary.imported.items())
        imported = imported or "nothing"
        self.stdout.write(f"{heading}: {imported} (in {seconds:.1f} s).")
        if summary.already:
            already = ", ".join(_counted(n, what) for what, n in summary.already.items())
            self.stdout.write(f"Already imported before, left as they are: {already}.")
        if summary.skipped:
            self.stdout.write("Skipped:")
            for (what, why), n in sorted(summary.skipped.items()):
                self.stdout.write(f"  {_counted(n, what)}: {why}")
        if summary.unmatched:
            self.stdout.write("Not imported, as they do not match what was imported before:")
            for line in summary.unmatched[:50]:
                self.stdout.write(f"  {line}")
            if len(summary.unmatched) > 50:
                self.stdout.write(f"  and {len(summary.unmatched) - 50} more.")
        if summary.missing_images:
            self.stdout.write(
                f"{_counted(len(summary.missing_images), 'images')} not found under "
                "--media-dir, left out of the articles (never loaded from the old site):"
            )
            missing = sorted(set(summary.missing_images))
            for url in missing[:20]:
                self.stdout.write(f"  {url}")
            if len(missing) > 20:
                self.stdout.write(f"  and {len(missing) - 20} more.")
        for note in summary.notes:
            self.stdout.write(note)
        if dry_run:
            self.stdout.write("Dry run: nothing was kept.")


def _counted(n: int, what: str) -> str:
    """ "1 post", "2 posts": the summary names what it counts in the plural."""
    if n != 1:
        return f"{n} {what}"
    first, _, rest = what.partition(" ")
    one = first[:-3] + "y" if first.endswith("ies") else first.removesuffix("s")
    return f"1 {' '.join(filter(None, [one, rest]))}"
