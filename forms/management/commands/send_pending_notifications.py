"""Retry messages that could not be sent yet (run it every few minutes, e.g. from cron)."""

from django.core.management.base import BaseCommand

from forms.notifications import notifications_retry_due


class Command(BaseCommand):
    help = "Send the pending receipts and messages whose next attempt is due."

    def handle(self, *args, **options):
        sent, pending = notifications_retry_due()
        self.stdout.write(f"sent {sent}, still pending {pending}")
