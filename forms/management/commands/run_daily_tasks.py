"""Queue the inbox's daily work for the task worker: deadline reminders, escalation past the
answer date, the retention rules, a retry of messages that could not be sent and of submissions
the search index missed, and the pruning of index words no submission holds any more. Run once
a day (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from forms.tasks import (
    apply_retention,
    escalate_overdue,
    retry_notifications,
    send_deadline_reminders,
)
from search.tasks import index_pending_submissions, prune_submission_words


class Command(BaseCommand):
    help = "Queue the daily tasks: deadline reminders, escalation, retention, message retries."

    def handle(self, *args, **options):
        for task in (
            send_deadline_reminders,
            escalate_overdue,
            apply_retention,
            retry_notifications,
            index_pending_submissions,
            prune_submission_words,
        ):
            result = task.enqueue()
            self.stdout.write(f"queued {task.name} ({result.id})")
