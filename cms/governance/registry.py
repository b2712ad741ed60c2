"""The open register across associations: every association's policies in force, each with the
version the board approved, the approval's date and hashes (read-only; the page and the API)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from wagtail.models import Site

from cms.models import AssociationProfile, BoardApproval, PolicyPage, PolicyWithdrawal
from cms.selectors import approvals_queryset, current_version, group_versions


@dataclass
class RegistryEntry:
    site: Site
    association: str
    licence_number: str
    home_url: str
    policy_slug: str
    title: str
    category: str
    category_label: str
    version: int
    approved_on: dt.date
    approved_on_hijri: str
    recorded_at: dt.datetime
    content_hash: str
    record_hash: str
    policy_url: str
    version_url: str


def registry_policies(*, site: Site | None = None):
    """Policies in force, in tree order (so each association's stay together): live, public,
    approved at least once and not withdrawn. `site` keeps one association's."""
    policies = (
        PolicyPage.objects.live()
        .public()
        .filter(Exists(BoardApproval.objects.filter(policy_id=OuterRef("pk"))))
        .exclude(Exists(PolicyWithdrawal.objects.filter(policy_id=OuterRef("pk"))))
        .order_by("path")
    )
    if site is not None:
        policies = policies.descendant_of(site.root_page)
    return policies


def registry_entries(policies, *, request=None) -> list[RegistryEntry]:
    """The entries of `policies` (a slice of `registry_policies()`), in a fixed number of
    queries: their approvals, the associations they belong to and those associations' names."""
    policies = list(
        policies.prefetch_related(
            Prefetch("approvals", queryset=approvals_queryset(), to_attr="prefetched_approvals")
        )
    )
    located = []
    for policy in policies:
        site_id, root_url, page_path = policy.get_url_parts(request) or (None, None, None)
        versions = group_versions(policy.prefetched_approvals)
        current = current_version(policy, versions)
        if site_id is None or current is None:
            continue
        located.append((site_id, root_url or "", page_path or "", policy, current))
    site_ids = {site_id for site_id, *_ in located}
    sites = Site.objects.in_bulk(site_ids)
    profiles = {
        profile.site_id: profile
        for profile in AssociationProfile.objects.filter(site_id__in=site_ids)
    }
    entries = []
    for site_id, root_url, page_path, policy, current in located:
        site = sites[site_id]
        profile = profiles.get(site_id)
        page = policy.approved_page(current)
        approval = current.approval
        policy_url = root_url + page_path
        entries.append(
            RegistryEntry(
                site=site,
                association=(profile.name if profile else "") or site.site_name or site.hostname,
                licence_number=profile.licence_number if profile else "",
                home_url=root_url + "/",
                policy_slug=policy.slug,
                title=page.title,
                category=page.category,
                category_label=str(page.get_category_display()),
                version=current.number,
                approved_on=approval.meeting_date,
                approved_on_hijri=approval.hijri_date.numeric(),
                recorded_at=approval.recorded_at,
                content_hash=approval.content_hash,
                record_hash=approval.record_hash,
                policy_url=policy_url,
                version_url=f"{policy_url}versions/{current.number}/",
            )
        )
    return entries


def registry_site(hostname: str) -> Site | None:
    """The association a registry filter names by its host name."""
    return Site.objects.select_related("root_page").filter(hostname=hostname).first()
