"""Anonymise finished submissions older than the retention period, with a report."""

import json

from django.core.management.base import BaseCommand

from forms.casework.transitions import retention_apply


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
        self.stderr.write(
            f"{len(report['help_requests'])} help request(s) and "
            f"{len(report['volunteer_applications'])} volunteer application(s) {verb}"
        )
