"""The staff inbox in the Wagtail admin: one viewset per kind of submission, joining its list
(forms.admin.lists), its page (forms.admin.inspect) and that page's actions
(forms.admin.actions), its chooser, filters, menu items and export.

`SubmissionViewSet` serves any registered kind; the kinds this app declares have their own
subclass with their columns, export and menu."""

from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.snippets.views.snippets import SnippetViewSet

from forms.admin.actions import AssignView, ExtendView, NoteView, ResendView, TransitionView
from forms.admin.chooser import SubmissionChooserViewSet
from forms.admin.inspect import SubmissionHistoryView, SubmissionInspectView, SubmissionUsageView
from forms.admin.lists import HelpRequestIndexView, SubmissionIndexView
from forms.admin.tables import MESSAGES_COLUMN, AssigneeColumn, DaysLeftColumn
from forms.casework import registry
from forms.casework.filters import filterset_for
from forms.casework.kinds import SubmissionKind
from forms.kinds.complaint import COMPLAINTS
from forms.kinds.help import HELP_REQUESTS
from forms.kinds.volunteer import VOLUNTEER_APPLICATIONS


class SubmissionViewSet(SnippetViewSet):
    """The inbox of one kind. Without a subclass of its own, a kind gets this one: a list with
    the shared columns and a page with the fields the kind shows staff."""

    kind: SubmissionKind = None
    inspect_view_enabled = True
    menu_item_is_registered = True  # in the Inbox menu (wagtail_hooks), not under Snippets
    copy_view_enabled = False
    index_view_class = SubmissionIndexView
    index_results_template_name = "intake/admin/index_results.html"
    inspect_view_class = SubmissionInspectView
    chooser_viewset_class = SubmissionChooserViewSet
    history_view_class = SubmissionHistoryView
    usage_view_class = SubmissionUsageView
    icon = "doc-full"
    menu_order = 100
    ordering = ["-submitted_at"]
    search_fields = ["reference"]  # the search box itself goes through the submission search
    list_display = [
        "reference",
        "status",
        "channel",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        MESSAGES_COLUMN,
    ]

    def __init__(self, kind: SubmissionKind | None = None, **kwargs):
        self.kind = kind or self.kind
        self.model = self.kind.model
        super().__init__(**kwargs)

    @property
    def menu_label(self):
        return capfirst(self.kind.label_plural)

    def get_admin_url_namespace(self):
        return self.admin_url_namespace or f"inbox_{self.kind.slug}"

    def get_admin_base_path(self):
        return self.base_url_path or f"inbox/{self.kind.api_slug}"

    @property
    def filterset_class(self):
        return filterset_for(self.kind)

    @property
    def inspect_view_fields(self):
        return list(self.kind.applicant_fields)

    @property
    def export_filename(self):
        return self.kind.api_slug

    def menu_items(self) -> list[tuple]:
        """(label, url, icon, order, permission) of this kind in the Inbox menu."""
        return [
            (
                self.menu_label,
                reverse(f"{self.get_admin_url_namespace()}:list"),
                self.icon,
                self.menu_order,
                self.kind.view_permission,
            )
        ]

    def get_urlpatterns(self):
        kwargs = {"model": self.model, "url_namespace": self.get_admin_url_namespace()}
        return super().get_urlpatterns() + [
            path("transition/<int:pk>/", TransitionView.as_view(**kwargs), name="transition"),
            path("assign/<int:pk>/", AssignView.as_view(**kwargs), name="assign"),
            path("note/<int:pk>/", NoteView.as_view(**kwargs), name="note"),
            path("resend/<int:pk>/", ResendView.as_view(**kwargs), name="resend"),
            path("extend/<int:pk>/", ExtendView.as_view(**kwargs), name="extend"),
        ]


class HelpRequestViewSet(SubmissionViewSet):
    kind = HELP_REQUESTS
    icon = "help"
    menu_order = 10
    admin_url_namespace = "inbox_help"
    base_url_path = "inbox/help-requests"
    index_view_class = HelpRequestIndexView
    list_display = [
        "reference",
        "full_name",
        "support_type",
        "status",
        "channel",
        "city",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        DaysLeftColumn("days_left", label=gettext_lazy("Days left"), sort_key="response_due"),
        MESSAGES_COLUMN,
    ]
    list_export = [
        "reference",
        "submitted_at",
        "support_type",
        "get_status_display",
        "get_channel_display",
        "city",
        "district",
        "full_name",
        "national_id",
        "mobile",
        "family_size",
        "monthly_income",
        "response_due",
        "decided_at",
        "assignee",
    ]
    export_headings = {
        "get_status_display": gettext_lazy("status"),
        "get_channel_display": gettext_lazy("channel"),
    }

    def menu_items(self) -> list[tuple]:
        return [
            *super().menu_items(),
            (
                _("Awaiting the committee's decision"),
                reverse("inbox_help:list") + "?status=referred&ordering=response_due",
                "tasks",
                20,
                self.kind.view_permission,
            ),
            (
                _("Record an off-line request"),
                reverse("intake_record_request"),
                "form",
                40,
                self.kind.add_permission,
            ),
        ]


class VolunteerApplicationViewSet(SubmissionViewSet):
    kind = VOLUNTEER_APPLICATIONS
    icon = "group"
    menu_order = 30
    admin_url_namespace = "inbox_volunteers"
    base_url_path = "inbox/volunteers"
    list_display = [
        "reference",
        "full_name",
        "status",
        "city",
        "hours_per_week",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        MESSAGES_COLUMN,
    ]
    list_export = [
        "reference",
        "submitted_at",
        "get_status_display",
        "full_name",
        "mobile",
        "email",
        "city",
        "education",
        "get_skills_display",
        "get_interests_display",
        "languages",
        "get_availability_display",
        "hours_per_week",
        "platform_account",
    ]
    export_headings = {
        "get_status_display": gettext_lazy("status"),
        "get_skills_display": gettext_lazy("skills"),
        "get_interests_display": gettext_lazy("fields of interest"),
        "get_availability_display": gettext_lazy("availability (days and times)"),
    }


class ComplaintViewSet(SubmissionViewSet):
    kind = COMPLAINTS
    icon = "warning"
    menu_order = 35
    admin_url_namespace = "inbox_complaints"
    base_url_path = "inbox/complaints"
    list_display = [
        "reference",
        "nature",
        "theme",
        "status",
        "channel",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        DaysLeftColumn("days_left", label=gettext_lazy("Days left"), sort_key="response_due"),
    ]
    list_export = [
        "reference",
        "submitted_at",
        "get_nature_display",
        "get_theme_display",
        "support_type",
        "get_status_display",
        "get_channel_display",
        "anonymous",
        "full_name",
        "mobile",
        "response_due",
        "decided_at",
        "escalated_at",
        "assignee",
    ]
    export_headings = {
        "get_nature_display": gettext_lazy("complaint or suggestion"),
        "get_theme_display": gettext_lazy("theme"),
        "get_status_display": gettext_lazy("status"),
        "get_channel_display": gettext_lazy("channel"),
    }


def inbox_viewsets() -> list[SubmissionViewSet]:
    """One viewset per registered kind: its own where this app declares one, else the default."""
    declared = {
        viewset.kind.slug: viewset
        for viewset in (HelpRequestViewSet, VolunteerApplicationViewSet, ComplaintViewSet)
    }
    return [
        declared[kind.slug]() if kind.slug in declared else SubmissionViewSet(kind=kind)
        for kind in registry.kinds()
    ]
