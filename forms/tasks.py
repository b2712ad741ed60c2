"""Background tasks of the intake app (Django's tasks API; database queue, immediate in tests).
Their paths (`forms.tasks.*`) are stored with every queued task: keep them."""

from django_tasks import task

from forms.casework.drafts import drafts_purge_expired
from forms.models import Notification
from forms.notifications import notification_deliver, notifications_retry_due
from forms.privacy import retention_apply
from forms.reminders import deadline_reminders_send


@task()
def deliver_notification(notification_id: int) -> bool:
    notification = Notification.objects.filter(pk=notification_id).first()
    return bool(notification) and notification_deliver(notification=notification)


@task()
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
