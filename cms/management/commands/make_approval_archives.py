"""Make the archival PDF of every approval that has none yet."""

from django.core.management.base import BaseCommand

from cms.governance.archive import approval_archive_create, approvals_without_archive


class Command(BaseCommand):
    help = "Make the archival PDF of every recorded approval that has none yet."

    def handle(self, **options):
        made = 0
        for approval in approvals_without_archive().select_related("policy", "term", "revision"):
            archive = approval_archive_create(approval=approval)
            made += 1
            self.stdout.write(f"{approval.policy.slug} v{approval.version}: {archive.file.name}")
        self.stdout.write(f"{made} archive(s) made.")
