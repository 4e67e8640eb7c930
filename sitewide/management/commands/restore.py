from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from sitewide import backups


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup`: its database replaces the one "
        "DATABASE_URL names, its media files go back into the media storage (MEDIA_ROOT, or "
        "the bucket with MEDIA_STORAGE=s3) unless it has them. For a drill, run it "
        "with DATABASE_URL naming a new, empty database and --no-media."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--media-root", type=Path, help="Put the media files here instead of MEDIA_ROOT."
        )
        parser.add_argument("--no-media", action="store_true", help="Leave the media alone.")
        parser.add_argument(
            "--noinput", "--no-input", dest="interactive", action="store_false",
            help="Do not ask for confirmation.",
        )  # fmt: skip

    def handle(self, *args, archive, media_root, no_media, interactive, **options):
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        database = settings.DATABASES["default"]
        if no_media:
            media, where = None, ""
        elif media_root:
            media, where = FileSystemStorage(location=media_root), str(media_root)
        else:
            media = default_storage
            bucket = settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name")
            where = f"the bucket {bucket}" if bucket else str(settings.MEDIA_ROOT)
        if interactive:
            answer = input(
                f"This replaces the database {database['NAME']} with the one in {archive}"
                + (f" and puts its media files into {where}" if media else "")
                + ". Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest = backups.restore(archive, database, media)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest['created']} into {database['NAME']}.")
