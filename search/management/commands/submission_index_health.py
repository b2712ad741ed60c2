"""Report the submission search backend, documents indexed against the database, and the lag."""

import json

from django.core.management.base import BaseCommand

from search.index.service import health


class Command(BaseCommand):
    help = "Health of the submission search index (JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fail-on-lag",
            type=int,
            metavar="SECONDS",
            help="Exit with status 1 when the index lags more than this (for monitoring).",
        )

    def handle(self, *args, fail_on_lag=None, **options):
        report = health()
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if fail_on_lag is not None and report["lag_seconds"] > fail_on_lag:
            raise SystemExit(1)
