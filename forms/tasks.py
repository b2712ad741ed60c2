"""Background tasks of the intake app (Django's tasks API; database queue, immediate in tests)."""

from django_tasks import task

from forms.models import Notification


@task()
def deliver_notification(notification_id: int) -> bool:
    from forms.services import notification_deliver

    notification = Notification.objects.filter(pk=notification_id).first()
    return bool(notification) and notification_deliver(notification=notification)


@task()
def retry_notifications() -> list[int]:
    from forms.services import notifications_retry_due

    return list(notifications_retry_due())
