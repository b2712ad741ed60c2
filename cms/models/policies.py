"""Governance policies: the catalogue page and the policy page with its approved versions."""

import logging
from collections import OrderedDict

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from cms.blocks import PolicySectionsBlock, section_entries
from cms.governance.panels import UnapprovedChangesPanel
from cms.public_reads import PublicReadsPageMixin
from search.text.arabic import index_text

logger = logging.getLogger(__name__)


class PolicyCategory(models.TextChoices):
    BENEFICIARY_RELATIONS = "beneficiary-relations", _("Beneficiary relations")
    CONFLICT_OF_INTEREST = "conflict-of-interest", _("Conflict of interest")
    WHISTLEBLOWING = "whistleblowing", _("Whistleblowing")
    DATA_PRIVACY = "data-privacy", _("Data privacy")
    DOCUMENT_RETENTION = "document-retention", _("Document retention")
    VOLUNTEERING = "volunteering", _("Volunteering")
    FUNDRAISING = "fundraising", _("Fundraising")
    OTHER = "other", _("Other")


_APPROVED_PAGES: "OrderedDict[tuple, PolicyPage]" = OrderedDict()
_APPROVED_PAGES_MAX = 512


def approved_object(policy: "PolicyPage", revision) -> "PolicyPage":
    """The policy as the board approved it in `revision`: what the public reads.

    Built once per process for each revision (an approved revision's content never changes: a
    trigger refuses it, and its hash is checked here when it is first read), so a page view
    costs no deserialisation. The page's own columns are never read for the text.
    """
    key = (revision.pk, revision.created_at, policy.pk, policy.url_path)
    page = _APPROVED_PAGES.get(key)
    if page is None:
        from cms.governance.hashing import content_hash

        page = policy.with_content_json(revision.content)
        page.approved_revision_id = revision.pk
        approval = getattr(policy, "_approval_of_revision", {}).get(revision.pk)
        if approval is not None and approval.content_hash not in (
            "",
            content_hash(revision.content),
        ):
            logger.error(
                "The content of approved revision %s no longer matches its hash.", revision.pk
            )
        _APPROVED_PAGES[key] = page
        while len(_APPROVED_PAGES) > _APPROVED_PAGES_MAX:
            _APPROVED_PAGES.popitem(last=False)
    return page


class PolicyPublishRefused(PermissionDenied):
    """A policy version was about to go live without a board approval of that exact revision."""


class PolicyIndexPage(PublicReadsPageMixin, RoutablePageMixin, Page):
    """The association's governance page: every policy, its current version and approval, and
    the public register of approvals (`register/`)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PolicyPage"]
    max_count_per_parent = 1  # one catalogue per association's home

    class Meta:
        verbose_name = _("policy catalogue")
        verbose_name_plural = _("policy catalogues")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import policy_catalogue

        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        if category not in PolicyCategory.values:
            category = ""
        context["category"] = category
        context["categories"] = PolicyCategory.choices
        context["entries"] = policy_catalogue(parent=self, category=category or None)
        return context

    @path("")
    def index_route(self, request, *args, **kwargs):
        return super().index_route(request, *args, **kwargs)

    @path("register/")
    def register(self, request):
        """Every approval of the association in the order recorded, with its hashes."""
        from cms.governance.register import register_listing

        context = super().get_context(request)
        context["entries"] = register_listing(site=self.get_site())
        return TemplateResponse(request, "cms/policy_register.html", context)


class PolicyPermissionTester(PagePermissionTester):
    """Nobody publishes, unpublishes or schedules a policy from the page editor, not even a
    superuser: a version goes live only when a board approval is recorded for it."""

    def can_publish(self):
        return False

    def can_unpublish(self):
        return False

    def can_unschedule(self):
        return False

    def can_set_view_restrictions(self):
        return False

    def can_copy(self):
        return False


class PolicyPage(PublicReadsPageMixin, RoutablePageMixin, Page):
    """One policy. Its live revision is always the one the board approved last."""

    summary = models.TextField(_("summary"), blank=True)
    category = models.CharField(
        _("category"),
        max_length=40,
        choices=PolicyCategory.choices,
        default=PolicyCategory.OTHER,
    )
    response_period_days = models.PositiveSmallIntegerField(
        _("response period (days)"),
        null=True,
        blank=True,
        help_text=_(
            "The period within which the policy promises an answer to a request, "
            "e.g. 14 for two weeks or 30 for a month. The inbox uses it for deadlines."
        ),
    )
    body = StreamField(PolicySectionsBlock(), blank=True, verbose_name=_("sections"))

    content_panels = [
        UnapprovedChangesPanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("category"),
        FieldPanel("response_period_days"),
        FieldPanel("body"),
    ]
    # No scheduling or privacy settings: publishing belongs to the board approval alone.
    settings_panels = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_document"),
        index.FilterField("category"),
    ]

    parent_page_types = ["cms.PolicyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def save(self, *args, **kwargs):
        if self.live:
            self.check_live_revision_is_approved()
        return super().save(*args, **kwargs)

    def check_live_revision_is_approved(self) -> None:
        from cms.models.board import BoardApproval

        approved = (
            self.pk is not None
            and self.live_revision_id is not None
            and BoardApproval.objects.filter(
                policy_id=self.pk, revision_id=self.live_revision_id
            ).exists()
        )
        if not approved:
            raise PolicyPublishRefused(
                "A policy version goes live only through a board approval of that revision."
            )

    def permissions_for_user(self, user):
        return PolicyPermissionTester(user, self)

    def get_workflow(self):
        from cms.governance import board_approval_workflow

        return board_approval_workflow()

    # --- reading ------------------------------------------------------------------------

    @cached_property
    def versions(self):
        """Every approved version, oldest first: for the pages that list the history."""
        from cms.selectors import policy_versions

        return policy_versions(policy=self)

    @cached_property
    def in_force(self):
        """The version in force and what the policy page says of the ones before it, read
        without the history (cms.selectors.VersionInForce)."""
        from cms.selectors import policy_version_in_force

        return policy_version_in_force(policy=self)

    @property
    def current_version(self):
        """The version in force: taken from the history when it was read anyway (the catalogue,
        the history pages), else read alone at a cost that does not grow with the history."""
        from cms.selectors import current_version

        if "versions" in self.__dict__:
            return current_version(self, self.versions)
        return self.in_force.version

    def approved_page(self, version=None) -> "PolicyPage":
        """The approved text of `version` (the current one by default) as a page object; the
        page itself while no version is approved (a draft seen in the admin's preview)."""
        version = version or self.current_version
        if version is None:
            return self
        self.__dict__.setdefault("_approval_of_revision", {})[version.original.revision_id] = (
            version.original
        )
        return approved_object(self, version.original.revision)

    def approved_page_of(self, approval) -> "PolicyPage":
        """The text an approval (original or correction) binds."""
        self.__dict__.setdefault("_approval_of_revision", {})[approval.revision_id] = approval
        return approved_object(self, approval.revision)

    @cached_property
    def withdrawal(self):
        from cms.selectors import policy_withdrawal

        return policy_withdrawal(policy=self)

    def sections(self):
        return section_entries(self.body)

    def search_document(self) -> str:
        """Stems of both languages' title, summary and sections of the approved version,
        normalised for every backend."""
        page = self.approved_page()
        texts = [
            page.title_ar or "",
            page.title_en or "",
            page.summary_ar or "",
            page.summary_en or "",
        ]
        for body in (page.body_ar, page.body_en):
            for entry in section_entries(body):
                texts.append(entry["heading"])
                texts.extend(entry["lines"])
        return index_text(*texts)

    def shown_in_fallback_language(self) -> bool:
        """English reader, no English body: the Arabic text is shown, labelled as such."""
        return (get_language() or "ar")[:2] != "ar" and not self.body_en

    def version_context(self, request, version, page, *, versions=None):
        """What the policy's pages show around `version`. The pages that list or pick from the
        history pass it (`versions`); the policy page itself shows the version in force and
        reads nothing of the history but the number before it."""
        current = self.current_version
        if versions is None:
            in_force = self.in_force
            previous_number, has_history = in_force.previous_number, in_force.has_history
        else:
            numbers = {v.number for v in versions}
            previous_number = (
                version.number - 1 if version and version.number - 1 in numbers else None
            )
            has_history = len(versions) > 1
        return {
            "page": page,
            "self": page,
            "policy": self.approved_page(current),
            "catalogue": self.get_parent(),
            "version": version,
            "current": current,
            "previous_number": previous_number,
            "has_history": has_history,
            "versions": versions,
            "sections": section_entries(page.body),
            "is_superseded": bool(current and version and version.number < current.number),
            "fallback_language": page.shown_in_fallback_language(),
            "withdrawal": self.withdrawal,
        }

    # --- routes -------------------------------------------------------------------------

    @path("")
    def index_route(self, request, *args, **kwargs):
        current = self.current_version
        context = self.get_context(request)
        context.update(self.version_context(request, current, self.approved_page(current)))
        return TemplateResponse(request, self.get_template(request), context)

    @path("history/")
    def history(self, request):
        versions = self.versions
        current = self.current_version  # the last of `versions`
        context = self.get_context(request)
        context.update(
            self.version_context(request, current, self.approved_page(current), versions=versions)
        )
        return TemplateResponse(request, "cms/policy_history.html", context)

    @path("versions/<int:number>/")
    def version(self, request, number):
        version = next((v for v in self.versions if v.number == number), None)
        if version is None:
            raise Http404
        current = self.current_version
        if current and version.number == current.number:
            return redirect(self.url)
        old_page = self.approved_page(version)
        context = self.get_context(request)
        context.update(self.version_context(request, version, old_page, versions=self.versions))
        return TemplateResponse(request, "cms/policy_version.html", context)

    @path("versions/<int:number>/minutes/")
    def minutes(self, request, number):
        """The signed minutes of a version's approval, when the board made them public.

        Minutes are uploaded to a collection only board secretaries can open, so this route is
        the public's only way to them, and only to those marked public.
        """
        version = next((v for v in self.versions if v.number == number), None)
        approval = version.approval if version else None
        if approval is None or approval.minutes is None or not approval.minutes_public:
            raise Http404
        document = approval.minutes
        return FileResponse(
            document.file.open("rb"),
            filename=document.filename,
            as_attachment=False,
            content_type=document.content_type or "application/octet-stream",
        )

    @path("versions/<int:number>/archive/")
    def archive(self, request, number):
        """The archival PDF of a version's approval (as it stands: the latest correction)."""
        from cms.models.board import ApprovalArchive

        version = next((v for v in self.versions if v.number == number), None)
        archive = (
            ApprovalArchive.objects.filter(approval=version.approval).first() if version else None
        )
        if archive is None:
            raise Http404
        response = FileResponse(
            archive.file.open("rb"),
            filename=f"{self.slug}-v{number}.pdf",
            as_attachment=False,
            content_type="application/pdf",
        )
        response["X-Content-SHA256"] = archive.sha256
        return response

    @path("compare/")
    def compare(self, request):
        from cms.governance.review import revision_review

        versions = {v.number: v for v in self.versions}
        current = self.current_version
        try:
            older = int(request.GET.get("from", ""))
            newer = int(request.GET.get("to", ""))
        except ValueError:
            numbers = sorted(versions)
            older, newer = (numbers[-2], numbers[-1]) if len(numbers) >= 2 else (0, 0)
        context = self.get_context(request)
        context.update(
            self.version_context(
                request, current, self.approved_page(current), versions=self.versions
            )
        )
        if older not in versions or newer not in versions or older == newer:
            context["compare_error"] = bool(request.GET)
            return TemplateResponse(request, "cms/policy_compare.html", context, status=200)
        if older > newer:
            older, newer = newer, older
        # One language at a time: the reader's, never against the other language's fallback.
        language = (get_language() or "ar")[:2]
        review = revision_review(
            policy=self, revision=versions[newer].original.revision, base=versions[older].original
        )
        language_review = review.language(language)
        if language_review is None or language_review.status == "missing":
            language_review = review.language("ar")  # shown in Arabic, labelled as such
        context.update(
            {
                "older": versions[older],
                "newer": versions[newer],
                "review": review,
                "language_review": language_review,
                "field_changes": [
                    change for change in review.field_changes if change.language in ("", language)
                ],
            }
        )
        return TemplateResponse(request, "cms/policy_compare.html", context)
