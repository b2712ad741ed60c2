"""Escalation past the promised answer date, for the kinds that declare one (`escalated_status`,
`escalation_group`): a step the system takes, recorded on the timeline like any other,
told to the applicant as the kind says, and the kind's escalation group emailed the references
(no personal data in the message)."""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from forms.casework import registry
from forms.casework.kinds import Step, SubmissionKind
from forms.models import Notification, StatusEvent
from forms.notifications import notifications_send_after_commit
from portal.accounts.associations import association_group_members

logger = logging.getLogger(__name__)


def submission_escalate(*, kind: SubmissionKind, pk: int, now) -> StatusEvent | None:
    """Escalate one submission if it is still open and past its date (checked under the row's
    lock, so two runs never escalate it twice). Returns the timeline step, or None."""
    with transaction.atomic():
        locked = kind.model.objects.select_for_update().filter(pk=pk).first()
        due = getattr(locked, kind.due_field, None) if locked else None
        if due is None or locked.status not in kind.escalates_from:
            return None
        if due >= timezone.localdate(now):
            return None
        step = Step(to=kind.escalated_status)
        told = kind.tells(step)
        from_status = locked.status
        locked.status = step.to
        locked.status_changed_at = now
        fields = ["status", "status_changed_at", *kind.on_step(locked, step, now)]
        locked.save(update_fields=fields)
        event = StatusEvent.objects.create(
            owner=locked, from_status=from_status, to_status=step.to, public=told, at=now
        )
        log(
            instance=locked,
            action="intake.transition",
            data={"from": from_status, "to": step.to, "told": told, "escalated": True},
        )
        notifications_send_after_commit(kind.step_notifications(locked, step, told), hold=True)
    return event


def _tell_group(group: str, items: list[tuple[str, int]], site) -> int:
    """Email the association's escalation group the references escalated in that association."""
    people = association_group_members(site, group).exclude(email="")
    queued = []
    for person in people.distinct():
        language = getattr(getattr(person, "wagtail_userprofile", None), "preferred_language", "")
        with translation.override(language or settings.LANGUAGE_CODE):
            body = render_to_string("intake/messages/escalation_email.txt", {"items": items})
            subject = str(_("Submissions escalated to the board"))
        queued.append(
            Notification(channel="email", recipient=person.email, subject=subject, body=body)
        )
    notifications_send_after_commit(queued)
    return len(queued)


def overdue_escalate(*, now=None) -> dict[str, list[str]]:
    """Escalate every submission past its answer date, of every kind that declares an
    escalation. Returns the references escalated, by kind."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = {}
    for kind in registry.kinds():
        if not kind.escalates_from:
            continue
        due = kind.model.objects.filter(
            status__in=kind.escalates_from, **{f"{kind.due_field}__lt": today}
        ).order_by(kind.due_field, "pk")
        escalated: dict = {}  # {site: [(reference, days)]}: each association hears of its own
        for pk in due.values_list("pk", flat=True):
            if event := submission_escalate(kind=kind, pk=pk, now=now):
                submission = event.owner
                days = (today - getattr(submission, kind.due_field)).days
                escalated.setdefault(submission.site, []).append((submission.reference, days))
        if kind.escalation_group:
            for site, items in escalated.items():
                with transaction.atomic():
                    _tell_group(kind.escalation_group, items, site)
        report[kind.slug] = [ref for items in escalated.values() for ref, _days in items]
        logger.info("%s escalated: %s", kind.slug, len(report[kind.slug]))
    return report
