"""Prove a backup restores: into a scratch database and folder, compared with its manifest."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import RestoreMismatch, restore_check


class Command(BaseCommand):
    help = (
        "Restore a backup folder into a scratch database (dropped afterwards) and a scratch "
        "folder, and check every table's row count and every media file's checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="A folder written by `manage.py backup`")

    def handle(self, *args, backup, **options):
        try:
            report = restore_check(source=Path(backup))
        except RestoreMismatch as error:
            raise CommandError(f"the backup does not restore as written: {error}") from None
        self.stdout.write(json.dumps(report))
        self.stdout.write(self.style.SUCCESS("the backup restores: counts and checksums match"))
