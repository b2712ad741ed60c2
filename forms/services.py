"""Writes of the intake app: filing a request or application, and sending its messages.

`help_request_submit` is the one door for a help request: the public form, the API and staff
recording an off-line request all call it. It runs in one transaction; the receipt messages are
queued after the commit, so a failing mail or SMS service never loses a request.
"""

import datetime as dt
import logging
import secrets
import time
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from forms import sms
from forms.attachments import check_files, clean_file
from forms.consents import HELP_REQUEST_CONSENTS, VERSION, VOLUNTEER_CONSENTS
from forms.messages import render_message
from forms.models import (
    DECIDED_STATUSES,
    OPEN_REQUEST_STATUSES,
    Attachment,
    Channel,
    Consent,
    HelpRequest,
    InternalNote,
    MessageTemplate,
    Notification,
    ReferenceCounter,
    RequestStatus,
    SatisfactionRating,
    StatusEvent,
    SupportType,
    VolunteerApplication,
    VolunteerStatus,
    response_due_date,
)

logger = logging.getLogger(__name__)
RETRY_DELAYS = [60, 300, 1800, 7200, 21600]  # seconds after each failed attempt
MAX_TOTAL_FILES = 15  # per request, across the first submission and later answers


def reference_next(*, prefix: str) -> str:
    """HR-2026-000123: numbered per prefix and year, without gaps, safe under concurrency."""
    year = timezone.localdate().year
    ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def _record_consents(*, target: dict, answers: dict, texts: dict, language: str) -> None:
    with translation.override(language):
        Consent.objects.bulk_create(
            [
                Consent(
                    **target,
                    purpose=purpose,
                    text_version=VERSION,
                    text=str(text),
                    language=language,
                    given=bool(answers.get(purpose)),
                )
                for purpose, (text, _required) in texts.items()
            ]
        )


def _check_required_consents(answers: dict, texts: dict) -> None:
    missing = [
        purpose
        for purpose, (_text, required) in texts.items()
        if required and not answers.get(purpose)
    ]
    if missing:
        raise ValidationError({"consents": ["required consent missing"]}, code="consent_required")


def _attach(help_request, uploads) -> None:
    """Store checked uploads as the request's documents."""
    for upload in uploads:
        file, content_type, original = clean_file(upload)
        Attachment.objects.create(
            help_request=help_request,
            file=file,
            content_type=content_type,
            original_name=original,
            size=file.size,
        )


def help_request_submit(
    *,
    data: dict,
    consents: dict,
    attachments: Sequence = (),
    language: str = "ar",
    channel: str = Channel.WEBSITE,
    recorded_by=None,
    idempotency_key: str | None = None,
) -> tuple[HelpRequest, bool]:
    """File a help request. Returns (request, created); the same idempotency key returns the
    request it already filed instead of filing another one."""
    if idempotency_key:
        existing = HelpRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    _check_required_consents(consents, HELP_REQUEST_CONSENTS)
    check_files(attachments)
    support_type: SupportType = data["support_type"]
    try:
        with transaction.atomic():
            request = HelpRequest(
                **data,
                reference=reference_next(prefix="HR"),
                channel=channel,
                language=language,
                recorded_by=recorded_by,
                idempotency_key=idempotency_key or None,
                tracking_salt=secrets.token_hex(16),
                response_due=response_due_date(days=support_type.period_days()),
            )
            request.full_clean(exclude=["reference", "tracking_salt"])
            request.save()
            _record_consents(
                target={"help_request": request},
                answers=consents,
                texts=HELP_REQUEST_CONSENTS,
                language=language,
            )
            _attach(request, attachments)
            StatusEvent.objects.create(
                help_request=request, to_status=RequestStatus.RECEIVED, public=True, by=recorded_by
            )
            receipts = _queue_receipt(request)
            transaction.on_commit(lambda: [deliver_later(n.pk) for n in receipts], robust=True)
    except IntegrityError:
        # Two retries of one submission raced; the first one won.
        if idempotency_key:
            existing = HelpRequest.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return existing, False
        raise
    logger.info("help request filed: %s via %s", request.reference, channel)
    return request, True


def volunteer_application_submit(
    *,
    data: dict,
    consents: dict,
    language: str = "ar",
    channel: str = Channel.WEBSITE,
    idempotency_key: str | None = None,
) -> tuple[VolunteerApplication, bool]:
    if idempotency_key:
        existing = VolunteerApplication.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    _check_required_consents(consents, VOLUNTEER_CONSENTS)
    with transaction.atomic():
        application = VolunteerApplication(
            **data,
            reference=reference_next(prefix="VA"),
            channel=channel,
            language=language,
            idempotency_key=idempotency_key or None,
            tracking_salt=secrets.token_hex(16),
            charter_accepted=bool(consents.get("charter")),
        )
        application.save()
        _record_consents(
            target={"volunteer_application": application},
            answers=consents,
            texts=VOLUNTEER_CONSENTS,
            language=language,
        )
        StatusEvent.objects.create(
            volunteer_application=application, to_status=VolunteerStatus.NEW, public=True
        )
        receipts = _queue_volunteer_receipt(application)
        transaction.on_commit(lambda: [deliver_later(n.pk) for n in receipts], robust=True)
    return application, True


# --- messages --------------------------------------------------------------------------------


def tracking_url(submission) -> str:
    kind = "help" if isinstance(submission, HelpRequest) else "volunteer"
    return f"{settings.SITE_BASE_URL}/{submission.language}/track/{kind}/{submission.reference}/{submission.tracking_key}/"


def rating_url(help_request: HelpRequest) -> str:
    return tracking_url(help_request) + "rate/"


def _message(key: str, submission, **extra) -> str:
    return render_message(
        key,
        submission=submission,
        tracking_url=tracking_url(submission),
        language=submission.language,
        extra=extra,
    )


def _queue_receipt(request: HelpRequest) -> list[Notification]:
    messages = [
        Notification(
            channel="sms",
            recipient=request.mobile,
            body=_message(MessageTemplate.Key.RECEIPT_SMS, request),
            help_request=request,
        )
    ]
    if request.email:
        messages.append(
            Notification(
                channel="email",
                recipient=request.email,
                subject=_message(MessageTemplate.Key.RECEIPT_EMAIL_SUBJECT, request),
                body=_message(MessageTemplate.Key.RECEIPT_EMAIL, request),
                help_request=request,
            )
        )
    return Notification.objects.bulk_create(messages)


def _queue_volunteer_receipt(application: VolunteerApplication) -> list[Notification]:
    body = _message(MessageTemplate.Key.VOLUNTEER_RECEIPT_SMS, application)
    return Notification.objects.bulk_create(
        [
            Notification(
                channel="sms",
                recipient=application.mobile,
                body=body,
                volunteer_application=application,
            )
        ]
    )


def deliver_later(notification_id: int) -> None:
    """Queue one message for the worker. The Notification row is the outbox: when the queue
    cannot be reached (the database restarting under the commit), the row stays pending and
    the worker's sweep (`forms.tasks.retry_notifications`) sends it; the filing still succeeds."""
    from forms.tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id)
    except Exception:  # noqa: BLE001 - the sweep sends what could not be queued
        logger.warning("notification %s not queued; the sweep will send it", notification_id)


NOTIFICATION_LEASE = dt.timedelta(seconds=60)  # longer than any send may take


def _notification_claim(notification: Notification) -> bool:
    """Take the message for one attempt: its next attempt moves past the lease, so the task
    queued after the commit and the sweep never send it twice at once."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + NOTIFICATION_LEASE)
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


def notification_deliver(*, notification: Notification) -> bool:
    """Try to send one message; on failure keep it pending with the next attempt scheduled."""
    if notification.status != Notification.Status.PENDING:
        return notification.status == Notification.Status.SENT
    if not _notification_claim(notification):
        notification.refresh_from_db(fields=["status"])
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
        _notification_save(notification, ["attempts", "status", "next_attempt_at", "last_error"])
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
        if notification_deliver(notification=notification):
            sent += 1
        else:
            pending += 1
    return sent, pending


# --- the procedure as a state machine ----------------------------------------------------------
#
# The published beneficiary-relations policy is the specification: receive, check the data,
# ask for what is missing, refer the file to the research committee, which accepts or rejects
# within the promised period; then registration and delivery, closing, and the rating.
# Every change of status goes through `help_request_transition` (staff) or
# `help_request_answer_information` (the applicant), whichever door it comes from.

WORK = "intake.work_helprequest"
DECIDE = "intake.decide_helprequest"
VOLUNTEER_WORK = "intake.work_volunteerapplication"

_R = RequestStatus
HELP_REQUEST_TRANSITIONS: dict[str, dict[str, str]] = {
    # from: {to: the permission it needs}
    _R.RECEIVED: {_R.UNDER_REVIEW: WORK, _R.WITHDRAWN: WORK, _R.SPAM: WORK},
    _R.UNDER_REVIEW: {
        _R.INFORMATION_NEEDED: WORK,
        _R.REFERRED: WORK,
        _R.WITHDRAWN: WORK,
        _R.SPAM: WORK,
    },
    _R.INFORMATION_NEEDED: {_R.UNDER_REVIEW: WORK, _R.WITHDRAWN: WORK, _R.SPAM: WORK},
    _R.REFERRED: {
        _R.ACCEPTED: DECIDE,
        _R.REJECTED: DECIDE,
        _R.UNDER_REVIEW: DECIDE,  # the committee sends the file back for more study
        _R.WITHDRAWN: WORK,
        _R.SPAM: WORK,
    },
    _R.ACCEPTED: {_R.DELIVERED: WORK},
    _R.REJECTED: {_R.CLOSED: WORK},
    _R.DELIVERED: {_R.CLOSED: WORK},
}

_V = VolunteerStatus
VOLUNTEER_TRANSITIONS: dict[str, dict[str, str]] = {
    _V.NEW: {_V.SCREENING: VOLUNTEER_WORK, _V.DECLINED: VOLUNTEER_WORK},
    _V.SCREENING: {
        _V.INTERVIEW: VOLUNTEER_WORK,
        _V.ACCEPTED: VOLUNTEER_WORK,
        _V.DECLINED: VOLUNTEER_WORK,
    },
    _V.INTERVIEW: {_V.ACCEPTED: VOLUNTEER_WORK, _V.DECLINED: VOLUNTEER_WORK},
    _V.ACCEPTED: {_V.ACTIVE: VOLUNTEER_WORK, _V.WITHDRAWN: VOLUNTEER_WORK},
    _V.ACTIVE: {_V.ENDED: VOLUNTEER_WORK},
}
for _open in (_V.NEW, _V.SCREENING, _V.INTERVIEW):
    VOLUNTEER_TRANSITIONS[_open].update({_V.WITHDRAWN: VOLUNTEER_WORK, _V.SPAM: VOLUNTEER_WORK})

# Whether the applicant is told by default (staff may change it on each step).
SILENT_BY_DEFAULT = {_R.SPAM, _V.SPAM}


def help_request_next_statuses(help_request: HelpRequest, user=None) -> list[str]:
    """The statuses this request may move to, limited to those `user` may perform."""
    allowed = HELP_REQUEST_TRANSITIONS.get(help_request.status, {})
    return [to for to, perm in allowed.items() if user is None or user.has_perm(perm)]


def volunteer_application_next_statuses(application: VolunteerApplication, user=None) -> list:
    allowed = VOLUNTEER_TRANSITIONS.get(application.status, {})
    return [to for to, perm in allowed.items() if user is None or user.has_perm(perm)]


def _check_transition(table: dict, labels, current: str, to_status: str, user) -> None:
    allowed = table.get(current, {})
    if to_status not in allowed:
        raise ValidationError(
            {
                "to_status": _("A submission that is “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": dict(labels.choices).get(current, current),
                    "to": dict(labels.choices).get(to_status, to_status),
                }
            },
            code="illegal_transition",
        )
    if user is None or not user.has_perm(allowed[to_status]):
        raise PermissionDenied


def _owner(submission) -> dict:
    """The keyword naming a submission on the rows that belong to it (events, notes, messages)."""
    if isinstance(submission, HelpRequest):
        return {"help_request": submission}
    return {"volunteer_application": submission}


def _sms(submission, body: str) -> Notification:
    return Notification.objects.create(
        channel="sms", recipient=submission.mobile, body=body, **_owner(submission)
    )


def _status_message_for(submission, to_status: str, message: str, reason: str) -> str:
    """The SMS the applicant receives: the staff's own words, or the default message."""
    with translation.override(submission.language):
        if isinstance(submission, VolunteerApplication):
            if message:
                return f"{submission.reference}: {message} {tracking_url(submission)}"
            return _message(
                MessageTemplate.Key.VOLUNTEER_STATUS_SMS,
                submission,
                status=VolunteerStatus(to_status).label,
            )
        if message and to_status != RequestStatus.INFORMATION_NEEDED:
            return f"{submission.reference}: {message} {tracking_url(submission)}"
        key = {
            RequestStatus.INFORMATION_NEEDED: MessageTemplate.Key.INFORMATION_NEEDED_SMS,
            RequestStatus.ACCEPTED: MessageTemplate.Key.ACCEPTED_SMS,
            RequestStatus.REJECTED: MessageTemplate.Key.REJECTED_SMS,
        }.get(to_status, MessageTemplate.Key.STATUS_CHANGED_SMS)
        return _message(key, submission, status=RequestStatus(to_status).label, reason=reason)


def help_request_transition(
    *,
    help_request: HelpRequest,
    user,
    to_status: str,
    note: str = "",
    message: str = "",
    notify: bool | None = None,
    reason: str = "",
    meeting: str = "",
) -> StatusEvent:
    """Move a help request one step along the procedure.

    Refuses (ValidationError, nothing changed) a step the procedure does not allow from the
    current status, a rejection without a reason, a decision without the committee meeting, or
    a request for information without the question; refuses (PermissionDenied) a step the
    user's role may not take. Records who, when, from, to, the internal note and the message;
    tells the applicant (SMS, and the tracking page) unless `notify` is False. Closing also
    sends the link to rate the service."""
    note, message, reason, meeting = (
        (note or "").strip(),
        (message or "").strip(),
        (reason or "").strip(),
        (meeting or "").strip(),
    )
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        _check_transition(HELP_REQUEST_TRANSITIONS, RequestStatus, locked.status, to_status, user)
        errors = {}
        if to_status == RequestStatus.REJECTED and not reason:
            errors["reason"] = _("Give the reason for the rejection; the applicant is told it.")
        if to_status in DECIDED_STATUSES and not meeting:
            errors["meeting"] = _("Give the research committee meeting that decided.")
        if to_status == RequestStatus.INFORMATION_NEEDED and not message:
            errors["message"] = _("Write what the applicant should send or explain.")
        if errors:
            raise ValidationError(errors, code="incomplete_transition")
        if notify is None:
            notify = to_status not in SILENT_BY_DEFAULT
        if to_status == RequestStatus.INFORMATION_NEEDED:
            notify = True  # the applicant must know what to answer
        now = timezone.now()
        from_status = locked.status
        locked.status = to_status
        locked.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if to_status in DECIDED_STATUSES:
            locked.decided_at = now
            locked.committee_meeting = meeting[:100]
            locked.decision_reason = reason
            fields += ["decided_at", "committee_meeting", "decision_reason"]
        locked.save(update_fields=fields)
        public_message = message or (reason if to_status == RequestStatus.REJECTED else "")
        event = StatusEvent.objects.create(
            help_request=locked,
            from_status=from_status,
            to_status=to_status,
            public=bool(notify),
            message=public_message,
            note=note,
            meeting=meeting[:100],
            by=user,
            at=now,
        )
        log(
            instance=locked,
            action="intake.transition",
            user=user,
            data={"from": from_status, "to": to_status, "told": bool(notify)},
        )
        queued = []
        if notify:
            queued.append(_sms(locked, _status_message_for(locked, to_status, message, reason)))
        if to_status == RequestStatus.CLOSED:
            queued.append(
                _sms(
                    locked,
                    _message(
                        MessageTemplate.Key.RATING_REQUEST_SMS,
                        locked,
                        rating_url=rating_url(locked),
                    ),
                )
            )
        transaction.on_commit(lambda: [deliver_later(n.pk) for n in queued], robust=True)
    help_request.refresh_from_db()
    return event


def volunteer_application_transition(
    *,
    application: VolunteerApplication,
    user,
    to_status: str,
    note: str = "",
    message: str = "",
    notify: bool | None = None,
) -> StatusEvent:
    """The volunteer applications' own flow, with the same history, notes and messages."""
    note, message = (note or "").strip(), (message or "").strip()
    with transaction.atomic():
        locked = VolunteerApplication.objects.select_for_update().get(pk=application.pk)
        _check_transition(VOLUNTEER_TRANSITIONS, VolunteerStatus, locked.status, to_status, user)
        if notify is None:
            notify = to_status not in SILENT_BY_DEFAULT
        now = timezone.now()
        from_status = locked.status
        locked.status = to_status
        locked.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if to_status in (VolunteerStatus.ACCEPTED, VolunteerStatus.DECLINED):
            locked.decided_at = now
            fields.append("decided_at")
        locked.save(update_fields=fields)
        event = StatusEvent.objects.create(
            volunteer_application=locked,
            from_status=from_status,
            to_status=to_status,
            public=bool(notify),
            message=message,
            note=note,
            by=user,
            at=now,
        )
        log(
            instance=locked,
            action="intake.transition",
            user=user,
            data={"from": from_status, "to": to_status, "told": bool(notify)},
        )
        if notify:
            notification = _sms(locked, _status_message_for(locked, to_status, message, ""))
            transaction.on_commit(lambda: deliver_later(notification.pk), robust=True)
    application.refresh_from_db()
    return event


def can_work(user, submission) -> bool:
    """Whether the user takes part in working this kind of submission (and reads its notes)."""
    if isinstance(submission, HelpRequest):
        return user.has_perm(WORK) or user.has_perm(DECIDE)
    return user.has_perm(VOLUNTEER_WORK)


def submission_assign(*, submission, user, assignee, note: str = "") -> StatusEvent:
    """Give a help request or application to a person (an officer, the social researcher, a
    committee member, a coordinator); recorded on the timeline, not told to the applicant."""
    if user is None or not (
        user.has_perm(WORK if isinstance(submission, HelpRequest) else VOLUNTEER_WORK)
    ):
        raise PermissionDenied
    if assignee is not None and not (assignee.is_active and can_work(assignee, submission)):
        raise ValidationError(
            {"assignee": _("This person cannot work on this kind of submission.")},
            code="invalid_assignee",
        )
    model = type(submission)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=submission.pk)
        locked.assignee = assignee
        locked.save(update_fields=["assignee"])
        event = StatusEvent.objects.create(
            **_owner(locked),
            from_status=locked.status,
            to_status=locked.status,
            public=False,
            note=(note or "").strip(),
            assigned_to=assignee,
            by=user,
        )
        log(
            instance=locked,
            action="intake.assign",
            user=user,
            data={"assignee": assignee.pk if assignee else None},
        )
    submission.assignee = assignee
    return event


def submission_note_add(*, submission, user, text: str) -> InternalNote:
    """An internal note: for staff only, never shown or sent to the applicant."""
    if user is None or not can_work(user, submission):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")}, code="required")
    if len(text) > 3000:
        raise ValidationError({"text": _("A note is at most 3000 characters.")}, code="too_long")
    with transaction.atomic():
        note = InternalNote.objects.create(**_owner(submission), text=text, author=user)
        log(instance=submission, action="intake.note", user=user, data={"note": note.pk})
    return note


# --- asking for and receiving more information ------------------------------------------------


def help_request_ask_information(*, help_request: HelpRequest, user, question: str) -> StatusEvent:
    """Staff ask the applicant for more information; the question shows on the tracking page,
    where the applicant answers, and is sent to them."""
    return help_request_transition(
        help_request=help_request,
        user=user,
        to_status=RequestStatus.INFORMATION_NEEDED,
        message=question,
        notify=True,
    )


@transaction.atomic
def help_request_answer_information(
    *, help_request: HelpRequest, answer: str, attachments: Sequence = ()
) -> StatusEvent:
    """The applicant's answer from the tracking page: their text and documents; the request
    goes back to review."""
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if help_request.status != RequestStatus.INFORMATION_NEEDED:
        raise ValidationError(
            {"answer": _("This request is not waiting for information.")}, code="not_waiting"
        )
    check_files(attachments)
    if help_request.attachments.count() + len(attachments) > MAX_TOTAL_FILES:
        raise ValidationError({"attachments": _("Too many files on this request.")})
    if not answer.strip() and not attachments:
        raise ValidationError({"answer": _("Write an answer or attach a document.")})
    _attach(help_request, attachments)
    now = timezone.now()
    event = StatusEvent.objects.create(
        help_request=help_request,
        from_status=RequestStatus.INFORMATION_NEEDED,
        to_status=RequestStatus.UNDER_REVIEW,
        public=True,
        message=answer.strip()[:3000],
        at=now,
    )
    help_request.status = RequestStatus.UNDER_REVIEW
    help_request.status_changed_at = now
    help_request.save(update_fields=["status", "status_changed_at"])
    return event


# --- satisfaction ----------------------------------------------------------------------------


def satisfaction_record(*, help_request: HelpRequest, data: dict, language: str):
    """The applicant's rating: once per request, only after it is closed."""
    if help_request.status != RequestStatus.CLOSED:
        raise ValidationError(
            {"score": _("This request can be rated once it is closed.")}, code="not_closed"
        )
    try:
        with transaction.atomic():
            rating = SatisfactionRating(help_request=help_request, language=language, **data)
            rating.full_clean(exclude=["help_request"])
            rating.save()
    except IntegrityError:
        raise ValidationError(
            {"score": _("This request has already been rated. Thank you.")}, code="already_rated"
        ) from None
    return rating


# --- deadlines -------------------------------------------------------------------------------

REMINDER_DAYS_AHEAD = 2


def deadline_reminders_send(*, today: dt.date | None = None) -> int:
    """Email each assignee the open requests that are overdue or due within two days
    (references and days only; no personal data in the message). Unassigned ones go to the
    beneficiary-relations officers. Returns the number of reminders queued."""
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string

    from forms.groups import OFFICERS

    today = today or timezone.localdate()
    due = (
        HelpRequest.objects.filter(
            status__in=OPEN_REQUEST_STATUSES,
            response_due__lte=today + dt.timedelta(days=REMINDER_DAYS_AHEAD),
        )
        .order_by("response_due", "pk")
        .values_list("reference", "response_due", "assignee_id")
    )
    by_person: dict[int | None, list[tuple[str, int, int]]] = {}
    for reference, response_due, assignee_id in due:
        days = (response_due - today).days
        by_person.setdefault(assignee_id, []).append((reference, days, abs(days)))
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    recipients: dict = {}
    for assignee_id, items in by_person.items():
        if assignee_id is None:
            for officer in users.filter(groups__name=OFFICERS):
                recipients.setdefault(officer, []).extend(items)
        else:
            person = users.filter(pk=assignee_id).first()
            if person is not None:
                recipients.setdefault(person, []).extend(items)
    queued = []
    for person, items in recipients.items():
        language = getattr(getattr(person, "wagtail_userprofile", None), "preferred_language", "")
        with translation.override(language or settings.LANGUAGE_CODE):
            body = render_to_string(
                "intake/messages/deadline_reminder_email.txt",
                {"items": items, "inbox_url": f"{settings.SITE_BASE_URL}/admin/"},
            ).strip()
            subject = str(_("Requests waiting for an answer"))
        queued.append(
            Notification.objects.create(
                channel="email", recipient=person.email, subject=subject, body=body
            )
        )
    for notification in queued:
        deliver_later(notification.pk)
    logger.info("deadline reminders queued: %s", len(queued))
    return len(queued)


# --- retention and the rights of the person ----------------------------------------------------

ANONYMISED = "—"
CLOSED_HELP_STATUSES = (RequestStatus.CLOSED, RequestStatus.WITHDRAWN, RequestStatus.SPAM)
CLOSED_VOLUNTEER_STATUSES = (
    VolunteerStatus.DECLINED,
    VolunteerStatus.ENDED,
    VolunteerStatus.WITHDRAWN,
    VolunteerStatus.SPAM,
)


def _anonymise(submission, *, user=None, reason: str) -> None:
    """Blank the personal data of one submission; keep what the aggregate reports need (type,
    channel, city, status, dates, the rating's score)."""
    personal = {
        "full_name": ANONYMISED,
        "national_id": "",
        "date_of_birth": dt.date(1900, 1, 1),
        "mobile": "",
        "email": "",
    }
    if isinstance(submission, HelpRequest):
        personal.update(
            district="",
            nationality="",
            income_sources="",
            description="",
            monthly_income=0,
            decision_reason="",
        )
        for attachment in submission.attachments.all():
            attachment.file.delete(save=False)
        submission.attachments.all().delete()
        SatisfactionRating.objects.filter(help_request=submission).update(comment="")
    else:
        personal.update(
            skills="",
            experience="",
            platform_account="",
            languages="",
            education="",
            interests="",
            availability="",
        )
    for name, value in personal.items():
        setattr(submission, name, value)
    submission.anonymised_at = timezone.now()
    submission.idempotency_key = None
    submission.save()
    submission.events.update(message="", note="")
    submission.notes.all().delete()
    submission.notifications.all().delete()
    log(instance=submission, action="intake.anonymise", user=user, data={"reason": reason})


def retention_apply(*, now=None, dry_run: bool = False) -> dict:
    """Anonymise finished submissions whose last change is older than the retention period
    (settings.SUBMISSION_RETENTION_DAYS). Returns a report: what was (or would be) done."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SUBMISSION_RETENTION_DAYS)
    report = {"cutoff": cutoff.date().isoformat(), "dry_run": dry_run}
    for key, model, statuses in (
        ("help_requests", HelpRequest, CLOSED_HELP_STATUSES),
        ("volunteer_applications", VolunteerApplication, CLOSED_VOLUNTEER_STATUSES),
    ):
        due = model.objects.filter(
            status__in=statuses, status_changed_at__lt=cutoff, anonymised_at__isnull=True
        ).order_by("pk")
        references = list(due.values_list("reference", flat=True))
        report[key] = references
        if not dry_run:
            for submission in due.iterator(chunk_size=200):
                with transaction.atomic():
                    _anonymise(submission, reason="retention")
    return report


def _person_submissions(national_id: str):
    from portal.dates import to_ascii_digits

    national_id = to_ascii_digits((national_id or "").strip())
    if not national_id:
        raise ValidationError({"national_id": _("Give the person's national ID or iqama.")})
    return (
        list(HelpRequest.objects.filter(national_id=national_id).order_by("pk")),
        list(VolunteerApplication.objects.filter(national_id=national_id).order_by("pk")),
    )


def _plain(submission) -> dict:
    from django.forms.models import model_to_dict

    data = model_to_dict(
        submission, exclude=["tracking_salt", "idempotency_key", "recorded_by", "assignee"]
    )
    data.pop("id", None)
    data["reference"] = submission.reference
    data["timeline"] = [
        {"at": event.at, "from": event.from_status, "to": event.to_status, "message": event.message}
        for event in submission.events.filter(public=True)
    ]
    if isinstance(submission, HelpRequest):
        data["support_type"] = submission.support_type.name
        data["attachments"] = [a.original_name for a in submission.attachments.all()]
        data["consents"] = [
            {"purpose": c.purpose, "given": c.given, "version": c.text_version, "at": c.recorded_at}
            for c in submission.consents.all()
        ]
    return data


def person_data_export(*, national_id: str, user=None) -> dict:
    """Everything held about one person (by national ID or iqama), for their access request."""
    help_requests, applications = _person_submissions(national_id)
    for submission in (*help_requests, *applications):
        log(instance=submission, action="intake.person_export", user=user)
    return {
        "help_requests": [_plain(r) for r in help_requests],
        "volunteer_applications": [_plain(a) for a in applications],
    }


def person_data_erase(*, national_id: str, user=None) -> dict:
    """Erase one person's data at their request: open submissions are withdrawn, then all are
    anonymised. Returns a report of what was done."""
    help_requests, applications = _person_submissions(national_id)
    report = {"help_requests": [], "volunteer_applications": []}
    with transaction.atomic():
        for submission in help_requests:
            if submission.is_open:
                _force_status(submission, RequestStatus.WITHDRAWN, user)
            if submission.anonymised_at is None:
                _anonymise(submission, user=user, reason="erasure")
            report["help_requests"].append(submission.reference)
        for submission in applications:
            if submission.status not in CLOSED_VOLUNTEER_STATUSES:
                _force_status(submission, VolunteerStatus.WITHDRAWN, user)
            if submission.anonymised_at is None:
                _anonymise(submission, user=user, reason="erasure")
            report["volunteer_applications"].append(submission.reference)
    return report


def _force_status(submission, to_status: str, user) -> None:
    StatusEvent.objects.create(
        **_owner(submission),
        from_status=submission.status,
        to_status=to_status,
        public=False,
        note="erasure",
        by=user,
    )
    submission.status = to_status
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["status", "status_changed_at"])
