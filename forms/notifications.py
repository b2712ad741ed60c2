"""The outbox: messages to applicants and staff are stored first and sent by the task worker
after the commit; a failing mail or SMS service leaves them pending with the next attempt
scheduled, so nothing is lost."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from forms import sms
from forms.models import Notification

logger = logging.getLogger(__name__)
RETRY_DELAYS = [60, 300, 1800, 7200, 21600]  # seconds after each failed attempt


def sms_to(submission, body: str) -> Notification:
    """An SMS to the applicant of a submission, not yet saved."""
    return Notification(
        channel="sms", recipient=submission.mobile, body=body, case_file=submission.case_file
    )


def notifications_send_after_commit(notifications: Iterable[Notification]) -> list[Notification]:
    """Store the messages now (in the caller's transaction) and send them after its commit."""
    stored = Notification.objects.bulk_create(list(notifications))
    ids = [notification.pk for notification in stored]
    if ids:
        transaction.on_commit(lambda: [_deliver_later(pk) for pk in ids])
    return stored


def _deliver_later(notification_id: int) -> None:
    # forms.tasks imports this module to run notification_deliver: the task is imported on
    # use to break that cycle (its path, forms.tasks.*, is stored by the queue).
    from forms.tasks import deliver_notification

    deliver_notification.enqueue(notification_id)


def notification_deliver(*, notification: Notification) -> bool:
    """Try to send one message; on failure keep it pending with the next attempt scheduled."""
    if notification.status != Notification.Status.PENDING:
        return notification.status == Notification.Status.SENT
    notification.attempts += 1
    try:
        if notification.channel == "sms":
            sms.get_backend().send(to=notification.recipient, message=notification.body)
        else:
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient],
            )
    except Exception as error:  # noqa: BLE001 - any failure of the outside service is retried
        delay = RETRY_DELAYS[min(notification.attempts - 1, len(RETRY_DELAYS) - 1)]
        notification.status = (
            Notification.Status.FAILED
            if notification.attempts > len(RETRY_DELAYS)
            else Notification.Status.PENDING
        )
        notification.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
        notification.last_error = f"{type(error).__name__}: {error}"[:300]
        notification.save(update_fields=["attempts", "status", "next_attempt_at", "last_error"])
        logger.warning(
            "notification %s failed (attempt %s): %s",
            notification.pk,
            notification.attempts,
            type(error).__name__,
        )
        return False
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return True


def notifications_retry_due(*, now=None) -> tuple[int, int]:
    """Send every pending message whose next attempt is due. Returns (sent, still pending)."""
    now = now or timezone.now()
    sent = pending = 0
    for notification in Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__lte=now
    ):
        if notification_deliver(notification=notification):
            sent += 1
        else:
            pending += 1
    return sent, pending
