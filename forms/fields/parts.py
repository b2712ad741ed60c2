"""The parts the field sets are made of: a choice among the association's own rows, several
documents in one field, checked together, and the text and numeric inputs."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forms.attachments import MAX_BYTES, MAX_FILES, check_files
from portal.core.associations import current_site
from portal.core.public_memory import ProcessMemory, public_token

# Rows a filing names by id (its type of support), kept per association under the public token:
# a change of such a row draws a new token (forms.apps), so every process reads it afresh.
_chosen = ProcessMemory(512)


class AssociationChoices(ModelChoiceIterator):
    """The field's choices, scoped to the association when they are listed (not when a form
    copies its fields, which makes a new list of choices for each copy)."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


class AssociationChoiceField(forms.ModelChoiceField):
    """A choice among the current association's rows (its types of support): read when the
    form is used, so each request offers and accepts only its host's."""

    iterator = AssociationChoices

    def __init__(self, *args, remember: bool = False, **kwargs):
        """`remember`: keep the rows read by id in each process's public memory (for rows
        whose every change draws a new public token)."""
        self._scoped = False  # not while the field is declared (no request, maybe no tables)
        super().__init__(*args, **kwargs)
        self._scoped = True
        # rows are remembered per declared field (its filters) and association
        self.remember = (
            f"{self._queryset.model._meta.label}:{self._queryset.query.where!r}" if remember else ""
        )

    def _get_queryset(self):
        queryset = super()._get_queryset()
        if queryset is None or not getattr(self, "_scoped", False):
            return queryset
        return self.scope(queryset, current_site())

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)

    def __deepcopy__(self, memo):
        # Each form copies its fields: the copy keeps the declared rows, which are scoped
        # whenever they are read. (Django's copy reads `queryset`, here the scoped rows: that
        # built a filter for every form, and the copy then filtered by the site twice.)
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        forms.ModelChoiceField._set_queryset(result, self._queryset)
        return result

    def to_python(self, value):
        # Django's, with the association's rows read once (each read builds their filter)
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        if isinstance(value, self._queryset.model):
            value = getattr(value, key)
        site = current_site()
        remembered = (
            (self.remember, site.pk, key, str(value))
            if self.remember and site is not None
            else None
        )
        token = public_token() if remembered else None
        row = _chosen.get(token, remembered) if remembered else None
        if row is None:
            queryset = self.queryset
            try:
                row = queryset.get(**{key: value})
            except (ValueError, TypeError, queryset.model.DoesNotExist):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                ) from None
            if remembered:
                _chosen.set(token, remembered, row)
        # each form gets its own copy of a remembered row
        return copy.copy(row) if remembered else row

    def scope(self, queryset, site):
        """The rows of `site`'s association (`site` is None outside a request)."""
        if site is None:
            # Outside a request: the default association's, as a join (no query now: this also
            # runs where no table exists yet, when the API's schema is built at start-up).
            return queryset.filter(site__is_default_site=True)
        return queryset.filter(site=site)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, checked together (types from their content, sizes, count)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)] if data else []
        check_files(files)
        return files


def _files_help_text() -> str:
    return gettext("PDF, JPEG, PNG or HEIC; up to %(count)d files of %(size)d MB each.") % {
        "count": MAX_FILES,
        "size": MAX_BYTES // (1024 * 1024),
    }


# Translated when shown, in the reader's language (not once, when the module loads).
_files_help = lazy(_files_help_text, str)


def documents_field() -> MultipleFileField:
    """The applicant's documents: optional, with the rules they must follow."""
    return MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_files_help(),
    )


def _how_copied(cls: type, known: tuple) -> int:
    """Which of `known` `__deepcopy__` methods `cls` has (its index, from 1), when `copy.copy`
    of its instances is a new instance with the same `__dict__` (no slots, no copy or pickle
    hooks of its own, so `_shallow` makes that copy); 0 otherwise."""
    how = _HOW.get(cls)
    if how is None:
        plain = (
            not hasattr(cls, "__slots__")
            and not hasattr(cls, "__copy__")
            and not hasattr(cls, "__setstate__")
            and cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__
            and cls.__getstate__ is object.__getstate__
            and cls.__new__ is object.__new__
        )
        deep = cls.__deepcopy__
        how = _HOW[cls] = next(
            (index for index, method in enumerate(known, 1) if plain and deep is method), 0
        )
    return how


_HOW: dict[type, int] = {}
_FIELD_COPIES = (forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__)
_WIDGET_COPIES = (forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__)


def _shallow(obj):
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


def _copy_widget(widget, memo):
    """`copy.deepcopy(widget)` as Django's Widget and ChoiceWidget make it."""
    if id(widget) in memo:  # a widget two fields share stays shared, as deepcopy keeps it
        return memo[id(widget)]
    how = _how_copied(type(widget), _WIDGET_COPIES)
    if not how:
        return copy.deepcopy(widget, memo)
    copied = _shallow(widget)
    copied.attrs = widget.attrs.copy()
    if how == 2:
        choices = widget.choices
        # normalised choices, normalised again by the setter: the same new lists and tuples
        if type(choices) is list:
            copied._choices = _copy_choices(choices, memo)
        else:
            copied.choices = copy.copy(choices)
    memo[id(widget)] = copied
    return copied


_IMMUTABLE = (str, int, float, bool, type(None), Promise)


def _copy_choices(choices, memo):
    """`copy.deepcopy` of normalised choices: lists of (value, label) tuples (or of groups),
    whose values and labels (strings, numbers, lazy translations) are immutable: a tuple of
    them is kept, as deepcopy keeps it."""
    if isinstance(choices, _IMMUTABLE):
        return choices
    if type(choices) is list:
        return [_copy_choices(item, memo) for item in choices]
    if type(choices) is tuple:
        if all(isinstance(item, _IMMUTABLE) for item in choices):
            return choices
        return tuple(_copy_choices(item, memo) for item in choices)
    return copy.deepcopy(choices, memo)


def copy_fields(fields: dict) -> dict:
    """A copy of each of `fields` for one form, the same copy `copy.deepcopy` makes with
    Django's `Field.__deepcopy__` (its own widget, error messages, validators, and a
    ChoiceField's choices) without walking every object generically; a field or widget of
    another kind of copying is deep-copied as usual."""
    memo: dict = {}
    copied = {}
    for name, field in fields.items():
        how = _how_copied(type(field), _FIELD_COPIES)
        if not how:
            copied[name] = copy.deepcopy(field, memo)
            continue
        result = _shallow(field)
        memo[id(field)] = result
        result.widget = _copy_widget(field.widget, memo)
        result.error_messages = field.error_messages.copy()
        result.validators = field.validators[:]
        if how == 2:
            result._choices = _copy_choices(field._choices, memo)
        copied[name] = result
    return copied


class PreparedFields(dict):
    """A form class's fields that each form copies with `copy_fields` (Django's form copies
    its `base_fields` with `copy.deepcopy`)."""

    def __deepcopy__(self, memo):
        return copy_fields(self)


def text(label, max_length, **kwargs):
    return forms.CharField(label=label, max_length=max_length, **kwargs)


def numeric_widget(**attrs):
    return forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", **attrs})
