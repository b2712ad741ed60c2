"""Anonymise finished submissions older than the retention period, with a report."""

import json

from django.core.management.base import BaseCommand, CommandError

from forms.privacy import retention_apply
from portal.core.associations import association_by_host


class Command(BaseCommand):
    help = (
        "Anonymise closed, withdrawn, invalid, declined and ended submissions unchanged for "
        "SUBMISSION_RETENTION_DAYS days. Prints a JSON report."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be done; change nothing."
        )
        parser.add_argument(
            "--host", default="", help="Only this association (its host name); else every one"
        )

    def handle(self, *args, dry_run=False, host="", **options):
        site = association_by_host(host) if host else None
        if host and site is None:
            raise CommandError(f"No association has the host {host!r}.")
        report = retention_apply(dry_run=dry_run, site=site)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        verb = "would be anonymised" if dry_run else "anonymised"
        counts = ", ".join(
            f"{len(value)} {key.replace('_', ' ')}"
            for key, value in report.items()
            if isinstance(value, list)
        )
        self.stderr.write(f"{verb}: {counts}")
