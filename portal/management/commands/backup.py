"""Back up the database and the media files (private and public) into one folder."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.backup import backup_create


class Command(BaseCommand):
    help = (
        "Write a backup folder: the database dump (pg_dump, or a copy of SQLite), the media "
        "files and a manifest of row counts and checksums. Prove it with restore_check."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Folder to create (default: var/backups/<date-time>)", default=None
        )

    def handle(self, *args, output=None, **options):
        from django.conf import settings

        folder = Path(output or settings.VAR_DIR / "backups" / f"{timezone.now():%Y%m%dT%H%M%S}")
        manifest = backup_create(output=folder)
        rows = sum(manifest["tables"].values())
        files = sum(len(found) for found in manifest["media"].values())
        self.stdout.write(
            self.style.SUCCESS(f"backup written to {folder}: {rows} rows, {files} media files")
        )
