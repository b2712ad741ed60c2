"""The inbox's list of one kind: its columns, the rows the user's role may see, the search box
through the submission search, and the audited spreadsheet export."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import IndexView

from forms.admin.views import Forbidden403Mixin
from forms.casework import registry, selectors
from forms.casework.kinds import SubmissionKind
from forms.kinds.help import HELP_REQUESTS
from portal.core.people import display_name
from portal.core.spreadsheets import SafeSpreadsheetExportMixin


class DaysLeftColumn(Column):
    cell_template_name = "intake/admin/days_left_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        days = instance.days_left(parent_context.get("today"))
        context.update(days=days, overdue=days is not None and days < 0, count=abs(days or 0))
        return context


class AssigneeColumn(Column):
    def get_value(self, instance):
        user = instance.assignee
        return display_name(user) if user else ""


class MessageFailedColumn(Column):
    """Flags a submission whose applicant did not get a message after the last retry."""

    cell_template_name = "intake/admin/message_failed_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["failed"] = getattr(instance, "message_failed", False)
        return context


MESSAGES_COLUMN = MessageFailedColumn("message_failed", label=gettext_lazy("Messages"))


class SubmissionIndexView(Forbidden403Mixin, SafeSpreadsheetExportMixin, IndexView):
    default_ordering = "-submitted_at"

    @cached_property
    def kind(self) -> SubmissionKind:
        return registry.of(self.model)

    def get_base_queryset(self):
        related = ["assignee", *([self.kind.type_field] if self.kind.type_field else [])]
        return selectors.with_failed_messages(
            selectors.submissions_for(self.request.user, self.kind).select_related(*related)
        )

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.submissions_matching(queryset, self.request.user, self.search_query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context

    @cached_property
    def show_export_buttons(self):
        return bool(self.list_export) and self.request.user.has_perm(self.kind.export_permission)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if not self.request.user.has_perm(self.kind.export_permission):
            raise PermissionDenied
        log(
            instance=self.request.user,
            action="intake.export",
            user=self.request.user,
            data={
                "model": self.model._meta.label_lower,
                "format": spreadsheet_format,
                "rows": queryset.count(),
                "filters": {
                    key: self.request.GET.getlist(key)
                    for key in self.request.GET
                    if key not in ("export",)
                },
            },
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class HelpRequestIndexView(SubmissionIndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm(HELP_REQUESTS.add_permission):
            buttons.append(
                HeaderButton(
                    _("Record an off-line request"),
                    url=reverse("intake_record_request"),
                    icon_name="form",
                )
            )
        return buttons
