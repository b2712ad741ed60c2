"""Asking the applicant for more information, and their answer from the tracking page."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms.attachments import check_files
from forms.casework import registry
from forms.casework.filing import attachments_store
from forms.casework.kinds import Step
from forms.casework.transitions import submission_transition
from forms.models import StatusEvent

MAX_TOTAL_FILES = 15  # per submission, across the first filing and later answers
ANSWER_MAX_LENGTH = 3000


def submission_ask_information(*, submission, user, question: str) -> StatusEvent:
    """Staff ask the applicant for more information; the question shows on the tracking page,
    where the applicant answers, and is sent to them."""
    kind = registry.of(submission)
    return submission_transition(
        submission=submission,
        user=user,
        step=Step(to=kind.waiting_status, message=question, notify=True),
    )


@transaction.atomic
def submission_answer_information(
    *, submission, answer: str, attachments: Sequence = ()
) -> StatusEvent:
    """The applicant's answer from the tracking page: their text and documents; the submission
    goes back to where the kind takes answers."""
    kind = registry.of(submission)
    submission = kind.model.objects.select_for_update().get(pk=submission.pk)
    if kind.waiting_status is None or submission.status != kind.waiting_status:
        raise ValidationError(
            {"answer": _("This request is not waiting for information.")}, code="not_waiting"
        )
    if attachments and not kind.accepts_attachments:
        raise ValidationError({"attachments": _("This kind of submission takes no documents.")})
    check_files(attachments)
    if submission.attachments.count() + len(attachments) > MAX_TOTAL_FILES:
        raise ValidationError({"attachments": _("Too many files on this request.")})
    if not answer.strip() and not attachments:
        raise ValidationError({"answer": _("Write an answer or attach a document.")})
    attachments_store(submission=submission, uploads=attachments)
    now = timezone.now()
    event = StatusEvent.objects.create(
        owner=submission,
        from_status=kind.waiting_status,
        to_status=kind.answered_status,
        public=True,
        message=answer.strip()[:ANSWER_MAX_LENGTH],
        at=now,
    )
    submission.status = kind.answered_status
    submission.status_changed_at = now
    submission.save(update_fields=["status", "status_changed_at"])
    return event
