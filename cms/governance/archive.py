"""The archival PDF of an approved version: both languages, the approval block, the hashes.

Made once, after the approval's transaction commits, by a task (`cms.tasks`), or by
`manage.py make_approval_archives` for any approval that has none; stored as a file beside the
immutable record (ApprovalArchive).
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from cms.blocks import section_entries
from cms.models.board import ApprovalArchive, BoardApproval

logger = logging.getLogger(__name__)


def _language_block(page, language: str) -> dict | None:
    body = getattr(page, f"body_{language}", None)
    title = getattr(page, f"title_{language}", "") or ""
    if not body and language != "ar":
        return None
    with translation.override(language):
        sections = [
            {"heading": entry["heading"], "lines": entry["lines"]}
            for entry in section_entries(body)
        ]
    return {
        "language": language,
        "direction": "rtl" if language == "ar" else "ltr",
        "title": title,
        "summary": getattr(page, f"summary_{language}", "") or "",
        "sections": sections,
    }


def archive_html(approval: BoardApproval) -> str:
    """The archive's document as HTML (Arabic first, then English when the version has it)."""
    page = approval.policy.specific.approved_page_of(approval)
    languages = [b for b in (_language_block(page, "ar"), _language_block(page, "en")) if b]
    with translation.override("ar"):
        return render_to_string(
            "cms/archive/approval.html",
            {
                "approval": approval,
                "page": page,
                "languages": languages,
                "members": list(approval.members.all()),
                "hijri": approval.hijri_date.numeric(),
                "gregorian": f"{approval.meeting_date.day}/{approval.meeting_date.month}/"
                f"{approval.meeting_date.year}",
            },
        )


def archive_pdf(approval: BoardApproval) -> bytes:
    from weasyprint import HTML

    return HTML(string=archive_html(approval)).write_pdf()


@transaction.atomic
def approval_archive_create(*, approval: BoardApproval) -> ApprovalArchive:
    """Make and store the archival PDF of an approval, once (an existing one is returned)."""
    existing = ApprovalArchive.objects.filter(approval=approval).first()
    if existing is not None:
        return existing
    content = archive_pdf(approval)
    archive = ApprovalArchive(approval=approval, sha256=hashlib.sha256(content).hexdigest())
    name = f"{approval.policy.slug}-v{approval.version}-{approval.sequence or approval.pk}.pdf"
    archive.file.save(name, ContentFile(content), save=False)
    archive.save()
    return archive


def approvals_without_archive():
    return BoardApproval.objects.filter(archive__isnull=True).order_by("site_id", "sequence")
