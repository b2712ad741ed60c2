"""Background tasks of the intake app (Django's tasks API; database queue, immediate in tests).
Their paths (`forms.tasks.*`) are stored with every queued task: keep them."""

from django_tasks import task

from forms.casework.drafts import drafts_purge_expired
from forms.casework.escalation import overdue_escalate
from forms.models import Notification
from forms.notifications import notification_deliver, notifications_retry_due
from forms.privacy import retention_apply
from forms.reminders import deadline_reminders_send


@task()
def deliver_notification(notification_id: int) -> bool:
    notification = Notification.objects.filter(pk=notification_id).first()
    return bool(notification) and notification_deliver(notification=notification)


# Ahead of the queue: the sweep sends every due message in one run, so receipts and retries
# never wait behind a backlog of other tasks (the per-message tasks it overtakes find their
# message sent and do nothing).
@task(priority=10)
def retry_notifications() -> list[int]:
    return list(notifications_retry_due())


@task()
def send_deadline_reminders() -> int:
    return deadline_reminders_send()


@task()
def apply_retention() -> dict:
    """The retention rules; returns how many submissions of each kind were anonymised, and how
    many expired form drafts were deleted."""
    report = retention_apply()
    counts = {key: len(value) for key, value in report.items() if isinstance(value, list)}
    return {**counts, "drafts": drafts_purge_expired()}


@task()
def escalate_overdue() -> dict:
    """Submissions past their answer date, of the kinds that escalate (complaints to the
    board); returns how many of each kind were escalated."""
    return {slug: len(references) for slug, references in overdue_escalate().items()}
