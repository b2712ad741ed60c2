"""The inbox lists' table and cells: Wagtail's, with the rows written in one pass of Python.

A list's page holds twenty rows of a dozen cells. Wagtail draws each cell through a template tag
and a template of its own, which costs far more than the value the cell shows; here each row's
cells are joined in Python, and the cells of the inbox's columns (the checkbox, the reference
linking to the submission's page, the plain values, the days left, a failed message) are written
without a template, as the templates would write them. A column that keeps its template (one of
Wagtail's, or a title cell with buttons) still draws through it."""

import datetime as dt
import functools
import html

from django.contrib.admin.utils import quote
from django.templatetags.l10n import unlocalize
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, Table, TitleColumn

from portal.core.people import display_name

# The cells are written with the standard library's escaping, which Django's `escape` wraps: a
# cell escapes a few values, and Django's lazy-aware wrappers cost more than the escaping.


def escaped(value) -> str:
    """`value` escaped for HTML, as `conditional_escape` does (a safe string stays as it is)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def cell_text(value) -> str:
    """A value as a template writes `{{ value }}`: local time, localised, escaped."""
    if isinstance(value, dt.date):
        return escaped(_moment_text(value, get_language(), timezone.get_current_timezone_name()))
    if not isinstance(value, str):
        value = localize(value)
    return escaped(value)


@functools.lru_cache(maxsize=4096)
def _moment_text(value, language: str, zone: str) -> str:
    """A date or a moment written in the language's format, in local time: what it shows
    depends on these alone (an aware moment is the same instant whatever zone it carries), and
    formatting one costs more than the rest of its row's cells. `language` and `zone` are the
    active ones, named for the cache."""
    return localize(timezone.template_localtime(value))


def attributes(attrs: dict) -> str:
    """HTML attributes as Wagtail's `shared/attrs.html` writes them (False leaves one out, True
    writes its name alone)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def column_value(column, instance):
    """What Wagtail's `Column` gives its template as `value`: a number unlocalised, an empty
    value (None included) as the column's `empty_value_display`."""
    value = column.get_value(instance)
    if isinstance(value, int) and not isinstance(value, bool):
        value = unlocalize(value)
    if value is None or not str(value).strip():
        return column.empty_value_display
    return value


def _td(column, content: str) -> str:
    """The cell of `column` around `content`, HTML already escaped."""
    if column.classname:
        return mark_safe(f'<td class="{escaped(column.classname)}">{content}</td>')  # noqa: S308
    return mark_safe(f"<td>{content}</td>")  # noqa: S308


class InboxTable(Table):
    """Wagtail's table whose body is joined in Python: each cell gets what Wagtail's template
    would give it (the table, the request, the row), and the day the page is drawn."""

    template_name = "intake/admin/table.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["body"] = self.render_body(context.get("request"))
        return context

    def render_body(self, request) -> str:
        columns = list(self.columns.values())
        today = timezone.localdate()
        rows = []
        for row in self.rows:
            cell_context = {"table": self, "request": request, "row": row, "today": today}
            cells = "".join(
                [column.render_cell_html(row.instance, cell_context) for column in columns]
            )
            rows.append(f"<tr{attributes(row.attrs)}>{cells}</tr>")
        return mark_safe("\n".join(rows))  # noqa: S308 - every part is escaped where it is made


class CheckboxColumn(BulkActionsCheckboxColumn):
    """The bulk actions' checkbox of a row, written as Wagtail's template writes it."""

    def render_cell_html(self, instance, parent_context):
        if self.obj_type == "page":
            return super().render_cell_html(instance, parent_context)
        return mark_safe(  # noqa: S308 - every value escaped
            '<td class="bulk-action-checkbox-cell"><input type="checkbox"'
            f' data-object-id="{escaped(quote(unlocalize(instance.pk)))}" data-bulk-action-checkbox'
            f' class="bulk-action-checkbox" aria-label="{escaped(gettext("Select"))}"'
            f' aria-describedby="{escaped(self.get_aria_describedby(instance))}" /></td>'
        )


class LinkTitleColumn(TitleColumn):
    """The row's title linking to its page. A row with buttons keeps Wagtail's template."""

    def render_cell_html(self, instance, parent_context):
        get_buttons = getattr(self, "get_buttons", None)
        url = self.get_link_url(instance, parent_context)
        if not url or (get_buttons and get_buttons(instance, parent_context)):
            return super().render_cell_html(instance, parent_context)
        shown = cell_text(column_value(self, instance))
        title_id = self.get_title_id(instance, parent_context)
        if title_id:
            shown = f'<span id="{escaped(title_id)}">{shown}</span>'
        attrs = self.get_link_attrs(instance, parent_context)
        attrs["href"] = url
        if self.link_classname is not None:
            attrs["class"] = self.link_classname
        classname = escaped(f"{self.classname} title" if self.classname else "title")
        return mark_safe(  # noqa: S308 - every value escaped
            f'<td class="{classname}"><div class="title-wrapper">'
            f"<a{attributes(attrs)}>{shown}</a></div></td>"
        )


class PlainColumn(Column):
    """Wagtail's column of one value, written without a template. The value is written as the
    template would (local time, localised, escaped; a number unlocalised), an empty one as
    nothing."""

    def render_cell_html(self, instance, parent_context):
        return _td(self, cell_text(column_value(self, instance)))


class ChoiceColumn(PlainColumn):
    """A field with choices, shown by its label: the labels are translated once per language,
    not once per row (a model's `get_FOO_display` hashes and translates every label of the
    field's choices on each call)."""

    def __init__(self, name, *, field, **kwargs):
        super().__init__(name, **kwargs)
        self.field = field
        self._labels: dict[str, dict] = {}

    def labels(self) -> dict:
        language = get_language()
        labels = self._labels.get(language)
        if labels is None:
            labels = {code: str(label) for code, label in self.field.flatchoices}
            self._labels[language] = labels
        return labels

    def get_value(self, instance):
        value = getattr(instance, self.field.attname)
        try:
            return self.labels().get(value, value)
        except TypeError:  # an unhashable value: as get_FOO_display, shown as it is
            return value


class AssigneeColumn(PlainColumn):
    def get_value(self, instance):
        user = instance.assignee
        return display_name(user) if user else ""


class DaysLeftColumn(Column):
    """Days until the answer is due, "due today", or overdue by so many days (a badge)."""

    def render_cell_html(self, instance, parent_context):
        days = instance.days_left(parent_context.get("today"))
        if days is None:
            return _td(self, "—")
        count = abs(days)
        if days < 0:
            text = ngettext("Overdue by %(count)s day", "Overdue by %(count)s days", count)
            text = escaped(text % {"count": localize(count)})
            return _td(self, f'<span class="w-status w-status--label inbox-overdue">{text}</span>')
        if days == 0:
            text = escaped(gettext("Due today"))
            return _td(self, f'<span class="w-status w-status--primary">{text}</span>')
        text = ngettext("%(count)s day", "%(count)s days", count)
        return _td(self, escaped(text % {"count": localize(count)}))


class MessageFailedColumn(Column):
    """Flags a submission whose applicant did not get a message after the last retry."""

    def render_cell_html(self, instance, parent_context):
        if not getattr(instance, "message_failed", False):
            return _td(self, "")
        text = escaped(gettext("A message failed"))
        return _td(
            self,
            f'<span class="w-status w-status--label inbox-overdue" data-message-failed>{text}</span>',
        )


MESSAGES_COLUMN = MessageFailedColumn("message_failed", label=gettext_lazy("Messages"))
