"""The parts the field sets are made of: a choice among the association's own rows, several
documents in one field, checked together, and the text and numeric inputs."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.functional import lazy
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


def text(label, max_length, **kwargs):
    return forms.CharField(label=label, max_length=max_length, **kwargs)


def numeric_widget(**attrs):
    return forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", **attrs})
