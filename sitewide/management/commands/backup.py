from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sitewide import backups


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump, after DATABASE_URL) and "
        "the uploads (MEDIA_ROOT, or the bucket with MEDIA_STORAGE=s3) into one timestamped "
        "archive, while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.VAR_DIR / "backups",
            help="Folder of the archive (default: var/backups).",
        )

    def handle(self, *args, output: Path, **options):
        try:
            archive = backups.backup(output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
