"""Anonymise finished submissions older than the retention period, with a report."""

import json

from django.core.management.base import BaseCommand

from forms.privacy import retention_apply


class Command(BaseCommand):
    help = (
        "Anonymise closed, withdrawn, invalid, declined and ended submissions unchanged for "
        "SUBMISSION_RETENTION_DAYS days. Prints a JSON report."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be done; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        report = retention_apply(dry_run=dry_run)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        verb = "would be anonymised" if dry_run else "anonymised"
        counts = ", ".join(
            f"{len(value)} {key.replace('_', ' ')}"
            for key, value in report.items()
            if isinstance(value, list)
        )
        self.stderr.write(f"{verb}: {counts}")
