"""An association's content when it joins: its site and home page, the page tree (governance
catalogue, FAQ page, about and privacy pages, volunteer charter), its profile, FAQ categories and
a starter policy built from the structure the sample policies share. Every function is
idempotent: run again, it completes what is missing and changes nothing else. The project's
onboarding (portal.onboarding) adds the roles and the other apps' defaults.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_domain_name
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.models import Page, Site

from cms.demo import CHARTER, HOME, PAGES
from cms.demo_faqs import CATEGORIES
from cms.importer import parse_policy_bytes, sections_to_stream
from cms.models import (
    AssociationProfile,
    ContentPage,
    FAQCategory,
    FAQPage,
    HomePage,
    PolicyIndexPage,
    PolicyPage,
    VolunteerCharterPage,
)
from portal.core.associations import association
from search.text.arabic import normalise

SAMPLES = Path(__file__).resolve().parent / "demo_data" / "policies"
STARTER_POLICY_SLUG = "beneficiary-relations"

CATALOGUE = {
    "slug": "policies",
    "title": "السياسات واللوائح",
    "title_ar": "السياسات واللوائح",
    "title_en": "Governance policies",
    "intro_ar": "السياسات التي اعتمدها مجلس إدارة الجمعية، مع تاريخ كل اعتماد وسجل الإصدارات.",
    "intro_en": "The policies approved by the association's board of directors, with the date "
    "of each approval and the history of versions.",
}
FAQ_PAGE = {
    "slug": "faq",
    "title": "الأسئلة الشائعة",
    "title_ar": "الأسئلة الشائعة",
    "title_en": "Frequently asked questions",
    "intro_ar": "إجابات عن أكثر ما يسأل عنه المستفيدون والمتطوعون.",
    "intro_en": "Answers to what beneficiaries and volunteers ask most.",
}


@dataclass
class ContentReport:
    site: Site
    created: list[str] = field(default_factory=list)


def validate_hostname(hostname: str) -> str:
    """A host name an association can be served at (lower case, no scheme, port or path)."""
    hostname = (hostname or "").strip().lower()
    try:
        validate_domain_name(hostname)
    except ValidationError:
        raise ValidationError(
            {"hostname": _("Enter a host name such as deema.example.org, without http://.")}
        ) from None
    if "." not in hostname and hostname != "localhost":
        raise ValidationError({"hostname": _("Enter a full host name such as deema.example.org.")})
    return hostname


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _home_slug(hostname: str) -> str:
    base = slugify(hostname.split(".")[0]) or "association"
    root = Page.get_first_root_node()
    slug, number = base, 1
    while root.get_children().filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def association_site_ensure(
    *, name_ar: str, name_en: str, hostname: str, port: int = 80
) -> tuple[Site, bool]:
    """The association's site at `hostname:port` with its own home page (made when missing)."""
    hostname = validate_hostname(hostname)
    site = Site.objects.filter(hostname=hostname, port=port).select_related("root_page").first()
    if site is not None:
        return site, False
    root = Page.get_first_root_node()
    home = HomePage(
        slug=_home_slug(hostname),
        show_in_menus=False,
        **{**HOME, "title": name_ar, "title_ar": name_ar, "title_en": name_en or name_ar},
    )
    _publish(root, home)
    site = Site.objects.create(
        hostname=hostname, port=port, root_page=home, site_name=name_ar[:255], is_default_site=False
    )
    return site, True


def association_profile_ensure(site: Site, *, name_ar: str, name_en: str, **fields) -> bool:
    profile = AssociationProfile.for_site(site)
    if profile.name_ar:
        return False
    profile.name = profile.name_ar = name_ar
    profile.name_en = name_en
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return True


def association_pages_ensure(site: Site) -> list[str]:
    """The page tree under the association's home: each page made once, left as edited."""
    home = site.root_page.specific
    children = home.get_children()
    created = []
    if not children.type(PolicyIndexPage).exists():
        _publish(home, PolicyIndexPage(show_in_menus=True, **CATALOGUE))
        created.append("policy catalogue")
    if not children.type(FAQPage).exists():
        _publish(home, FAQPage(show_in_menus=True, **FAQ_PAGE))
        created.append("FAQ page")
    for spec in PAGES:
        if not children.filter(slug=spec["slug"]).exists():
            _publish(home, ContentPage(show_in_menus=True, **spec))
            created.append(spec["slug"])
    if not home.get_descendants().type(VolunteerCharterPage).exists():
        _publish(home, VolunteerCharterPage(show_in_menus=False, **CHARTER))
        created.append("volunteer charter")
    return created


def faq_categories_ensure(site: Site) -> list[str]:
    created = []
    for order, (slug, name_ar, name_en) in enumerate(CATEGORIES):
        _category, new = FAQCategory.all_sites.get_or_create(
            site=site,
            slug=slug,
            defaults={"name": name_ar, "name_ar": name_ar, "name_en": name_en, "sort_order": order},
        )
        if new:
            created.append(slug)
    return ["FAQ categories"] if created else []


# --- the starter policy ----------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", normalise(text)).strip()


def _without_association(text: str, association: str) -> str:
    """The sample's own name (or its longest leading part found in the text) made generic."""
    words = association.split()
    while len(words) > 1:
        name = " ".join(words)
        if name in text:
            return text.replace(name, "الجمعية")
        words.pop()
    return text


def shared_policy_sections(sample_dir: Path = SAMPLES) -> list:
    """The sections every sample policy has, in the order they come, each with what most samples
    say in it (items, steps and paragraphs kept when at least half of the samples hold them;
    each sample's own name made generic)."""
    parsed = [parse_policy_bytes(path.read_bytes()) for path in sorted(sample_dir.glob("*.txt"))]
    if not parsed:
        return []
    kinds = [
        section.kind
        for section in parsed[0].sections
        if section.kind != "section"
        and all(any(s.kind == section.kind for s in p.sections) for p in parsed)
    ]
    quorum = (len(parsed) + 1) // 2
    shared = []
    for kind in kinds:
        found = [
            (p, next(s for s in p.sections if s.kind == kind))
            for p in parsed
            if any(s.kind == kind for s in p.sections)
        ]
        first = found[0][1]
        heading = Counter(s.heading for _p, s in found).most_common(1)[0][0]
        paragraphs, items = [], []
        counts_p = Counter(
            _key(_without_association(t, p.association)) for p, s in found for t in s.paragraphs
        )
        counts_i = Counter(_key(i.text) for _p, s in found for i in s.items)
        for text in first.paragraphs:
            generic = _without_association(text, parsed[0].association)
            if counts_p[_key(generic)] >= quorum or kind == "preamble":
                paragraphs.append(generic)
        for item in first.items:
            if counts_i[_key(item.text)] >= quorum:
                items.append(item)
        shared.append(type(first)(kind=kind, heading=heading, paragraphs=paragraphs, items=items))
    return shared


def starter_policy_ensure(site: Site, *, user=None) -> list[str]:
    """A draft of the beneficiary-relations policy under the association's catalogue, built from
    the samples' shared structure, for its editors to adapt and its board to approve."""
    catalogue = PolicyIndexPage.objects.descendant_of(site.root_page).first()
    if catalogue is None or catalogue.get_children().exists():
        return []
    sections = shared_policy_sections()
    periods = [p for p in (parse_policy_bytes(f.read_bytes()).response_period_days
                           for f in sorted(SAMPLES.glob("*.txt"))) if p]  # fmt: skip
    policy = PolicyPage(
        slug=STARTER_POLICY_SLUG,
        title="سياسة تنظيم العلاقة مع المستفيدين",
        title_ar="سياسة تنظيم العلاقة مع المستفيدين",
        title_en="Beneficiary Relationship Policy",
        category="beneficiary-relations",
        response_period_days=Counter(periods).most_common(1)[0][0] if periods else 14,
        body_ar=sections_to_stream(sections),
        live=False,
    )
    catalogue.add_child(instance=policy)
    policy.save_revision(user=user)
    return ["starter policy (draft)"]


@transaction.atomic
def association_content_create(
    *, name_ar: str, name_en: str, hostname: str, port: int = 80, **profile
) -> ContentReport:
    """Site, home, pages, profile, FAQ categories and starter policy of an association."""
    site, created = association_site_ensure(
        name_ar=name_ar, name_en=name_en, hostname=hostname, port=port
    )
    report = ContentReport(site=site, created=["site and home page"] if created else [])
    # The work is the new association's, even from another association's admin.
    with association(site):
        report.created += association_pages_ensure(site)
        if association_profile_ensure(site, name_ar=name_ar, name_en=name_en, **profile):
            report.created.append("association profile")
        report.created += faq_categories_ensure(site)
        report.created += starter_policy_ensure(site)
    return report
