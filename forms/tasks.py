"""Background tasks of the intake app (Django's tasks API; database queue, immediate in tests)."""

from django_tasks import task

from forms.models import Notification


@task()
def deliver_notification(notification_id: int) -> bool:
    from forms.casework.transitions import notification_deliver

    notification = Notification.objects.filter(pk=notification_id).first()
    return bool(notification) and notification_deliver(notification=notification)


@task()
def retry_notifications() -> list[int]:
    from forms.casework.transitions import notifications_retry_due

    return list(notifications_retry_due())


@task()
def send_deadline_reminders() -> int:
    from forms.casework.transitions import deadline_reminders_send

    return deadline_reminders_send()


@task()
def apply_retention() -> dict:
    from forms.casework.transitions import retention_apply

    report = retention_apply()
    return {
        "help_requests": len(report["help_requests"]),
        "volunteer_applications": len(report["volunteer_applications"]),
    }
