"""Email each assignee the requests that are overdue or due within two days."""

from django.core.management.base import BaseCommand

from forms.reminders import deadline_reminders_send


class Command(BaseCommand):
    help = "Remind assignees of requests that are overdue or due within two days."

    def handle(self, *args, **options):
        count = deadline_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{count} reminder(s) queued"))
