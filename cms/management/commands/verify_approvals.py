"""Recompute the register of approvals (every hash and link) and report any break."""

from django.core.management.base import BaseCommand, CommandError

from cms.governance.register import register_verify


class Command(BaseCommand):
    help = (
        "Recompute each approval's content hash and record hash and each association's chain; "
        "exit with an error when anything was changed, removed or inserted."
    )

    def handle(self, **options):
        report = register_verify()
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.intact:
            raise CommandError(
                f"{len(report.problems)} problem(s) in the register of approvals "
                f"({report.checked} entries checked)."
            )
        self.stdout.write(f"The register is intact: {report.checked} entries checked.")
