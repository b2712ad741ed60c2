"""The inbox's list of one kind: its columns, the rows the user's role may see, the search box
through the submission search, and the audited spreadsheet export.

An association may hold hundreds of thousands of submissions: the list reads only its page (down
the kind's `(site, -submitted_at, -id)` index), counts only so far (`CountedSoFarPaginator`), and
asks about failed messages for the page's rows alone."""

import inspect
from functools import partialmethod

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, TitleColumn
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import IndexView

from forms.admin.tables import (
    CheckboxColumn,
    ChoiceColumn,
    InboxTable,
    LinkTitleColumn,
    PlainColumn,
)
from forms.admin.views import Forbidden403Mixin
from forms.casework import registry, selectors
from forms.casework.kinds import SubmissionKind
from forms.kinds.help import HELP_REQUESTS
from portal.core.spreadsheets import SafeSpreadsheetExportMixin


class CountedSoFarPaginator(WagtailPaginator):
    """A paginator that counts the rows only so far: exactly up to `limit` rows (or a few pages
    past the one asked for), else it knows there are more. Counting every row of a large
    association on each view of its list costs time in proportion to its size; beyond the limit
    the list says "more than" (`exact` is False) and every page it links to exists."""

    limit = 10_000
    pages_ahead = 5  # past the page asked for, so the links to the next pages lead somewhere

    def get_page(self, number):
        try:
            wanted = max(1, int(number))
        except (TypeError, ValueError):
            wanted = 1
        self.counted_to = max(self.limit, (wanted + self.pages_ahead) * self.per_page)
        return super().get_page(number)

    @cached_property
    def count(self):
        bound = getattr(self, "counted_to", self.limit)
        if not hasattr(self.object_list, "query"):
            return super().count
        # Unordered: which rows are counted does not change how many there are up to the bound,
        # and without the list's order the database counts down whichever index fits the
        # filters (an overdue list: the (site, status, due date) index) instead of walking the
        # association's rows newest first and filtering each.
        counted = self.object_list.order_by()[: bound + 1].count()
        self._known = min(counted, bound)
        return counted

    @property
    def known(self) -> int:
        """The rows counted for sure: all of them when `exact`, else fewer than there are."""
        count = self.count
        return getattr(self, "_known", count)

    @property
    def exact(self) -> bool:
        return self.known == self.count

    @property
    def known_pages(self) -> int:
        """Pages known to be full (what "page 1 of more than …" names)."""
        return self.known // self.per_page

    @cached_property
    def items_count_label(self):
        if self.count and self.exact:
            return super().items_count_label
        return _("More than %(count)s %(name)s") % {
            "count": self.known,
            "name": self.verbose_name_plural,
        }


class SubmissionIndexView(Forbidden403Mixin, SafeSpreadsheetExportMixin, IndexView):
    default_ordering = "-submitted_at"
    paginator_class = CountedSoFarPaginator
    table_class = InboxTable

    @cached_property
    def kind(self) -> SubmissionKind:
        return registry.of(self.model)

    def get_base_queryset(self):
        related = ["assignee", *([self.kind.type_field] if self.kind.type_field else [])]
        return selectors.submissions_for(self.request.user, self.kind).select_related(*related)

    @cached_property
    def columns(self):
        return [
            CheckboxColumn(column.name, obj_type=column.obj_type)
            if type(column) is BulkActionsCheckboxColumn
            else column
            for column in super().columns
        ]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        if column_class is TitleColumn:
            column_class = LinkTitleColumn
        return super()._get_title_column(field_name, column_class, **kwargs)

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column:
            column_class = PlainColumn
        column = super()._get_custom_column(field_name, column_class, **kwargs)
        field = self._choice_field(column.accessor)
        if column_class is PlainColumn and field is not None:
            # The field's label, as `get_FOO_display` gives it, translated once per language.
            column = ChoiceColumn(
                column.name, field=field, label=column.label, sort_key=column.sort_key, **kwargs
            )
        return column

    def _choice_field(self, accessor):
        """The model's field with choices that the accessor `get_<field>_display` shows, when it
        is the method Django gives such a field (not one the model writes itself)."""
        if not (isinstance(accessor, str) and accessor.startswith("get_")):
            return None
        if not accessor.endswith("_display") or "." in accessor:
            return None
        if not isinstance(inspect.getattr_static(self.model, accessor, None), partialmethod):
            return None
        name = accessor.removeprefix("get_").removesuffix("_display")
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return field if field.choices and not field.is_relation else None

    @cached_property
    def _inspect_urls(self) -> dict:
        return {}

    def get_inspect_url(self, instance):
        # Asked up to three times a row (its link, and the "more" menu that leaves it out):
        # reversed once.
        urls = self._inspect_urls
        if instance.pk not in urls:
            urls[instance.pk] = super().get_inspect_url(instance)
        return urls[instance.pk]

    def get_list_more_buttons(self, instance):
        # Submissions are written through their services, never edited, copied or deleted from
        # a row: the row's "more" menu would hold only the link its title already is.
        inspect_url = self.get_inspect_url(instance)
        return [
            button
            for button in super().get_list_more_buttons(instance)
            if getattr(button, "url", None) != inspect_url
        ]

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        # One query for the page's rows, never a subquery over every row of the association.
        page.object_list = selectors.with_failed_messages(list(rows))
        return paginator, page, page.object_list, is_paginated

    @cached_property
    def _permission_answers(self) -> dict:
        return {}

    # The permission policy's answer is the same for every row of the list: ask it once per
    # action, not once per row and button.
    def user_has_permission(self, permission):
        answers = self._permission_answers
        if permission not in answers:
            answers[permission] = super().user_has_permission(permission)
        return answers[permission]

    def user_has_any_permission(self, permissions):
        key = frozenset(permissions)
        answers = self._permission_answers
        if key not in answers:
            answers[key] = super().user_has_any_permission(permissions)
        return answers[key]

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.submissions_matching(queryset, self.request.user, self.search_query)

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
