"""The inbox's filters for a kind, shared by the admin's lists and the staff API: status, the
kind's type, channel, assignee, overdue (kinds that promise a date), a failed message, date range
and city."""

import functools

import django_filters
import django_filters.fields

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from forms.casework.kinds import SubmissionKind
from forms.casework.selectors import staff_for
from forms.models import Channel
from forms.notifications import failed_messages
from portal.core.associations import current_or_default_site


class _ChoicesReadOnce(django_filters.fields.ModelChoiceIterator):
    """A model choice's options read by one plain query (kept for a second reading), not through
    a server-side cursor: on PostgreSQL, Django's `iterator()` declares, fetches from and closes
    a cursor, three round trips where one does for the few rows of a filter."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        if field.null_label is not None:
            yield (field.null_value, field.null_label)
        for row in self.queryset:
            yield self.choice(row)


class _ModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ChoicesReadOnce


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _ModelChoiceField


YES_NO = [("", "---------"), ("true", _("Yes")), ("false", _("No"))]


def _overdue_filter(kind: SubmissionKind):
    def filter_overdue(queryset, name, value):
        overdue = Q(status__in=kind.open, **{f"{kind.due_field}__lt": timezone.localdate()})
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    return django_filters.BooleanFilter(
        label=_("Overdue"), method=filter_overdue, widget=forms.Select(choices=YES_NO)
    )


def _message_failed_filter():
    def filter_message_failed(queryset, name, value):
        failed = failed_messages().values("case_file_id")
        return (
            queryset.filter(case_file_id__in=failed)
            if value
            else queryset.exclude(case_file_id__in=failed)
        )

    return django_filters.BooleanFilter(
        label=_("A message failed"),
        method=filter_message_failed,
        widget=forms.Select(choices=YES_NO),
    )


def _choices_filter(name: str, choices, field):
    """Answers stored as codes ("education,health"): any of the chosen codes matches."""

    def filter_codes(queryset, _name, values):
        if not values:
            return queryset
        match = Q()
        for code in values:
            match |= Q(**{f"{name}__regex": rf"(^|,){code}(,|$)"})
        return queryset.filter(match)

    return django_filters.MultipleChoiceFilter(
        label=capfirst(field.verbose_name),
        choices=choices.choices,
        method=filter_codes,
        widget=forms.CheckboxSelectMultiple,
    )


def _association_rows(model):
    """The rows of `model` of the current association (read per request), or all of them for a
    model no association owns."""
    names = {field.name for field in model._meta.get_fields()}

    def rows(request=None):
        if "site" in names:
            return model.objects.filter(site=current_or_default_site())
        return model.objects.all()

    return rows


@functools.cache
def filterset_for(kind: SubmissionKind) -> type[WagtailFilterSet]:
    """The filter set of `kind`'s lists (built once per kind)."""
    model_fields = {field.name for field in kind.model._meta.get_fields()}
    filters = {
        # A row has one status: no DISTINCT (django-filter's default for a multiple choice),
        # which made the database sort every matching row by all its columns before the page.
        "status": django_filters.MultipleChoiceFilter(
            label=_("Status"),
            choices=kind.Status.choices,
            widget=forms.CheckboxSelectMultiple,
            distinct=False,
        )
    }
    if kind.type_field:
        field = kind.model._meta.get_field(kind.type_field)
        filters[kind.type_field] = ModelChoiceFilter(
            label=capfirst(field.verbose_name), queryset=_association_rows(field.related_model)
        )
    filters["channel"] = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    filters["assignee"] = ModelChoiceFilter(
        label=_("Assigned to"),
        # What an option shows and the ordering need: not every column of each account.
        queryset=lambda request=None: staff_for(kind).only("username", "first_name", "last_name"),
    )
    if kind.due_field:
        filters["overdue"] = _overdue_filter(kind)
    filters["message_failed"] = _message_failed_filter()
    filters["submitted_at"] = django_filters.DateFromToRangeFilter(
        label=_("Submitted"), widget=DateRangePickerWidget
    )
    for name, choices in kind.choice_filters.items():
        filters[name] = _choices_filter(name, choices, kind.model._meta.get_field(name))
    if "city" in model_fields:
        filters["city"] = django_filters.CharFilter(label=_("City"), lookup_expr="icontains")
    methods = {"overdue", "message_failed", *kind.choice_filters}
    meta = type(
        "Meta", (), {"model": kind.model, "fields": [n for n in filters if n not in methods]}
    )
    return type(f"{kind.model.__name__}FilterSet", (WagtailFilterSet,), {**filters, "Meta": meta})


def orderings_for(kind: SubmissionKind) -> set[str]:
    """The orderings the staff API accepts for `kind`'s lists."""
    orderings = {"submitted_at", "-submitted_at", "status"}
    if kind.due_field:
        orderings |= {kind.due_field, f"-{kind.due_field}"}
    return orderings
