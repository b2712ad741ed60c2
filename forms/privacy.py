"""Retention and the rights of the person: finished submissions are anonymised after the
retention period, and a person may have everything held about them exported or erased."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from forms.casework import registry
from forms.casework.selectors import person_submissions
from forms.casework.transitions import submission_force_status
from forms.models import SatisfactionRating
from portal.core.dates import to_ascii_digits

ANONYMISED = "—"
# Kept by anonymisation: what the aggregate reports need (type, channel, city, status, dates,
# the rating's score). Blanked: what the kind lists as personal, and these for every kind.
PERSONAL = {
    "full_name": ANONYMISED,
    "national_id": "",
    "date_of_birth": dt.date(1900, 1, 1),
    "mobile": "",
    "email": "",
}
NOT_EXPORTED = ["tracking_salt", "idempotency_key", "recorded_by", "assignee", "case_file"]


def _report_key(kind) -> str:
    """help_requests, volunteer_applications: the name of a kind in reports and exports."""
    return kind.api_slug.replace("-", "_")


def submission_anonymise(*, submission, user=None, reason: str) -> None:
    """Blank the personal data of one submission, its documents, notes, messages and the words
    of its timeline; keep what the aggregate reports need."""
    kind = registry.of(submission)
    fields = {field.name for field in kind.model._meta.get_fields()}
    for name, value in {**PERSONAL, **kind.personal_fields}.items():
        if name in fields:
            setattr(submission, name, value)
    for attachment in submission.attachments.all():
        attachment.file.delete(save=False)
    submission.attachments.all().delete()
    SatisfactionRating.objects.of(submission).update(comment="")
    submission.anonymised_at = timezone.now()
    submission.idempotency_key = None
    submission.save()
    submission.events.update(message="", note="")
    submission.notes.all().delete()
    submission.notifications.all().delete()
    log(instance=submission, action="intake.anonymise", user=user, data={"reason": reason})


def retention_apply(*, now=None, dry_run: bool = False, site=None) -> dict:
    """Anonymise finished submissions whose last change is older than the retention period
    (settings.SUBMISSION_RETENTION_DAYS): those of association `site`, else of every
    association, each on its own. Returns a report: what was (or would be) done."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SUBMISSION_RETENTION_DAYS)
    report = {"cutoff": cutoff.date().isoformat(), "dry_run": dry_run}
    for kind in registry.kinds():
        due = kind.model.objects.filter(
            status__in=kind.finished, status_changed_at__lt=cutoff, anonymised_at__isnull=True
        ).order_by("pk")
        if site is not None:
            due = due.filter(site=site)
        report[_report_key(kind)] = list(due.values_list("reference", flat=True))
        if not dry_run:
            for submission in due.iterator(chunk_size=200):
                with transaction.atomic():
                    submission_anonymise(submission=submission, reason="retention")
    return report


def _person(national_id: str, site) -> dict:
    national_id = to_ascii_digits((national_id or "").strip())
    if not national_id:
        raise ValidationError({"national_id": _("Give the person's national ID or iqama.")})
    return person_submissions(national_id, site)


def _plain(submission) -> dict:
    kind = registry.of(submission)
    data = model_to_dict(submission, exclude=NOT_EXPORTED)
    data.pop("id", None)
    data["reference"] = submission.reference
    if kind.type_field:
        data[kind.type_field] = str(getattr(submission, kind.type_field))
    data["timeline"] = [
        {"at": event.at, "from": event.from_status, "to": event.to_status, "message": event.message}
        for event in submission.events.filter(public=True)
    ]
    data["attachments"] = [a.original_name for a in submission.attachments.all()]
    data["consents"] = [
        {"purpose": c.purpose, "given": c.given, "version": c.text_version, "at": c.recorded_at}
        for c in submission.consents.all()
    ]
    return data


def person_data_export(*, national_id: str, user=None, site=None) -> dict:
    """Everything association `site` (else the current one) holds about one person (by national
    ID or iqama), for their access request: each association answers for its own data."""
    export = {}
    for kind, submissions in _person(national_id, site).items():
        for submission in submissions:
            log(instance=submission, action="intake.person_export", user=user)
        export[_report_key(kind)] = [_plain(submission) for submission in submissions]
    return export


def person_data_erase(*, national_id: str, user=None, site=None) -> dict:
    """Erase one person's data held by association `site` (else the current one) at their
    request: submissions still in progress are withdrawn, then all are anonymised. Returns a
    report of what was done."""
    report = {}
    with transaction.atomic():
        for kind, submissions in _person(national_id, site).items():
            report[_report_key(kind)] = []
            for submission in submissions:
                if submission.status in kind.erasure_withdraws:
                    submission_force_status(
                        submission=submission, to_status=kind.withdrawn, user=user, note="erasure"
                    )
                if submission.anonymised_at is None:
                    submission_anonymise(submission=submission, user=user, reason="erasure")
                report[_report_key(kind)].append(submission.reference)
    return report
