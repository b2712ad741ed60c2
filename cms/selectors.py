"""Reads of policies and their approvals, shaped for pages and the API (no writes here)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, Subquery

from cms.models.board import BoardApproval, BoardApprovalMember, PolicyWithdrawal
from cms.models.faqs import FAQ, FAQCategory, FAQPage
from cms.models.imports import PolicyImport
from cms.models.policies import PolicyPage
from portal.core.associations import current_or_default_site
from portal.core.public_memory import ProcessMemory, public_token, remembered

# A policy's versions, version in force and withdrawal, remembered per process under the public
# token (portal.core.public_memory): recording an approval, a correction, an archive or a
# withdrawal draws a new one (cms.public_reads.CHANGING).
_versions = ProcessMemory(1024)
_in_force = ProcessMemory(1024)
_withdrawals = ProcessMemory(1024)
_promised_periods = ProcessMemory(64)  # one entry per association asked


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
    """The policy's whole history, for the pages that list it (history, comparison, a past
    version, the API): read once per process and token, in two queries."""
    return remembered(
        _versions,
        policy.pk,
        lambda: group_versions(approvals_queryset().filter(policy_id=policy.pk)),
    )


@dataclass(frozen=True)
class VersionInForce:
    """What the policy page shows of a policy's history: the version in force (None before the
    first approval), the number of the one just before it, and whether there is an earlier one."""

    version: PolicyVersion | None
    previous_number: int | None = None
    has_history: bool = False


def policy_version_in_force(*, policy: PolicyPage) -> VersionInForce:
    """The version in force with its corrections, read alone: the same two queries and rows
    (its records, their members) however long the history. Remembered per process and token."""
    return remembered(_in_force, policy.pk, lambda: _read_version_in_force(policy.pk))


def _read_version_in_force(policy_id: int) -> VersionInForce:
    originals = (
        BoardApproval.objects.filter(policy_id=policy_id, corrects__isnull=True)
        .order_by("-version")
        .values("version")
    )
    records = (
        approvals_queryset()
        .filter(policy_id=policy_id, version=Subquery(originals[:1]))
        .annotate(earlier_version=Subquery(originals.filter(version__lt=OuterRef("version"))[:1]))
    )
    versions = group_versions(records)
    if not versions:
        return VersionInForce(version=None)
    version = versions[-1]
    earlier = version.original.earlier_version
    return VersionInForce(
        version=version,
        previous_number=earlier if earlier == version.number - 1 else None,
        has_history=earlier is not None,
    )


def policy_withdrawal(*, policy: PolicyPage) -> PolicyWithdrawal | None:
    """The policy's withdrawal, if any (a withdrawal is a record: it draws a new token)."""
    return remembered(
        _withdrawals,
        policy.pk,
        lambda: PolicyWithdrawal.objects.filter(policy_id=policy.pk).first(),
    )


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


def policy_catalogue(
    *, parent=None, site=None, category: str | None = None
) -> list[CatalogueEntry]:
    """Live policies with their current version, in a fixed number of queries: those under
    `parent` (a catalogue page) or under `site`'s home (one association's catalogue)."""
    policies = PolicyPage.objects.live().public().order_by("path")
    if parent is not None:
        policies = policies.child_of(parent)
    if site is not None:
        policies = policies.descendant_of(site.root_page)
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


def promised_response_period(*, default: int = 14, site=None) -> int:
    """The period, in days, the live beneficiary-relations policy promises for an answer, as
    the board approved it, of `site`'s association (by default the current one); the default
    when no approved policy states one. Every filing asks: it is remembered per process and
    association under the public token, which approvals and publishing renew."""
    site = site or current_or_default_site()
    token = public_token()
    key = f"beneficiary-relations:{site.pk if site else 0}"
    promised = _promised_periods.get(token, key)
    if promised is None:
        promised = (None,)
        policies = PolicyPage.objects.live().order_by("path")
        if site is not None:
            policies = policies.descendant_of(site.root_page)
        for policy in policies:
            page = policy.approved_page()
            if page.category == "beneficiary-relations" and page.response_period_days:
                promised = (page.response_period_days,)
                break
        _promised_periods.set(token, key, promised)
    return promised[0] or default


def volunteer_charter(*, site=None):
    """The published volunteer charter of `site`'s association (by default the current one), or
    None."""
    from cms.models.site import VolunteerCharterPage

    site = site or current_or_default_site()
    pages = VolunteerCharterPage.objects.live().public()
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    return pages.first()


def site_faqs(*, site):
    """One association's questions, in their order, with what the pages and the API show."""
    return (
        FAQ.all_sites.filter(site=site)
        .select_related("category")
        .prefetch_related("related_policies")
    )


def site_faq_categories(*, site):
    return FAQCategory.all_sites.filter(site=site)


def site_faq_page(*, site):
    """The association's live FAQ page, or None."""
    return FAQPage.objects.live().public().descendant_of(site.root_page).first()


def site_policy_imports(site):
    """Imports of the association: those whose policy is under its home, or not created yet."""
    return PolicyImport.objects.filter(
        Q(policy__isnull=True) | Q(policy__path__startswith=site.root_page.path)
    )
