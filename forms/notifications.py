"""The outbox: messages to applicants and staff are stored first and sent by the task worker
after the commit; a failing mail, SMS or WhatsApp service leaves them queued with the next
attempt scheduled, so nothing is lost.

- A message to a WhatsApp number that WhatsApp does not take is sent by SMS at once (a copy
  that points at the original), rather than waiting for WhatsApp's retries.
- A step's message is held MESSAGE_MERGE_SECONDS; another step's message to the same person by
  the same channel within that time joins it, so quick successive steps reach them as one.
- Every state is kept for staff (the request's timeline): queued with the next attempt, sent,
  delivered (when the gateway says so, at once or by a delivery report), failed with the reason
  after the last retry. Staff can send a message again (`notification_resend`)."""

import datetime as dt
import enum
import logging
import time
from collections.abc import Iterable
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from wagtail.log_actions import log

from forms import sms, whatsapp
from forms.casework import registry
from forms.casework.messages import LOGO_CID, association_logo, email_html
from forms.gateways import Accepted
from forms.models import Notification
from portal.core.tasks import enqueue_after_commit

logger = logging.getLogger(__name__)
S = Notification.Status


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


def sms_to(submission, body: str, *, event: str = "") -> Notification:
    """An SMS to the applicant's own mobile (a code or a link that must reach that number), not
    yet saved."""
    return Notification(
        channel=Notification.Channel.SMS,
        event=event,
        recipient=submission.mobile,
        body=body,
        language=submission.language,
        case_file=submission.case_file,
    )


def notifications_send_after_commit(
    notifications: Iterable[Notification], *, hold: bool = False
) -> list[Notification]:
    """Store the messages now (in the caller's transaction) and send them after its commit.
    With `hold`, each waits MESSAGE_MERGE_SECONDS, and joins a message still held for the same
    person and channel of the same case file instead of making another."""
    now = timezone.now()
    wait = dt.timedelta(seconds=settings.MESSAGE_MERGE_SECONDS if hold else 0)
    fresh = []
    for notification in notifications:
        if wait and _merge_into_held(notification, now):
            continue
        notification.next_attempt_at = now + wait
        fresh.append(notification)
    stored = Notification.objects.bulk_create(fresh)
    if any(notification.next_attempt_at <= now for notification in stored):
        notifications_deliver_after_commit()
    return stored


def notifications_queued(notifications: Iterable[Notification]) -> list[Notification]:
    """Messages to send at once, not yet saved: the rows `notifications_send_after_commit`
    stores, for a caller that writes them in a statement of its own (a filing). Once they are
    written in its transaction, `notifications_deliver_after_commit()` has them sent."""
    now = timezone.now()
    queued = list(notifications)
    for notification in queued:
        notification.next_attempt_at = now
    return queued


def _merge_into_held(notification: Notification, now) -> bool:
    """Join a message still held for the same person and channel; True when it was joined."""
    if notification.case_file_id is None:
        return False
    held = (
        Notification.objects.select_for_update()
        .filter(
            case_file_id=notification.case_file_id,
            channel=notification.channel,
            recipient=notification.recipient,
            status=S.PENDING,
            attempts=0,
            next_attempt_at__gt=now,
            copy_of__isnull=True,
        )
        .order_by("-pk")
        .first()
    )
    if held is None:
        return False
    held.body = f"{held.body}\n\n{notification.body}"
    held.event = f"{held.event},{notification.event}"[:100]
    held.save(update_fields=["body", "event"])
    return True


def notifications_deliver_after_commit() -> None:
    """Have the worker send what is due once the caller's transaction commits: one run of the
    sweep (`forms.tasks.retry_notifications`) sends every message due when it starts, so a
    burst of filings costs the worker one run, not one task per message; a run already waiting
    sends these too. The Notification row is the outbox: when the queue cannot be reached (the
    database restarting under the commit), the row stays pending and the sweep's periodic run
    sends it. Nothing here turns the committed filing into an error answer."""
    # forms.tasks runs notification_deliver from this module, so it is imported on use.
    from forms.tasks import retry_notifications

    enqueue_after_commit(retry_notifications)


NOTIFICATION_LEASE = dt.timedelta(seconds=60)  # longer than any send may take
SWEEP_BATCH = 100  # messages claimed, sent and recorded together by one round of the sweep


def email_message(notification: Notification) -> EmailMultiAlternatives:
    """The email of a message: plain text and HTML (with the association's logo inline) for
    applicants; plain text for staff."""
    message = EmailMultiAlternatives(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient],
    )
    if notification.case_file_id is None:
        return message
    site = notification.case_file.site
    logo = association_logo(site)
    message.attach_alternative(
        email_html(
            subject=notification.subject,
            body=notification.body,
            language=notification.language,
            has_logo=logo is not None,
            site=site,
        ),
        "text/html",
    )
    if logo is not None:
        message.mixed_subtype = "related"
        image = MIMEImage(logo[0], logo[1])
        image.add_header("Content-ID", f"<{LOGO_CID}>")
        image.add_header("Content-Disposition", "inline", filename=f"logo.{logo[1]}")
        message.attach(image)
    return message


def _send(notification: Notification) -> Accepted | None:
    if notification.channel == Notification.Channel.SMS:
        return sms.get_backend().send(to=notification.recipient, message=notification.body)
    if notification.channel == Notification.Channel.WHATSAPP:
        return whatsapp.get_backend().send(to=notification.recipient, message=notification.body)
    email_message(notification).send()
    return None


class Outcome(enum.Enum):
    """What becomes of a message after one attempt, or none while its channel is paused."""

    SENT = "sent"
    DELIVERED = "delivered"  # the gateway said so as it took the message
    RETRY = "retry"  # queued again, its next attempt on the back-off
    FAILED = "failed"  # refused after the last retry
    BY_SMS = "by SMS"  # WhatsApp did not take it: it fails, and an SMS copy goes now
    PUT_OFF = "put off"  # its channel is paused: not tried, and not an attempt


def _attempt(notification: Notification, now) -> Outcome:
    """One attempt at a claimed message: what becomes of it, set on the object (the fields of
    `_OUTCOME_COLUMNS`) for the caller to record. Every way a message is sent decides here."""
    # a message staff send again is tried at once, even while its channel is paused
    staff_resend = notification.resent_by_id is not None and notification.attempts == 0
    if not staff_resend and (paused_until := breaker.paused(notification.channel, now)):
        if notification.channel == Notification.Channel.WHATSAPP:
            # WhatsApp failed just now: the SMS copy goes at once rather than waiting
            notification.status = S.FAILED
            notification.last_error = "WhatsApp paused after repeated failures"
            return Outcome.BY_SMS
        # the service failed just now: put the message off, this is not an attempt
        notification.next_attempt_at = paused_until
        return Outcome.PUT_OFF
    notification.attempts += 1  # the claimed row's own count, read by the claim
    try:
        accepted = _send(notification)
    except Exception as error:  # noqa: BLE001 - any failure of the outside service is retried
        breaker.failed(notification.channel, now)
        logger.warning(
            "notification %s failed (attempt %s): %s",
            notification.pk,
            notification.attempts,
            type(error).__name__,
        )
        notification.last_error = f"{type(error).__name__}: {error}"[:300]
        if notification.channel == Notification.Channel.WHATSAPP:
            notification.status = S.FAILED
            return Outcome.BY_SMS
        delays = retry_delays()
        delay = delays[min(notification.attempts - 1, len(delays) - 1)]
        notification.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
        if notification.attempts > len(delays):
            notification.status = S.FAILED
            return Outcome.FAILED
        return Outcome.RETRY
    breaker.succeeded(notification.channel)
    notification.status = S.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    if accepted is not None:
        notification.gateway_id = accepted.gateway_id
        if accepted.delivered:
            notification.status = S.DELIVERED
            notification.delivered_at = notification.sent_at
            return Outcome.DELIVERED
    return Outcome.SENT


def _fall_back_to_sms(notification: Notification, *, lease: dt.datetime | None = None) -> bool:
    """WhatsApp did not take the message (failed, with the reason, on the object): record it,
    and send an SMS copy now. The message of an attempt is recorded only while the attempt's
    claim (`lease`) holds: a worker that outlived it neither fails it nor sends a copy."""
    with transaction.atomic():
        if lease is None:
            notification.save(update_fields=["status", "last_error"])
        elif not _notifications_record([notification], lease):
            return False
        copy = Notification.objects.create(
            case_file_id=notification.case_file_id,
            channel=Notification.Channel.SMS,
            event=notification.event,
            recipient=notification.recipient,
            body=notification.body,
            language=notification.language,
            copy_of=notification,
        )
    return notification_deliver(notification=copy)


def _notifications_claim_due(
    now, lease: dt.datetime, *, limit: int, pk: int | None = None
) -> list[Notification]:
    """Take up to `limit` due messages (or the one of `pk`, if due) in one statement, oldest
    first, as they are in the database. Rows another worker holds are skipped (SKIP LOCKED),
    and each one taken has its next attempt moved to `lease`: no other run takes it before
    then, and the lease is the claim's token, so a worker that died mid-send leaves the message
    to be tried again once the lease has run out."""
    if connection.vendor != "postgresql":
        return _notifications_claim_due_portable(now, lease, limit=limit, pk=pk)
    table = Notification._meta.db_table
    only = "AND id = %s" if pk is not None else ""
    taken = Notification.objects.raw(
        f"""
        WITH due AS (
            SELECT id, next_attempt_at FROM {table}
            WHERE status = %s AND next_attempt_at <= %s {only}
            ORDER BY next_attempt_at, id
            LIMIT %s
            FOR UPDATE SKIP LOCKED
        )
        UPDATE {table} AS n SET next_attempt_at = %s
        FROM due WHERE n.id = due.id
        RETURNING n.*, due.next_attempt_at AS due_at
        """,  # noqa: S608 - the table name is the model's own
        [S.PENDING, now, *([pk] if pk is not None else []), limit, lease],
    )
    return sorted(taken, key=lambda notification: (notification.due_at, notification.pk))


def _notifications_claim_due_portable(now, lease, *, limit: int, pk=None) -> list[Notification]:
    """The claim on a database without SKIP LOCKED (SQLite, for local work): its writers take
    turns, so the batch is read and taken in one write transaction."""
    due = Notification.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
    if pk is not None:
        due = due.filter(pk=pk)
    with transaction.atomic():
        due = dict(
            due.order_by("next_attempt_at", "pk").values_list("pk", "next_attempt_at")[:limit]
        )
        Notification.objects.filter(pk__in=due, status=S.PENDING, next_attempt_at__lte=now).update(
            next_attempt_at=lease
        )
        taken = list(Notification.objects.filter(pk__in=due, next_attempt_at=lease))
    for notification in taken:
        notification.due_at = due[notification.pk]
    return sorted(taken, key=lambda notification: (notification.due_at, notification.pk))


_OUTCOME_COLUMNS = (
    ("id", "bigint"),
    ("lease", "timestamptz"),
    ("status", "varchar"),
    ("attempts", "smallint"),
    ("next_attempt_at", "timestamptz"),
    ("last_error", "varchar"),
    ("sent_at", "timestamptz"),
    ("delivered_at", "timestamptz"),
    ("gateway_id", "varchar"),
)


def _notifications_record(outcomes: list[Notification], lease: dt.datetime) -> int:
    """Record the outcomes of claimed messages (sent, delivered, retried later, failed, put
    off) in one statement; returns how many rows were written. A row is written only while the
    claim is still this run's (its lease unchanged), and after a send the fact is kept through
    a database restart (retried for up to a minute) rather than sending the messages again."""
    if not outcomes:
        return 0
    if connection.vendor != "postgresql":
        written = 0
        for n in outcomes:
            fields = {name: getattr(n, name) for name, _kind in _OUTCOME_COLUMNS[2:]}
            written += Notification.objects.filter(
                pk=n.pk, status=S.PENDING, next_attempt_at=lease
            ).update(**fields)
        return written
    table = Notification._meta.db_table
    row = "(" + ", ".join(f"%s::{kind}" for _name, kind in _OUTCOME_COLUMNS) + ")"
    params = []
    for n in outcomes:
        params += [
            n.pk,
            lease,
            n.status,
            n.attempts,
            n.next_attempt_at,
            n.last_error,
            n.sent_at,
            n.delivered_at,
            n.gateway_id,
        ]
    names = ", ".join(name for name, _kind in _OUTCOME_COLUMNS)
    sets = ", ".join(f"{name} = v.{name}" for name, _kind in _OUTCOME_COLUMNS[2:])
    sql = (
        f"UPDATE {table} AS n SET {sets} "  # noqa: S608 - the table name is the model's own
        f"FROM (VALUES {', '.join([row] * len(outcomes))}) AS v({names}) "
        "WHERE n.id = v.id AND n.status = 'pending' AND n.next_attempt_at = v.lease"
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.rowcount
        except DatabaseError:
            if time.monotonic() > deadline:
                raise
            close_old_connections()
            time.sleep(1)


def _notifications_send(claimed: list[Notification], now, lease: dt.datetime) -> tuple[int, int]:
    """Send claimed messages one by one and record their outcomes together: a round of the
    sweep, or the one message of `notification_deliver`. Returns (sent, tried but not sent)."""
    outcomes = []
    sent = tried = 0
    try:
        for notification in claimed:
            if timezone.now() >= lease - NOTIFICATION_LEASE / 2:
                # a slow gateway: the rest goes back to the queue well before the lease runs
                # out, so no send of this run can start after another run took it
                break
            tried += 1  # counted before the send: a message whose send broke off waits
            outcome = _attempt(notification, now)
            if outcome is Outcome.BY_SMS:
                sent += _fall_back_to_sms(notification, lease=lease)
                continue
            outcomes.append(notification)
            sent += outcome in (Outcome.SENT, Outcome.DELIVERED)
    finally:
        # What was tried is recorded even when the run stops part way; the messages not yet
        # tried are due again at once. The one whose send broke off keeps its lease: whether
        # it went out is not known, so it is tried again after the lease.
        for notification in claimed[tried:]:
            notification.next_attempt_at = notification.due_at
            outcomes.append(notification)
        _notifications_record(outcomes, lease)
    return sent, tried - sent


def _lease(now) -> dt.datetime:
    """The claim's token: counted from the clock, as a sweep's `now` may be long past."""
    return max(now, timezone.now()) + NOTIFICATION_LEASE


def notification_deliver(*, notification: Notification, now=None) -> bool:
    """Try to send one message, if it is due: a round of the sweep with this message alone
    claimed (`notification` itself is only read). True when the message, or its SMS copy, went
    out, by this call or by another run that had it."""
    if notification.status != S.PENDING:
        return notification.status in (S.SENT, S.DELIVERED)
    now = now or timezone.now()
    lease = _lease(now)
    claimed = _notifications_claim_due(now, lease, limit=1, pk=notification.pk)
    if not claimed:
        notification.refresh_from_db(fields=["status"])
        return notification.status in (S.SENT, S.DELIVERED)
    sent, _not_sent = _notifications_send(claimed, now, lease)
    return bool(sent)


def notifications_retry_due(*, now=None, batch: int | None = None) -> tuple[int, int]:
    """Send every pending message whose next attempt is due: the retries on their back-off,
    the held messages of steps, and those whose task could not be queued. Returns (sent, still
    pending).

    Each round claims a batch of due messages in one statement, sends them one by one, and
    records their outcomes in one more: two statements per batch, not three per message."""
    now = now or timezone.now()
    batch = batch or SWEEP_BATCH
    sent = pending = 0
    while True:
        lease = _lease(now)
        claimed = _notifications_claim_due(now, lease, limit=batch)
        if not claimed:
            return sent, pending
        round_sent, round_pending = _notifications_send(claimed, now, lease)
        sent += round_sent
        pending += round_pending


def notification_resend(*, notification: Notification, user) -> Notification:
    """Staff send an applicant's message again (the same text, the same way): a new message
    that points at the original, queued now."""
    submission = notification.owner
    if submission is None or not registry.of(submission).can_work(user):
        raise PermissionDenied
    with transaction.atomic():
        copy = Notification(
            case_file_id=notification.case_file_id,
            channel=notification.channel,
            event=notification.event,
            recipient=notification.recipient,
            subject=notification.subject,
            body=notification.body,
            language=notification.language,
            copy_of=notification,
            resent_by=user,
        )
        notifications_send_after_commit([copy])
        log(
            instance=submission,
            action="intake.resend",
            user=user,
            data={"notification": notification.pk, "copy": copy.pk},
        )
    return copy


def notification_delivery_report(*, gateway_id: str, delivered: bool, error: str = "") -> bool:
    """A gateway reports what became of a message it accepted. False when no message has that
    id. A WhatsApp message reported undelivered goes by SMS."""
    notification = (
        Notification.objects.filter(gateway_id=gateway_id, status__in=[S.SENT, S.DELIVERED])
        .order_by("-pk")
        .first()
        if gateway_id
        else None
    )
    if notification is None:
        return False
    if delivered:
        notification.status = S.DELIVERED
        notification.delivered_at = timezone.now()
        notification.save(update_fields=["status", "delivered_at"])
        return True
    notification.status = S.FAILED
    notification.last_error = (error or "undelivered")[:300]
    if notification.channel == Notification.Channel.WHATSAPP:
        _fall_back_to_sms(notification)
        return True
    notification.save(update_fields=["status", "last_error"])
    return True


def failed_messages():
    """Messages that failed past their last retry and were not sent again since (by SMS, or
    by staff): what the inbox flags."""
    answered = Notification.objects.filter(
        copy_of=OuterRef("pk"), status__in=[S.PENDING, S.SENT, S.DELIVERED]
    )
    return Notification.objects.filter(status=S.FAILED, case_file__isnull=False).exclude(
        Exists(answered)
    )
