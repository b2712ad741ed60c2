"""The outbox: messages to applicants and staff are stored first and sent by the task worker
after the commit; a failing mail or SMS service leaves them pending with the next attempt
scheduled, so nothing is lost."""

import datetime as dt
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone

from forms import sms
from forms.models import Notification

logger = logging.getLogger(__name__)


def retry_delays() -> list[int]:
    """Seconds before each new attempt after a failure (settings.NOTIFICATION_RETRY_DELAYS)."""
    return settings.NOTIFICATION_RETRY_DELAYS


class ChannelBreaker:
    """Per worker process: after `threshold` failures in a row on a channel, the outside service
    is left alone for the first retry delay. Messages due meanwhile are put off until then
    without counting an attempt, so a service that is down costs one try per pause, not one per
    message (nor a timeout per message), and the queue behind it keeps moving."""

    threshold = 3

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.failures: dict[str, int] = {}
        self.paused_until: dict[str, dt.datetime] = {}

    def paused(self, channel: str, now: dt.datetime) -> dt.datetime | None:
        until = self.paused_until.get(channel)
        return until if until and until > now else None

    def failed(self, channel: str, now: dt.datetime) -> None:
        self.failures[channel] = self.failures.get(channel, 0) + 1
        if self.failures[channel] >= self.threshold:
            self.paused_until[channel] = now + dt.timedelta(seconds=retry_delays()[0])
            self.failures[channel] = 0

    def succeeded(self, channel: str) -> None:
        self.failures.pop(channel, None)
        self.paused_until.pop(channel, None)


breaker = ChannelBreaker()


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
        # robust: a failure here never turns the committed filing into an error answer
        transaction.on_commit(lambda: [_deliver_later(pk) for pk in ids], robust=True)
    return stored


def _deliver_later(notification_id: int) -> None:
    """Queue one message for the worker. The Notification row is the outbox: when the queue
    cannot be reached (the database restarting under the commit), the row stays pending and
    the worker's sweep (`forms.tasks.retry_notifications`) sends it."""
    # forms.tasks runs notification_deliver from this module, so it is imported on use.
    from forms.tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id)
    except Exception:  # noqa: BLE001 - the sweep sends what could not be queued
        logger.warning("notification %s not queued; the sweep will send it", notification_id)


NOTIFICATION_LEASE = dt.timedelta(seconds=60)  # longer than any send may take


def _notification_claim(notification: Notification, now) -> bool:
    """Take the message for one attempt if it is due at `now`: its next attempt moves past the
    lease, counted from the clock (a sweep's `now` may be long past), so the task queued after
    the commit and the sweep never send it twice at once."""
    lease_from = max(now, timezone.now())
    claimed = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease_from + NOTIFICATION_LEASE)
    return bool(claimed)


def _notification_save(notification: Notification, fields: list[str]) -> None:
    """Record the outcome of an attempt; after a send the fact is kept through a database
    restart (retried for up to a minute) rather than sending the message again later."""
    deadline = time.monotonic() + 60
    while True:
        try:
            notification.save(update_fields=fields)
            return
        except DatabaseError:
            if time.monotonic() > deadline:
                raise
            close_old_connections()
            time.sleep(1)


def notification_deliver(*, notification: Notification, now=None) -> bool:
    """Try to send one message; on failure keep it pending with the next attempt scheduled."""
    if notification.status != Notification.Status.PENDING:
        return notification.status == Notification.Status.SENT
    now = now or timezone.now()
    if paused_until := breaker.paused(notification.channel, timezone.now()):
        # the service failed just now: put the message off, this is not an attempt
        Notification.objects.filter(
            pk=notification.pk, status=Notification.Status.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=paused_until)
        return False
    if not _notification_claim(notification, now):
        notification.refresh_from_db(fields=["status"])
        return notification.status == Notification.Status.SENT
    notification.refresh_from_db(fields=["attempts"])  # a stale copy must not undercount
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
        breaker.failed(notification.channel, timezone.now())
        delays = retry_delays()
        delay = delays[min(notification.attempts - 1, len(delays) - 1)]
        notification.status = (
            Notification.Status.FAILED
            if notification.attempts > len(delays)
            else Notification.Status.PENDING
        )
        notification.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
        notification.last_error = f"{type(error).__name__}: {error}"[:300]
        _notification_save(notification, ["attempts", "status", "next_attempt_at", "last_error"])
        logger.warning(
            "notification %s failed (attempt %s): %s",
            notification.pk,
            notification.attempts,
            type(error).__name__,
        )
        return False
    breaker.succeeded(notification.channel)
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    _notification_save(notification, ["attempts", "status", "sent_at", "last_error"])
    return True


def notifications_retry_due(*, now=None) -> tuple[int, int]:
    """Send every pending message whose next attempt is due: the retries on their back-off,
    and the messages whose task could not be queued. Returns (sent, still pending)."""
    now = now or timezone.now()
    sent = pending = 0
    due = Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    for notification in due.iterator(chunk_size=200):
        if notification_deliver(notification=notification, now=now):
            sent += 1
        else:
            pending += 1
    return sent, pending
