"""Admin integration for the content app: bilingual fields, the board register, approvals."""

from django.contrib.admin.utils import unquote
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.models import Page
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.admin_views import ApprovalCorrectionView, PolicyWithdrawView
from cms.importer.views.approvals import ImportedApprovalConfirmView, ImportedApprovalsView
from cms.importer.views.editors import (
    PolicyImportPreviewView,
    PolicyImportUploadView,
    policy_catalogue,
)
from cms.models import FAQ, BoardApproval, BoardTerm, FAQCategory, PolicyPage, PolicyWithdrawal
from cms.reports import MissingTranslationsView
from cms.services import user_can_record_approvals
from portal.core.admin import ServicesOnlyPermissionPolicy
from portal.core.associations import site_for_request


@hooks.register("insert_global_admin_css")
def bilingual_fields_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("cms/admin/bilingual-fields.css")
    )


@hooks.register("insert_global_admin_css")
def revision_review_css():
    return format_html('<link rel="stylesheet" href="{}">', static("cms/admin/review.css"))


@hooks.register("insert_global_admin_js")
def bilingual_fields_js():
    return format_html('<script src="{}" defer></script>', static("cms/admin/bilingual-fields.js"))


# Approvals are records: created only by the board-approval task (cms.services), never edited.
register_permission_policy(BoardApproval, ServicesOnlyPermissionPolicy(BoardApproval))
register_permission_policy(PolicyWithdrawal, ServicesOnlyPermissionPolicy(PolicyWithdrawal))


class BoardTermViewSet(SnippetViewSet):
    model = BoardTerm
    icon = "group"
    menu_label = _("Board terms and members")
    list_display = ["__str__", "starts_on", "ends_on"]
    inspect_view_enabled = True


class ApprovalIndexView(IndexView):
    """The host's association's approvals only."""

    def get_base_queryset(self):
        return super().get_base_queryset().filter(site=site_for_request(self.request))


class ApprovalInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            BoardApproval, pk=unquote(str(self.pk)), site=site_for_request(self.request)
        )

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if user_can_record_approvals(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Record a correction"),
                    url=reverse("cms_approval_correct", args=[self.object.pk]),
                    icon_name="edit",
                )
            )
        return buttons


class BoardApprovalViewSet(ModelViewSet):
    model = BoardApproval
    name = "board_approvals"
    url_prefix = "governance/approvals"
    icon = "tick-inverse"
    menu_label = _("Board approvals")
    inspect_view_enabled = True
    index_view_class = ApprovalIndexView
    inspect_view_class = ApprovalInspectView
    copy_view_enabled = False
    list_display = [
        "policy",
        Column("version", label=_("version")),
        "meeting_number",
        DateColumn("meeting_date", label=_("meeting date")),
        "corrects",
        "recorded_by",
        DateColumn("recorded_at", label=_("recorded at")),
    ]
    list_filter = ["policy", "recorded_via"]
    inspect_view_fields = [
        "policy",
        "version",
        "revision",
        "meeting_number",
        "term",
        "meeting_date",
        "decision_text_ar",
        "decision_text_en",
        "change_note_ar",
        "change_note_en",
        "supersedes_previous",
        "minutes",
        "minutes_public",
        "corrects",
        "recorded_by",
        "recorded_via",
        "recorded_at",
    ]


class WithdrawalIndexView(IndexView):
    def get_base_queryset(self):
        site = site_for_request(self.request)
        return super().get_base_queryset().filter(policy__path__startswith=site.root_page.path)


class WithdrawalInspectView(InspectView):
    def get_object(self, queryset=None):
        site = site_for_request(self.request)
        return get_object_or_404(
            PolicyWithdrawal,
            pk=unquote(str(self.pk)),
            policy__path__startswith=site.root_page.path,
        )


class PolicyWithdrawalViewSet(BoardApprovalViewSet):
    model = PolicyWithdrawal
    index_view_class = WithdrawalIndexView
    inspect_view_class = WithdrawalInspectView
    name = "policy_withdrawals"
    url_prefix = "governance/withdrawals"
    icon = "cross"
    menu_label = _("Policy withdrawals")
    list_display = ["policy", DateColumn("withdrawn_on", label=_("withdrawn on")), "withdrawn_by"]
    list_filter = []
    inspect_view_fields = ["policy", "reason_ar", "reason_en", "withdrawn_on", "withdrawn_by"]


class FAQViewSet(SnippetViewSet):
    model = FAQ
    icon = "help"
    menu_label = _("Questions")
    list_display = [
        "question",
        "category",
        Column("helpful_count", label=_("helpful"), accessor="helpful_count"),
        Column("not_helpful_count", label=_("not helpful"), accessor="not_helpful_count"),
    ]
    list_filter = ["category"]
    search_fields = ["question_ar", "question_en"]

    def get_queryset(self, request):
        return FAQ.objects.select_related("category").annotate(
            helpful_count=Coalesce(Sum("feedback__helpful"), 0),
            not_helpful_count=Coalesce(Sum("feedback__not_helpful"), 0),
        )


class FAQCategoryViewSet(SnippetViewSet):
    model = FAQCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["name", "slug", "sort_order"]


class FAQViewSetGroup(SnippetViewSetGroup):
    menu_label = _("FAQs")
    menu_icon = "help"
    menu_order = 240
    items = [FAQViewSet, FAQCategoryViewSet]


register_snippet(FAQViewSetGroup)


class GovernanceViewSetGroup(ViewSetGroup):
    menu_label = _("Governance")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = [BoardTermViewSet, BoardApprovalViewSet, PolicyWithdrawalViewSet]


@hooks.register("register_admin_viewset")
def register_governance():
    return GovernanceViewSetGroup()


@hooks.register("register_log_actions")
def register_governance_log_actions(actions):
    actions.register_action(
        "cms.board_approval", _("Board approval recorded"), _("The board's approval was recorded")
    )
    actions.register_action(
        "cms.board_approval_correction",
        _("Board approval corrected"),
        _("A correction of the board's approval was recorded"),
    )
    actions.register_action(
        "cms.policy_withdraw", _("Policy withdrawn"), _("The policy was withdrawn")
    )
    actions.register_action(
        "cms.policy_import",
        _("Policy imported"),
        _("A draft was created from an imported document"),
    )


@hooks.register("register_admin_urls")
def governance_admin_urls():
    return [
        path(
            "governance/approvals/<int:pk>/correct/",
            ApprovalCorrectionView.as_view(),
            name="cms_approval_correct",
        ),
        path(
            "governance/policies/<int:page_id>/withdraw/",
            PolicyWithdrawView.as_view(),
            name="cms_policy_withdraw",
        ),
    ]


@hooks.register("register_admin_urls")
def translation_report_urls():
    return [
        path(
            "reports/missing-translations/",
            MissingTranslationsView.as_view(),
            name="cms_missing_translations",
        )
    ]


@hooks.register("register_reports_menu_item")
def translation_report_menu_item():
    return MenuItem(
        _("Missing translations"), reverse("cms_missing_translations"), icon_name="site", order=700
    )


@hooks.register("register_page_header_buttons")
def policy_withdraw_button(page, user, view_name, next_url=None):
    if (
        isinstance(page.specific_deferred, PolicyPage)
        and page.live
        and user_can_record_approvals(user)
        and not PolicyWithdrawal.objects.filter(policy_id=page.pk).exists()
    ):
        yield Button(
            _("Withdraw the policy"),
            url=reverse("cms_policy_withdraw", args=[page.pk]),
            icon_name="cross",
            priority=80,
        )


@hooks.register("register_admin_urls")
def policy_import_urls():
    return [
        path("policies/import/", PolicyImportUploadView.as_view(), name="cms_policy_import"),
        path(
            "policies/import/<int:pk>/",
            PolicyImportPreviewView.as_view(),
            name="cms_policy_import_preview",
        ),
        path(
            "governance/imported-approvals/",
            ImportedApprovalsView.as_view(),
            name="cms_policy_import_approvals",
        ),
        path(
            "governance/imported-approvals/<int:pk>/",
            ImportedApprovalConfirmView.as_view(),
            name="cms_policy_import_approval",
        ),
    ]


class PolicyImportMenuItem(MenuItem):
    def is_shown(self, request):
        # Only who may add a page somewhere may add one under the catalogue: most staff may not,
        # and are answered from their page permissions without looking for the catalogue in the
        # page tree on every admin page. The policy registered for pages (the association's,
        # portal.accounts.pages) is the one the sidebar's page search asks: its permissions are
        # read once a request for both, and only the groups that count on this host count.
        if not policy_registry.get_by_type(Page).user_has_permission(request.user, "add"):
            return False
        catalogue = policy_catalogue(site_for_request(request))
        return (
            catalogue is not None and catalogue.permissions_for_user(request.user).can_add_subpage()
        )


class ImportedApprovalsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_record_approvals(request.user)


@hooks.register("register_admin_menu_item")
def policy_import_menu_item():
    return PolicyImportMenuItem(
        _("Import a policy document"), reverse("cms_policy_import"), icon_name="upload", order=260
    )


@hooks.register("register_admin_menu_item")
def imported_approvals_menu_item():
    return ImportedApprovalsMenuItem(
        _("Approvals to confirm"),
        reverse("cms_policy_import_approvals"),
        icon_name="tick-inverse",
        order=255,
    )
