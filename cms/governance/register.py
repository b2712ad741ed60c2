"""The register of approvals: each association's approvals as a hash chain, written and verified.

`register_entry_create` is the only writer of approval records (called by the approval and
correction services inside their transaction); `register_verify` recomputes every hash from the
rows as they are now and reports each break; `register_entries` reads the public register.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from wagtail.models import Revision, Site

from cms.governance import hashing
from cms.governance.records import RECORD_TABLES
from cms.models.board import BoardApproval, BoardApprovalMember, BoardMember


def revision_content_hash(revision: Revision) -> str:
    """The hash of a revision's content as stored (read again, so it is what the database holds)."""
    content = Revision.objects.filter(pk=revision.pk).values_list("content", flat=True).first()
    return hashing.content_hash(content or {})


def _record_fields(approval: BoardApproval, members) -> dict:
    return hashing.record_fields(
        approval,
        members,
        term_number=approval.term.number if approval.term_id else None,
        policy_slug=(approval.revision.content or {}).get("slug", ""),
    )


def register_entry_create(
    *, policy, revision: Revision, members: Sequence[BoardMember], **fields
) -> BoardApproval:
    """Append an approval to its association's register, with its members, and return it."""
    site = policy.get_site()
    if site is not None:
        # Serialise appends per association so two approvals never take the same place.
        Site.objects.select_for_update().filter(pk=site.pk).first()
    last = (
        BoardApproval.objects.filter(site=site)
        .order_by("-sequence")
        .values("sequence", "record_hash")
        .first()
    )
    approval = BoardApproval(
        policy=policy,
        revision=revision,
        site=site,
        sequence=(last["sequence"] if last else 0) + 1,
        previous_hash=last["record_hash"] if last else "",
        content_hash=revision_content_hash(revision),
        recorded_at=timezone.now(),
        **fields,
    )
    rows = [
        BoardApprovalMember(
            member=member,
            name_ar=member.name_ar or member.name,
            name_en=member.name_en or "",
            name=member.name_ar or member.name,
            role=member.role,
            sort_order=index,
        )
        for index, member in enumerate(members)
    ]
    approval.record_hash = hashing.record_hash(_record_fields(approval, rows))
    approval.save()
    for row in rows:
        row.approval = approval
    BoardApprovalMember.objects.bulk_create(rows)
    return approval


@dataclass
class RegisterProblem:
    site_id: int | None
    sequence: int | None
    approval_id: int | None
    problem: str

    def __str__(self):
        where = f"site {self.site_id}, entry {self.sequence} (approval {self.approval_id})"
        return f"{where}: {self.problem}"


@dataclass
class RegisterReport:
    checked: int
    problems: list[RegisterProblem]

    @property
    def intact(self) -> bool:
        return not self.problems


def _trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def _missing_triggers() -> list[str]:
    names = _trigger_names()
    if connection.vendor == "sqlite":
        expected = [f"{t}_no_{op}" for t in RECORD_TABLES for op in ("update", "delete")]
    elif connection.vendor == "postgresql":
        expected = [f"{t}_{kind}" for t in RECORD_TABLES for kind in ("immutable", "no_truncate")]
    else:
        return []
    expected.append("wagtailcore_revision_approved_immutable")
    return [name for name in expected if name not in names]


def register_verify(*, site: Site | None = None) -> RegisterReport:
    """Recompute every approval's content and record hash and every link of each chain."""
    approvals = (
        BoardApproval.objects.select_related("term", "revision")
        .prefetch_related("members")
        .order_by("site_id", "sequence", "pk")
    )
    if site is not None:
        approvals = approvals.filter(site=site)
    problems: list[RegisterProblem] = []
    previous: dict[int | None, tuple[int, str]] = {}
    checked = 0
    for approval in approvals.iterator(chunk_size=200):
        checked += 1

        def report(text, approval=approval):
            problems.append(RegisterProblem(approval.site_id, approval.sequence, approval.pk, text))

        last_sequence, last_hash = previous.get(approval.site_id, (0, ""))
        if approval.sequence != last_sequence + 1:
            report(f"expected entry {last_sequence + 1} here: an entry is missing or out of place")
        if approval.previous_hash != last_hash:
            report("the previous hash does not match the previous entry's record hash")
        if hashing.content_hash(approval.revision.content or {}) != approval.content_hash:
            report("the approved revision's content no longer matches its hash")
        recomputed = hashing.record_hash(_record_fields(approval, list(approval.members.all())))
        if recomputed != approval.record_hash:
            report("the record (its facts or members) no longer matches its hash")
        previous[approval.site_id] = (approval.sequence or 0, approval.record_hash)
    for name in _missing_triggers():
        problems.append(RegisterProblem(None, None, None, f"database trigger {name} is missing"))
    return RegisterReport(checked=checked, problems=problems)


@dataclass
class RegisterEntry:
    approval: BoardApproval
    title: str
    policy_url: str
    version_url: str
    archive_url: str | None
    corrects_sequence: int | None


def register_listing(*, site: Site | None) -> list[RegisterEntry]:
    """The public register of an association, newest first: each approval with the title it
    approved (in the reader's language, from the approved revision) and its links."""
    from django.utils.translation import get_language

    language = (get_language() or "ar")[:2]
    approvals = (
        BoardApproval.objects.filter(site=site)
        .select_related("policy", "term", "corrects", "revision", "archive")
        .order_by("-sequence")
    )
    entries = []
    for approval in approvals:
        content = approval.revision.content or {}
        policy_url = approval.policy.get_url() or ""
        entries.append(
            RegisterEntry(
                approval=approval,
                title=content.get(f"title_{language}") or content.get("title_ar") or "",
                policy_url=policy_url,
                version_url=f"{policy_url}versions/{approval.version}/",
                archive_url=f"{policy_url}versions/{approval.version}/archive/"
                if getattr(approval, "archive", None) is not None
                else None,
                corrects_sequence=approval.corrects.sequence if approval.corrects_id else None,
            )
        )
    return entries
