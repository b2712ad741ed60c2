"""What the public can find, as documents of the site index: every live policy (its sections and
its board approval), every question, the content pages and the service pages (request support,
volunteer, the service report). Both languages go into one document, so an English reader finds
an Arabic-only page and the other way round.

Every document belongs to one association (a Wagtail site) and its key says which: slugs and
service names repeat across associations, so the index keys them `policy:<site id>:<slug>`,
`faq:<site id>:<slug>`, `service:<site id>:<name>` (`page:<id>` is unique already). Within one
association the public key drops the site (`policy:<slug>`): what results and the API show.
"""

import html
import re
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wagtail.models import Site

from cms.blocks import section_entries
from cms.models import FAQ, ContentPage, FAQPage, PolicyPage
from portal.core.dates import gregorian_numeric
from search.index.site import SiteDocumentText

LANGUAGES = ("ar", "en")
TAG = re.compile(r"<[^>]*>")


def strip_tags(markup: str) -> str:
    """Text of rich text, with a space where each tag was: <p>a</p><p>b</p> is two words."""
    return html.unescape(TAG.sub(" ", markup or ""))


@dataclass(frozen=True)
class ServicePage:
    """A public page that is not a Wagtail page: its URL name, name and what it is for."""

    name: str
    url_name: str
    title: object
    description: object


# The public service doors (forms.public.urls); their words are what a reader would ask for.
SERVICE_PAGES = (
    ServicePage(
        "help-request",
        "intake_help_request",
        _("Request support"),
        _(
            "File a support request (help request) online: your details, the kind of help you "
            "need and your documents. You get a reference number to track your request."
        ),
    ),
    ServicePage(
        "volunteer",
        "intake_volunteer",
        _("Volunteer with us"),
        _(
            "Apply to volunteer with the association: your skills, the time you can give and "
            "the fields you are interested in. You get a reference number to track your "
            "application."
        ),
    ),
    ServicePage(
        "service-report",
        "intake_service_report",
        _("Service report"),
        _(
            "How many support requests the association received and answered, how long the "
            "answer took and how satisfied beneficiaries were with the service."
        ),
    ),
)
SERVICES = {service.name: service for service in SERVICE_PAGES}


def _both(text_of) -> list[str]:
    out = []
    for language in LANGUAGES:
        with translation.override(language):
            out.append(str(text_of()))
    return out


def approval_text(policy: PolicyPage) -> tuple[str, str]:
    """(heading, text) of the approval block the policy page shows, in both languages."""
    version = policy.current_version
    if version is None:
        return "", ""
    approval = version.approval
    heading = " ".join(_both(lambda: _("Board approval")))
    lines = _both(
        lambda: (
            _("Approved by the board of directors in meeting %(meeting)s")
            % {"meeting": approval.meeting_number}
        )
    )
    if approval.term is not None:
        lines += _both(lambda: approval.term.label)
    lines.append(gregorian_numeric(approval.meeting_date))
    lines.append(approval.hijri_date.numeric())
    lines.append(approval.decision_text or "")
    lines.append(approval.change_note or "")
    for member in approval.members.all():
        lines.append(member.name)
        lines += _both(member.get_role_display)
    if approval.supersedes_previous:
        lines += _both(lambda: _("This version supersedes all earlier versions of the policy."))
    return heading, " ".join(lines)


KEYED_BY_SITE = ("policy", "faq", "service")


def document_key(kind: str, site_id: int | None, name) -> str:
    """The index's key: kinds whose names repeat across associations carry the site."""
    if kind in KEYED_BY_SITE:
        return f"{kind}:{site_id or 0}:{name}"
    return f"{kind}:{name}"


def public_key(key: str) -> str:
    """The key within one association (`faq:how-to-apply`), from the index's key."""
    kind, _sep, rest = key.partition(":")
    if kind in KEYED_BY_SITE:
        rest = rest.partition(":")[2]
    return f"{kind}:{rest}"


def index_key(public: str, site_id: int | None) -> str:
    kind, _sep, name = public.partition(":")
    return document_key(kind, site_id, name)


def _site_id(page) -> int | None:
    site = page.get_site()
    return site.pk if site else None


def policy_key(policy, site_id: int | None = None) -> str:
    return document_key("policy", site_id if site_id is not None else _site_id(policy), policy.slug)


def policy_document(policy: PolicyPage, site_id: int | None = None) -> SiteDocumentText:
    headings, lines = [], [policy.summary_ar or "", policy.summary_en or ""]
    for body in (policy.body_ar, policy.body_en):
        for entry in section_entries(body):
            headings.append(entry["heading"])
            lines.extend(entry["lines"])
    if site_id is None:
        site_id = _site_id(policy)
    approval_heading, approval = approval_text(policy)
    headings.append(approval_heading)
    lines.append(approval)
    return SiteDocumentText(
        key=document_key("policy", site_id, policy.slug),
        kind="policy",
        site_id=site_id,
        title=f"{policy.title_ar or ''} {policy.title_en or ''}",
        headings=" ".join(headings),
        body=" ".join(lines),
    )


def faq_document(faq: FAQ) -> SiteDocumentText:
    category = faq.category
    return SiteDocumentText(
        key=document_key("faq", faq.site_id, faq.slug),
        kind="faq",
        site_id=faq.site_id,
        title=f"{faq.question_ar or ''} {faq.question_en or ''}",
        headings=f"{category.name_ar or ''} {category.name_en or ''}",
        body=f"{strip_tags(faq.answer_ar or '')} {strip_tags(faq.answer_en or '')}",
    )


def page_document(page: ContentPage, site_id: int | None = None) -> SiteDocumentText:
    return SiteDocumentText(
        key=f"page:{page.pk}",
        kind="page",
        site_id=site_id if site_id is not None else _site_id(page),
        title=f"{page.title_ar or ''} {page.title_en or ''}",
        headings=f"{page.intro_ar or ''} {page.intro_en or ''}",
        body=f"{strip_tags(page.body_ar or '')} {strip_tags(page.body_en or '')}",
    )


def service_document(service: ServicePage, site_id: int) -> SiteDocumentText:
    """A service page as one association's: each association's readers find its own."""
    return SiteDocumentText(
        key=document_key("service", site_id, service.name),
        kind="service",
        site_id=site_id,
        title=" ".join(_both(lambda: service.title)),
        body=" ".join(_both(lambda: service.description)),
    )


def service_url(service: ServicePage) -> str:
    try:
        return reverse(service.url_name)
    except NoReverseMatch:
        return ""


def _sites() -> list[tuple[str, int]]:
    """(root page path, site id) of every association, deepest root first."""
    rows = Site.objects.values_list("root_page__path", "pk")
    return sorted(rows, key=lambda row: -len(row[0]))


def _site_of(path: str, sites: list[tuple[str, int]]) -> int | None:
    for root, site_id in sites:
        if path.startswith(root):
            return site_id
    return None


def service_documents(site_ids) -> list[SiteDocumentText]:
    return [
        service_document(service, site_id)
        for site_id in site_ids
        for service in SERVICE_PAGES
        if service_url(service)
    ]


def all_documents() -> list[SiteDocumentText]:
    """Everything the public can find now, on every association's site."""
    sites = _sites()
    documents = []
    for policy in PolicyPage.objects.live().public().specific():
        site_id = _site_of(policy.path, sites)
        if site_id is not None and policy.current_version is not None:
            documents.append(policy_document(policy, site_id))
    with_faqs = {
        _site_of(path, sites)
        for path in FAQPage.objects.live().public().values_list("path", flat=True)
    }
    documents += [
        faq_document(faq)
        for faq in FAQ.all_sites.select_related("category").filter(site_id__in=with_faqs)
    ]
    for page in ContentPage.objects.live().public():
        site_id = _site_of(page.path, sites)
        if site_id is not None:
            documents.append(page_document(page, site_id))
    documents += service_documents(sorted({site_id for _root, site_id in sites}))
    return documents
