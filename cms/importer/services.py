"""Writes of the importer: read a document, create the draft, and the approval it states.

An approval found in a document is never recorded on the way in. It waits on the import as a
proposal until a board secretary confirms it (`policy_import_approval_confirm`), which goes
through `cms.services.policy_approval_record` like every other approval and publishes the
imported revision. Only an operator who says so (`import_policy --confirm-approval`) confirms
in the same step, as the system.
"""

import datetime as dt
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log

from cms.importer import Line, Outline, ParsedPolicy, assemble, parse_document
from cms.importer.parsed import Role
from cms.importer.stream import sections_to_stream
from cms.models import (
    BoardApproval,
    BoardMember,
    BoardTerm,
    PolicyImport,
    PolicyIndexPage,
    PolicyPage,
)
from cms.models.board import ApprovalChannel, BoardRole
from cms.services import policy_approval_record, user_can_record_approvals

TARGETS_FIXED = {Role.TITLE, Role.ASSOCIATION, Role.LICENCE, Role.TOC, Role.DROPPED, Role.APPROVAL}


def file_kind(file_name: str, data: bytes) -> str:
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return "md" if file_name.lower().endswith((".md", ".markdown")) else "txt"


def approval_as_data(parsed: ParsedPolicy) -> dict | None:
    approval = parsed.approval
    if approval is None or approval.meeting_date is None:
        return None
    return {
        "meeting_number": approval.meeting_number,
        "term_number": approval.term_number,
        "meeting_date": approval.meeting_date.isoformat(),
        "hijri_date": approval.hijri_date,
        "members": approval.members,
        "decision_text": approval.decision_text,
        "supersedes_previous": approval.supersedes_previous,
        "licence_number": parsed.licence_number,
    }


def policy_import_parsed(policy_import: PolicyImport) -> ParsedPolicy:
    """The policy as the import's lines stand now (after the editor's changes, if any)."""
    lines = [Line(**data) for data in policy_import.lines]
    outline = [Outline(**data) for data in policy_import.outline]
    return assemble(lines, outline)


def policy_import_read(*, data: bytes, file_name: str, user) -> PolicyImport:
    """Read an uploaded document and keep what was found for the editor's review.

    Raises PolicyImportError (nothing is written) when the file cannot be read."""
    parsed = parse_document(data, file_name)
    return PolicyImport.objects.create(
        file_name=file_name[:255],
        file_kind=file_kind(file_name, data),
        uploaded_by=user,
        lines=[asdict(line) for line in parsed.lines],
        outline=[asdict(entry) for entry in parsed.outline],
        approval=approval_as_data(parsed),
    )


def policy_import_rearrange(
    *, policy_import: PolicyImport, targets: dict[int, str], kinds: dict[int, str]
) -> ParsedPolicy:
    """Apply an editor's changes: a line's new place (`title`, `association`, `licence`,
    `toc`, `dropped`, `approval`, `unclassified` or `section:N`) and a section's new kind."""
    if policy_import.status != PolicyImport.Status.READ:
        raise ValidationError(_("A draft has already been created from this document."))
    outline = policy_import.outline
    for index, kind in kinds.items():
        if 0 <= index < len(outline):
            outline[index]["kind"] = kind
    for line in policy_import.lines:
        target = targets.get(line["number"])
        if not target or target == _current_target(line):
            continue
        if target.startswith("section:"):
            section = int(target.split(":", 1)[1])
            if not 0 <= section < len(outline):
                continue
            line["role"], line["section"] = Role.BODY, section
        elif target in TARGETS_FIXED or target == Role.UNCLASSIFIED:
            line["role"], line["section"] = target, None
            if target == Role.DROPPED:
                line["detail"] = "editor"
        line["confidence"] = 1.0  # placed by a person
    parsed = policy_import_parsed(policy_import)
    policy_import.lines = [asdict(line) for line in parsed.lines]
    policy_import.approval = approval_as_data(parsed)
    policy_import.save(update_fields=["lines", "outline", "approval"])
    return parsed


def _current_target(line: dict) -> str:
    if line["role"] in {Role.HEADING, Role.BODY} and line["section"] is not None:
        return f"section:{line['section']}"
    return line["role"]


@transaction.atomic
def policy_import_create(
    *,
    policy_import: PolicyImport,
    user,
    parent: PolicyIndexPage,
    into: PolicyPage | None = None,
    title_en: str = "",
    category: str | None = None,
) -> PolicyPage:
    """Create the policy draft (or a new draft revision of `into`) from the reviewed document.
    An approval the document states waits for the board secretary; nothing is published."""
    policy_import = PolicyImport.objects.select_for_update().get(pk=policy_import.pk)
    if policy_import.status != PolicyImport.Status.READ:
        raise ValidationError(_("A draft has already been created from this document."))
    parsed = policy_import_parsed(policy_import)
    stream = sections_to_stream(parsed.sections)
    if into is None:
        title = parsed.title or _("Untitled policy")
        policy = PolicyPage(
            title=title,
            slug=find_available_slug(parent, slugify(title, allow_unicode=True) or "policy"),
            title_ar=title,
            title_en=title_en,
            category=category or parsed.category,
            response_period_days=parsed.response_period_days,
            body_ar=stream,
            live=False,
        )
        parent.add_child(instance=policy)
    else:
        policy = into.get_latest_revision_as_object()
        policy.body_ar = stream
        if parsed.response_period_days:
            policy.response_period_days = parsed.response_period_days
    revision = policy.save_revision(user=user, log_action=True)
    policy_import.status = PolicyImport.Status.CREATED
    policy_import.policy_id = policy.pk
    policy_import.revision = revision
    policy_import.approval = approval_as_data(parsed)
    if policy_import.approval is not None:
        policy_import.approval_status = PolicyImport.ApprovalStatus.PENDING
    policy_import.save()
    log(
        instance=PolicyPage.objects.get(pk=policy.pk),
        action="cms.policy_import",
        user=user,
        data={"file": policy_import.file_name, "import": policy_import.pk},
    )
    return PolicyPage.objects.get(pk=policy.pk)


def _register_members(term: BoardTerm, members: list[dict]) -> list[BoardMember]:
    """The register's members of `term` named in the document, added when missing."""
    registered = {member.name.strip(): member for member in term.members.all()}
    out = []
    for position, entry in enumerate(members):
        name = " ".join(str(entry.get("name", "")).split())
        role = entry.get("role")
        if not name or role not in BoardRole.values:
            continue
        member = registered.get(name)
        if member is None:
            member = BoardMember.objects.create(
                term=term, name=name, name_ar=name, role=role, sort_order=100 + position
            )
            registered[name] = member
        out.append(member)
    return out


@transaction.atomic
def policy_import_approval_confirm(
    *,
    policy_import: PolicyImport,
    user,
    meeting_number: str,
    term_number: int,
    meeting_date: dt.date,
    members: list[dict],
    decision_text_ar: str,
    change_note_ar: str,
    supersedes_previous: bool = True,
    as_operator: bool = False,
) -> BoardApproval:
    """The board secretary confirms the approval the document states: the term and members go
    into the board register when missing, and the approval is recorded for the imported
    revision, which publishes it. `as_operator` is the command's explicit confirmation."""
    if not as_operator and not user_can_record_approvals(user):
        raise PermissionDenied(_("Only board secretaries can record the board's approval."))
    policy_import = PolicyImport.objects.select_for_update().get(pk=policy_import.pk)
    if policy_import.approval_status != PolicyImport.ApprovalStatus.PENDING:
        raise ValidationError(_("This approval is not waiting for confirmation."))
    if policy_import.revision is None:
        raise ValidationError(_("The imported revision no longer exists."))
    term = BoardTerm.objects.filter(number=term_number).first()
    if term is None:
        term = BoardTerm.objects.create(number=term_number, starts_on=meeting_date)
    register = _register_members(term, members)
    approval = policy_approval_record(
        revision=policy_import.revision,
        user=user,
        meeting_number=meeting_number,
        term=term,
        meeting_date=meeting_date,
        members=register,
        decision_text_ar=decision_text_ar,
        change_note_ar=change_note_ar,
        supersedes_previous=supersedes_previous,
        via=ApprovalChannel.IMPORT,
    )
    policy_import.approval_status = PolicyImport.ApprovalStatus.CONFIRMED
    policy_import.approval_record = approval
    policy_import.approval_decided_by = user
    policy_import.approval_decided_at = timezone.now()
    policy_import.save()
    return approval


def policy_import_approval_dismiss(*, policy_import: PolicyImport, user) -> None:
    """The secretary says the document's approval is not to be recorded (the draft stays)."""
    if not user_can_record_approvals(user):
        raise PermissionDenied(_("Only board secretaries can record the board's approval."))
    updated = PolicyImport.objects.filter(
        pk=policy_import.pk, approval_status=PolicyImport.ApprovalStatus.PENDING
    ).update(
        approval_status=PolicyImport.ApprovalStatus.DISMISSED,
        approval_decided_by=user,
        approval_decided_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("This approval is not waiting for confirmation."))


def policy_document_import(
    *,
    data: bytes,
    file_name: str,
    parent: PolicyIndexPage,
    user=None,
    into: PolicyPage | None = None,
    title_en: str = "",
    category: str | None = None,
    confirm_approval: bool = False,
) -> PolicyImport:
    """Read, create the draft and (only when told) confirm the approval, in one go: the command's
    and the demo's path. Raises PolicyImportError, ValidationError or PermissionDenied."""
    with transaction.atomic():
        policy_import = policy_import_read(data=data, file_name=file_name, user=user)
        policy_import_create(
            policy_import=policy_import,
            user=user,
            parent=parent,
            into=into,
            title_en=title_en,
            category=category,
        )
        policy_import.refresh_from_db()
        data_ = policy_import.approval
        if confirm_approval and data_ is not None:
            day = dt.date.fromisoformat(data_["meeting_date"])
            policy_import_approval_confirm(
                policy_import=policy_import,
                user=user,
                meeting_number=data_["meeting_number"] or "—",
                term_number=data_["term_number"] or _term_covering(day),
                meeting_date=day,
                members=data_["members"],
                decision_text_ar=data_["decision_text"],
                change_note_ar=_("Imported from the approved document."),
                supersedes_previous=data_["supersedes_previous"],
                as_operator=True,
            )
            policy_import.refresh_from_db()
    return policy_import


def _term_covering(day: dt.date) -> int:
    for term in BoardTerm.objects.all():
        if term.covers(day):
            return term.number
    raise ValidationError(
        _("The document does not name the board term, and no term in the register covers %(day)s.")
        % {"day": day.isoformat()}
    )
