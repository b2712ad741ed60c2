"""Remove an association: its data is exported to a zip of JSON files first, then deleted."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.models import Site

from portal.onboarding import association_export, association_remove


class Command(BaseCommand):
    help = (
        "Export an association's data to a zip of JSON files, then delete the association "
        "(with --export-only, only export)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", required=True, help="The association's host name.")
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--output", type=Path, required=True, help="Where the zip is written.")
        parser.add_argument("--export-only", action="store_true")

    def handle(self, *args, host, port, output, export_only, **options):
        sites = Site.objects.filter(hostname=host.strip().lower())
        if port is not None:
            sites = sites.filter(port=port)
        if sites.count() != 1:
            raise CommandError(f"No single association is served at {host}.")
        site = sites.get()
        if output.exists():
            raise CommandError(f"{output} exists; choose another file.")
        if export_only:
            output.write_bytes(association_export(site))
            self.stdout.write(self.style.SUCCESS(f"Exported to {output}."))
            return
        try:
            # The export is written before the deletion commits: when writing fails, nothing
            # is deleted.
            with transaction.atomic():
                data = association_remove(site)
                output.write_bytes(data)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Exported to {output}, then removed."))
