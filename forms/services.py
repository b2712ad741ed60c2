"""Writes of the intake app: filing a request or application, and sending its messages.

`help_request_submit` is the one door for a help request: the public form, the API and staff
recording an off-line request all call it. It runs in one transaction; the receipt messages are
queued after the commit, so a failing mail or SMS service never loses a request.
"""

import datetime as dt
import logging
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from forms import sms
from forms.attachments import check_files, clean_file
from forms.consents import HELP_REQUEST_CONSENTS, VERSION, VOLUNTEER_CONSENTS
from forms.messages import render_message
from forms.models import (
    Attachment,
    Channel,
    Consent,
    HelpRequest,
    MessageTemplate,
    Notification,
    ReferenceCounter,
    RequestStatus,
    StatusEvent,
    SupportType,
    VolunteerApplication,
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
            for upload in attachments:
                file, content_type, original = clean_file(upload)
                Attachment.objects.create(
                    help_request=request,
                    file=file,
                    content_type=content_type,
                    original_name=original,
                    size=file.size,
                )
            StatusEvent.objects.create(
                help_request=request, to_status=RequestStatus.RECEIVED, public=True, by=recorded_by
            )
            receipts = _queue_receipt(request)
            transaction.on_commit(lambda: [deliver_later(n.pk) for n in receipts])
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
        receipts = _queue_volunteer_receipt(application)
        transaction.on_commit(lambda: [deliver_later(n.pk) for n in receipts])
    return application, True


# --- messages --------------------------------------------------------------------------------


def tracking_url(submission) -> str:
    kind = "help" if isinstance(submission, HelpRequest) else "volunteer"
    return f"{settings.SITE_BASE_URL}/{submission.language}/track/{kind}/{submission.reference}/{submission.tracking_key}/"


def _message(key: str, submission) -> str:
    return render_message(
        key,
        submission=submission,
        tracking_url=tracking_url(submission),
        language=submission.language,
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


# --- asking for and receiving more information ------------------------------------------------


@transaction.atomic
def help_request_ask_information(*, help_request: HelpRequest, user, question: str) -> StatusEvent:
    """Staff ask the applicant for more information; the question shows on the tracking page,
    where the applicant answers, and is sent to them."""
    if help_request.status not in {RequestStatus.RECEIVED, RequestStatus.UNDER_REVIEW}:
        raise ValidationError(
            {"status": "information can be asked for only while the request is reviewed"}
        )
    if not question.strip():
        raise ValidationError({"question": "a question is needed"})
    event = StatusEvent.objects.create(
        help_request=help_request,
        from_status=help_request.status,
        to_status=RequestStatus.INFORMATION_NEEDED,
        public=True,
        message=question.strip(),
        by=user,
    )
    help_request.status = RequestStatus.INFORMATION_NEEDED
    help_request.save(update_fields=["status"])
    notification = Notification.objects.create(
        channel="sms",
        recipient=help_request.mobile,
        body=_message(MessageTemplate.Key.INFORMATION_NEEDED_SMS, help_request),
        help_request=help_request,
    )
    transaction.on_commit(lambda: deliver_later(notification.pk))
    return event


@transaction.atomic
def help_request_answer_information(
    *, help_request: HelpRequest, answer: str, attachments: Sequence = ()
) -> StatusEvent:
    """The applicant's answer from the tracking page: their text and documents; the request
    goes back to review."""
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if help_request.status != RequestStatus.INFORMATION_NEEDED:
        raise ValidationError({"answer": "this request is not waiting for information"})
    check_files(attachments)
    if help_request.attachments.count() + len(attachments) > MAX_TOTAL_FILES:
        raise ValidationError({"attachments": "too many files on this request"})
    if not answer.strip() and not attachments:
        raise ValidationError({"answer": "an answer or a document is needed"})
    for upload in attachments:
        file, content_type, original = clean_file(upload)
        Attachment.objects.create(
            help_request=help_request,
            file=file,
            content_type=content_type,
            original_name=original,
            size=file.size,
        )
    event = StatusEvent.objects.create(
        help_request=help_request,
        from_status=RequestStatus.INFORMATION_NEEDED,
        to_status=RequestStatus.UNDER_REVIEW,
        public=True,
        message=answer.strip()[:3000],
    )
    help_request.status = RequestStatus.UNDER_REVIEW
    help_request.save(update_fields=["status"])
    return event
