"""Governance policies: the catalogue page and the policy page with its approved versions."""

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
from search.text.arabic import index_text


class PolicyCategory(models.TextChoices):
    BENEFICIARY_RELATIONS = "beneficiary-relations", _("Beneficiary relations")
    CONFLICT_OF_INTEREST = "conflict-of-interest", _("Conflict of interest")
    WHISTLEBLOWING = "whistleblowing", _("Whistleblowing")
    DATA_PRIVACY = "data-privacy", _("Data privacy")
    DOCUMENT_RETENTION = "document-retention", _("Document retention")
    VOLUNTEERING = "volunteering", _("Volunteering")
    FUNDRAISING = "fundraising", _("Fundraising")
    OTHER = "other", _("Other")


class PolicyPublishRefused(PermissionDenied):
    """A policy version was about to go live without a board approval of that exact revision."""


class PolicyIndexPage(Page):
    """The association's governance page: every policy, its current version and approval."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PolicyPage"]
    max_count = 1

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


class PolicyPage(RoutablePageMixin, Page):
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
        from cms.selectors import policy_versions

        return policy_versions(policy=self)

    @property
    def current_version(self):
        from cms.selectors import current_version

        return current_version(self, self.versions)

    @cached_property
    def withdrawal(self):
        from cms.models.board import PolicyWithdrawal

        return PolicyWithdrawal.objects.filter(policy_id=self.pk).first()

    def sections(self):
        return section_entries(self.body)

    def search_document(self) -> str:
        """Stems of both languages' title, summary and sections, normalised for every backend."""
        texts = [
            self.title_ar or "",
            self.title_en or "",
            self.summary_ar or "",
            self.summary_en or "",
        ]
        for body in (self.body_ar, self.body_en):
            for entry in section_entries(body):
                texts.append(entry["heading"])
                texts.extend(entry["lines"])
        return index_text(*texts)

    def shown_in_fallback_language(self) -> bool:
        """English reader, no English body: the Arabic text is shown, labelled as such."""
        return (get_language() or "ar")[:2] != "ar" and not self.body_en

    def version_context(self, request, version, page):
        versions = self.versions
        current = self.current_version
        return {
            "page": page,
            "self": page,
            "policy": self,
            "version": version,
            "current": current,
            "previous": next((v for v in versions if v.number == version.number - 1), None)
            if version
            else None,
            "versions": versions,
            "sections": section_entries(page.body),
            "is_superseded": bool(current and version and version.number < current.number),
            "fallback_language": page.shown_in_fallback_language(),
            "withdrawal": self.withdrawal,
        }

    # --- routes -------------------------------------------------------------------------

    @path("")
    def index_route(self, request, *args, **kwargs):
        context = self.get_context(request)
        context.update(self.version_context(request, self.current_version, self))
        return TemplateResponse(request, self.get_template(request), context)

    @path("history/")
    def history(self, request):
        context = self.get_context(request)
        context.update(self.version_context(request, self.current_version, self))
        return TemplateResponse(request, "cms/policy_history.html", context)

    @path("versions/<int:number>/")
    def version(self, request, number):
        version = next((v for v in self.versions if v.number == number), None)
        if version is None:
            raise Http404
        current = self.current_version
        if current and version.number == current.number:
            return redirect(self.url)
        old_page = version.original.revision.as_object()
        context = self.get_context(request)
        context.update(self.version_context(request, version, old_page))
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

    @path("compare/")
    def compare(self, request):
        from cms.diff import compare_bodies

        versions = {v.number: v for v in self.versions}
        try:
            older = int(request.GET.get("from", ""))
            newer = int(request.GET.get("to", ""))
        except ValueError:
            numbers = sorted(versions)
            older, newer = (numbers[-2], numbers[-1]) if len(numbers) >= 2 else (0, 0)
        if older not in versions or newer not in versions or older == newer:
            context = self.get_context(request)
            context.update(self.version_context(request, self.current_version, self))
            context["compare_error"] = bool(request.GET)
            return TemplateResponse(request, "cms/policy_compare.html", context, status=200)
        if older > newer:
            older, newer = newer, older
        old_page = versions[older].original.revision.as_object()
        new_page = versions[newer].original.revision.as_object()
        context = self.get_context(request)
        context.update(self.version_context(request, self.current_version, self))
        context.update(
            {
                "older": versions[older],
                "newer": versions[newer],
                "differences": compare_bodies(old_page.body, new_page.body),
                "title_changed": old_page.title != new_page.title,
                "old_title": old_page.title,
                "new_title": new_page.title,
            }
        )
        return TemplateResponse(request, "cms/policy_compare.html", context)
