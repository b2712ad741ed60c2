"""Reads of policies and their approvals, shaped for pages and the API (no writes here)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from cms.models.board import BoardApproval, BoardApprovalMember
from cms.models.policies import PolicyPage


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
    return BoardApproval.objects.select_related("term", "minutes", "revision").prefetch_related(
        Prefetch("members", queryset=BoardApprovalMember.objects.order_by("sort_order"))
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
    return group_versions(approvals_queryset().filter(policy_id=policy.pk))


@dataclass
class CatalogueEntry:
    policy: PolicyPage
    current: PolicyVersion | None
    withdrawn: bool


def current_version(policy: PolicyPage, versions: list[PolicyVersion]) -> PolicyVersion | None:
    """The version whose revision is live."""
    for version in reversed(versions):
        if version.original.revision_id == policy.live_revision_id:
            return version
    return None


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
                current=current_version(policy, versions),
                withdrawn=bool(list(policy.withdrawals.all())),
            )
        )
    return entries


def promised_response_period(*, default: int = 14) -> int:
    """The period, in days, the live beneficiary-relations policy promises for an answer; the
    default when no live policy states one."""
    policy = (
        PolicyPage.objects.live()
        .filter(category="beneficiary-relations", response_period_days__isnull=False)
        .only("response_period_days")
        .first()
    )
    return policy.response_period_days if policy else default


def volunteer_charter():
    """The published volunteer charter, or None."""
    from cms.models.site import VolunteerCharterPage

    return VolunteerCharterPage.objects.live().public().first()
