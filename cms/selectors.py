"""Reads of policies and their approvals, shaped for pages and the API (no writes here)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from cms.models.board import BoardApproval, BoardApprovalMember, PolicyWithdrawal
from cms.models.policies import PolicyPage
from portal.core.public_memory import ProcessMemory, public_token

# A policy's versions and withdrawal, remembered per process under the public token
# (portal.core.public_memory) and the exact list of its approval records and archives.
_versions = ProcessMemory(1024)
_withdrawals = ProcessMemory(1024)
_promised_periods = ProcessMemory(8)


@dataclass
class PolicyVersion:
    """One approved version: the original approval and any corrections recorded after it."""

    number: int
    original: BoardApproval
    corrections: list[BoardApproval] = field(default_factory=list)

    @property
    def approval(self) -> BoardApproval:
        """The approval as it stands: the latest correction if there is one."""
        return self.corrections[-1] if self.corrections else self.original

    @property
    def records(self) -> list[BoardApproval]:
        return [self.original, *self.corrections]


def approvals_queryset():
    """Approvals with what their pages show. The revisions' stored content is left out: only
    the text of the version shown is read, once per process (PolicyPage.approved_page)."""
    return (
        BoardApproval.objects.select_related("term", "minutes", "revision", "archive")
        .defer("revision__content")
        .prefetch_related(
            Prefetch("members", queryset=BoardApprovalMember.objects.order_by("sort_order"))
        )
    )


def group_versions(approvals) -> list[PolicyVersion]:
    """Approvals of one policy (any order) as versions in ascending order."""
    originals = {}
    corrections = defaultdict(list)
    for approval in sorted(approvals, key=lambda a: (a.version, a.recorded_at, a.pk)):
        if approval.corrects_id is None:
            originals[approval.version] = approval
        else:
            corrections[approval.version].append(approval)
    return [
        PolicyVersion(number=number, original=original, corrections=corrections[number])
        for number, original in sorted(originals.items())
    ]


def policy_versions(*, policy: PolicyPage) -> list[PolicyVersion]:
    """The policy's versions in one query when its records are unchanged since this process
    last read them (whatever the length of its history), three when they changed."""
    records = tuple(
        BoardApproval.objects.filter(policy_id=policy.pk)
        .order_by("pk")
        .values_list("pk", "archive__pk")
    )
    token = public_token()
    key = (policy.pk, records)
    versions = _versions.get(token, key)
    if versions is None:
        versions = group_versions(approvals_queryset().filter(policy_id=policy.pk))
        _versions.set(token, key, versions)
    return versions


def policy_withdrawal(*, policy: PolicyPage) -> PolicyWithdrawal | None:
    """The policy's withdrawal, if any (a withdrawal is a record: it draws a new token)."""
    token = public_token()
    found = _withdrawals.get(token, policy.pk)
    if found is None:
        found = (PolicyWithdrawal.objects.filter(policy_id=policy.pk).first(),)
        _withdrawals.set(token, policy.pk, found)
    return found[0]


@dataclass
class CatalogueEntry:
    policy: PolicyPage
    page: PolicyPage  # the approved text of the current version
    current: PolicyVersion | None
    withdrawn: bool


def current_version(policy: PolicyPage, versions: list[PolicyVersion]) -> PolicyVersion | None:
    """The version in force: the last one the board approved.

    Read from the approval records, never from the page's columns (`live_revision` included),
    so that nothing but a new approval changes what the public reads.
    """
    return versions[-1] if versions else None


def policy_catalogue(*, parent=None, category: str | None = None) -> list[CatalogueEntry]:
    """Live policies with their current version, in a fixed number of queries."""
    policies = PolicyPage.objects.live().public().order_by("path")
    if parent is not None:
        policies = policies.child_of(parent)
    if category:
        policies = policies.filter(category=category)
    policies = policies.prefetch_related(
        Prefetch("approvals", queryset=approvals_queryset(), to_attr="prefetched_approvals"),
        "withdrawals",
    )
    entries = []
    for policy in policies:
        versions = group_versions(policy.prefetched_approvals)
        policy.__dict__["versions"] = versions  # reuse on the page object (cached_property)
        entries.append(
            CatalogueEntry(
                policy=policy,
                page=policy.approved_page(current_version(policy, versions)),
                current=current_version(policy, versions),
                withdrawn=bool(list(policy.withdrawals.all())),
            )
        )
    return entries


def promised_response_period(*, default: int = 14) -> int:
    """The period, in days, the live beneficiary-relations policy promises for an answer, as
    the board approved it; the default when no approved policy states one. Every filing asks:
    it is remembered per process under the public token, which approvals and publishing renew."""
    token = public_token()
    promised = _promised_periods.get(token, "beneficiary-relations")
    if promised is None:
        promised = (None,)
        for policy in PolicyPage.objects.live().order_by("path"):
            page = policy.approved_page()
            if page.category == "beneficiary-relations" and page.response_period_days:
                promised = (page.response_period_days,)
                break
        _promised_periods.set(token, "beneficiary-relations", promised)
    return promised[0] or default


def volunteer_charter():
    """The published volunteer charter, or None."""
    from cms.models.site import VolunteerCharterPage

    return VolunteerCharterPage.objects.live().public().first()
