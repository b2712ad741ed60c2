"""Django's flush, which also empties the board's records (their triggers refuse anything else).

Emptying the whole database is the one maintenance operation allowed to remove approvals; the
test suite does it between transactional tests.
"""

from django.core.management.commands.flush import Command as FlushCommand

from cms.governance.records import records_unlocked


class Command(FlushCommand):
    def handle(self, **options):
        with records_unlocked(using=options["database"]):
            return super().handle(**options)
