"""Working a submission of any kind: one step along its procedure, assignment, internal notes.

`submission_transition` is the only door for a status change by staff (the request page, the
bulk action and the API all call it): it locks the row, asks the kind whether the step is
allowed and complete, writes the status, the timeline step and the audit entry, and queues the
messages to the applicant after the commit."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from forms.casework import registry
from forms.casework.kinds import Step
from forms.casework.messages import applicant_message, render_message, site_url
from forms.models import InternalNote, MessageTemplate, StatusEvent
from forms.notifications import notifications_send_after_commit
from forms.staff_notices import staff_notify
from portal.core.dates import gregorian_numeric
from portal.core.people import person_language

NOTE_MAX_LENGTH = 3000


def submission_transition(*, submission, user, step: Step) -> StatusEvent:
    """Move a submission one step along its kind's procedure.

    Refuses (ValidationError, nothing changed) a step the procedure does not allow from the
    current status or one missing what the kind needs (a rejection's reason, a decision's
    meeting, a question for the applicant); refuses (PermissionDenied) a step the user's role
    may not take. Records who, when, from, to, the internal note and the message; tells the
    applicant (the tracking page, and a message by the way they asked when the step concerns
    them) unless the step says not to."""
    kind = registry.of(submission)
    step = step.cleaned()
    with transaction.atomic():
        locked = kind.model.objects.select_for_update().get(pk=submission.pk)
        kind.check(locked.status, step.to, user)
        if errors := kind.step_errors(locked, step):
            raise ValidationError(errors, code="incomplete_transition")
        told = kind.tells(step)
        now = timezone.now()
        from_status = locked.status
        locked.status = step.to
        locked.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if step.to in kind.decided:
            locked.decided_at = now
            fields.append("decided_at")
        fields += kind.on_step(locked, step, now)
        locked.save(update_fields=fields)
        event = StatusEvent.objects.create(
            owner=locked,
            from_status=from_status,
            to_status=step.to,
            public=told,
            message=kind.public_message(step),
            note=step.note,
            by=user,
            at=now,
            **kind.event_fields(step),
        )
        log(
            instance=locked,
            action="intake.transition",
            user=user,
            data={"from": from_status, "to": step.to, "told": told},
        )
        notifications_send_after_commit(kind.step_notifications(locked, step, told), hold=True)
    submission.refresh_from_db()
    return event


def submission_force_status(*, submission, to_status: str, user, note: str) -> None:
    """Record a status the procedure does not offer staff (a withdrawal at the person's
    request for erasure); the applicant is not told. Call it inside a transaction."""
    StatusEvent.objects.create(
        owner=submission,
        from_status=submission.status,
        to_status=to_status,
        public=False,
        note=note,
        by=user,
    )
    submission.status = to_status
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["status", "status_changed_at"])


def submission_assign(*, submission, user, assignee, note: str = "") -> StatusEvent:
    """Give a submission to a person (an officer, the social researcher, a committee member, a
    coordinator); recorded on the timeline, not told to the applicant."""
    kind = registry.of(submission)
    if not kind.can_assign(user):
        raise PermissionDenied
    if assignee is not None and not (assignee.is_active and kind.can_work(assignee)):
        raise ValidationError(
            {"assignee": _("This person cannot work on this kind of submission.")},
            code="invalid_assignee",
        )
    with transaction.atomic():
        locked = kind.model.objects.select_for_update().get(pk=submission.pk)
        locked.assignee = assignee
        locked.save(update_fields=["assignee"])
        event = StatusEvent.objects.create(
            owner=locked,
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
        if assignee is not None and assignee != user:
            _tell_assignee(kind, locked, assignee)
    submission.assignee = assignee
    return event


def _tell_assignee(kind, submission, assignee) -> None:
    """A new assignment, told in the admin and by email: the reference and the answer date."""
    url = kind.inspect_url(submission)
    with translation.override(person_language(assignee)):
        due = submission.due_date
        text = (
            _("%(reference)s was assigned to you; its answer is due by %(due)s.")
            % {"reference": submission.reference, "due": gregorian_numeric(due)}
            if due
            else _("%(reference)s was assigned to you.") % {"reference": submission.reference}
        )
        staff_notify(
            user=assignee,
            text=str(text),
            url=url,
            subject=str(_("Assigned to you: %(reference)s") % {"reference": submission.reference}),
            body=f"{text}\n\n{site_url(url, submission.site)}",
            site=submission.site,
        )


def submission_due_extend(*, submission, user, due: dt.date, reason: str = "") -> StatusEvent:
    """Staff move the promised answer date later (never earlier): recorded on the timeline and
    told to the applicant with the new date and the reason."""
    kind = registry.of(submission)
    if not kind.can_work(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = kind.model.objects.select_for_update().get(pk=submission.pk)
        current = locked.due_date
        if not kind.due_field or locked.status not in kind.open:
            raise ValidationError(
                {"due": _("The answer date of this submission cannot be changed.")},
                code="no_due_date",
            )
        if due is None or (current is not None and due <= current):
            raise ValidationError(
                {"due": _("Choose a date after the current answer date.")}, code="not_later"
            )
        if not reason:
            raise ValidationError(
                {"reason": _("Give the reason; the applicant is told it.")}, code="required"
            )
        setattr(locked, kind.due_field, due)
        locked.save(update_fields=[kind.due_field])
        event = StatusEvent.objects.create(
            owner=locked,
            from_status=locked.status,
            to_status=locked.status,
            public=True,
            message=reason[:NOTE_MAX_LENGTH],
            note=str(_("Answer date moved from %(old)s to %(new)s."))
            % {
                "old": gregorian_numeric(current) if current else "—",
                "new": gregorian_numeric(due),
            },
            by=user,
        )
        log(
            instance=locked,
            action="intake.extend",
            user=user,
            data={"from": str(current), "to": str(due)},
        )
        key = MessageTemplate.Key.DEADLINE_EXTENDED_SMS
        notifications_send_after_commit(
            applicant_message(locked, event=key, body=render_message(key, locked, reason=reason)),
            hold=True,
        )
    submission.refresh_from_db()
    return event


def submission_note_add(*, submission, user, text: str) -> InternalNote:
    """An internal note: for staff only, never shown or sent to the applicant."""
    if not registry.of(submission).can_work(user):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")}, code="required")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": _("A note is at most 3000 characters.")}, code="too_long")
    with transaction.atomic():
        note = InternalNote.objects.create(owner=submission, text=text, author=user)
        log(instance=submission, action="intake.note", user=user, data={"note": note.pk})
    return note
