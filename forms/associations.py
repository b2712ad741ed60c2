"""What the inbox holds for one association, for onboarding and removal: the casework an
association starts with (its types of support; its messages to applicants are the default texts
until staff edit them), and everything it holds (to export before it is removed, then delete)."""

from django.db import transaction
from django.forms.models import model_to_dict

from forms.casework import registry
from forms.defaults import SUPPORT_TYPES
from forms.models import CaseFile, FormDraft, MessageTemplate, StaffNotice, SupportType
from forms.privacy import NOT_EXPORTED


def association_defaults_create(site) -> list[str]:
    """Idempotent: the default types of support of association `site` that are missing (staff
    edits are left alone). Returns the codes of those created. Messages to applicants need no
    rows: each association reads the default texts until its staff write their own."""
    created = []
    for order, (slug, name_ar, name_en, docs_ar, docs_en) in enumerate(SUPPORT_TYPES):
        _type, new = SupportType.objects.get_or_create(
            site=site,
            slug=slug,
            defaults={
                "name": name_ar,
                "name_ar": name_ar,
                "name_en": name_en,
                "required_documents": docs_ar,
                "required_documents_ar": docs_ar,
                "required_documents_en": docs_en,
                "sort_order": order,
            },
        )
        if new:
            created.append(slug)
    return created


def _rows(queryset, exclude=()) -> list[dict]:
    rows = []
    for row in queryset.order_by("pk"):
        data = model_to_dict(row, exclude=[*exclude, "site"])
        data["id"] = row.pk
        rows.append(data)
    return rows


def association_casework_export(site) -> dict:
    """Everything the inbox holds for association `site`, as plain rows (JSON-serialisable with
    DjangoJSONEncoder): each kind's submissions with their timelines, notes, consents, ratings
    and the names of their documents; its types of support and messages to applicants."""
    export: dict = {
        "support_types": _rows(SupportType.objects.filter(site=site)),
        "message_templates": _rows(MessageTemplate.objects.filter(site=site)),
    }
    for kind in registry.kinds():
        submissions = []
        for submission in kind.model.objects.filter(site=site).order_by("pk"):
            data = model_to_dict(submission, exclude=[*NOT_EXPORTED, "site"])
            data["reference"] = submission.reference
            data["timeline"] = [
                {
                    "at": event.at,
                    "from": event.from_status,
                    "to": event.to_status,
                    "public": event.public,
                    "message": event.message,
                }
                for event in submission.events.all()
            ]
            data["notes"] = [
                {"at": note.created_at, "text": note.text} for note in submission.notes.all()
            ]
            data["consents"] = [
                {"purpose": c.purpose, "given": c.given, "version": c.text_version}
                for c in submission.consents.all()
            ]
            data["documents"] = [a.original_name for a in submission.attachments.all()]
            rating = submission.rating
            data["rating"] = (
                {"score": rating.score, "comment": rating.comment} if rating is not None else None
            )
            submissions.append(data)
        export[kind.api_slug.replace("-", "_")] = submissions
    return export


@transaction.atomic
def association_casework_delete(site) -> dict[str, int]:
    """Delete everything the inbox holds for association `site` (export it first): submissions
    with their case files and every row of them (documents' files too), drafts, notices, types
    of support and messages. Returns how many of each were deleted."""
    report = {}
    for kind in registry.kinds():
        submissions = kind.model.objects.filter(site=site)
        for submission in submissions.iterator(chunk_size=200):
            for attachment in submission.attachments.all():
                attachment.file.delete(save=False)
        report[kind.slug] = submissions.delete()[0]
    CaseFile.objects.filter(site=site).delete()
    for name, model in (
        ("drafts", FormDraft),
        ("notices", StaffNotice),
        ("support_types", SupportType),
        ("message_templates", MessageTemplate),
    ):
        report[name] = model.objects.filter(site=site).delete()[0]
    return report
