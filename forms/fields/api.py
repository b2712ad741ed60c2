"""A field set as the API's request body: reading a JSON or multipart body without coercion, and
the OpenAPI object that documents it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _json_kind(field) -> str:
    """The JSON type a field takes: booleans, numbers (or digits in a string), files (multipart
    only), or strings."""
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.ModelChoiceField):
        return "number"
    return "string"


_FIELD_TYPES: dict[type, dict] = {}


def _field_types(form_class) -> dict:
    """A field set's fields as made by its form, once per process: only their types and
    whether they are required are read here, and those never change (each filing builds its
    own form to validate)."""
    fields = _FIELD_TYPES.get(form_class)
    if fields is None:
        fields = _FIELD_TYPES[form_class] = dict(form_class().fields)
    return fields


def strict_form_data(form_class, data, *, json: bool) -> dict:
    """What a Django form reads, from an API body, without coercion: in JSON, booleans must be
    booleans, strings strings, numbers numbers (or strings of digits, Arabic-Indic ones too);
    in multipart, one value a field. Raises ValidationError with a translated message per field.
    Unknown keys are ignored, as a form ignores them."""
    fields = _field_types(form_class)
    errors, values = {}, {}
    for name, field in fields.items():
        if json:
            if name not in data:
                continue
            value, kind = data[name], _json_kind(field)
            if value is None and not field.required:
                continue
            if kind == "file":
                errors[name] = [_("Send documents as multipart/form-data, not in JSON.")]
            elif kind == "boolean":
                if not isinstance(value, bool):
                    errors[name] = [_("Send true or false.")]
                elif value:
                    values[name] = "on"
            elif kind == "number":
                if isinstance(value, bool) or not isinstance(value, int | float | str):
                    errors[name] = [_("Send a number.")]
                else:
                    values[name] = str(value)
            elif not isinstance(value, str):
                errors[name] = [_("Send text.")]
            else:
                values[name] = value
        elif name in data and not isinstance(field, forms.FileField):
            items = data.getlist(name)
            if len(items) > 1:
                errors[name] = [_("Send one value for this field.")]
            else:
                values[name] = items[0]
    if errors:
        raise ValidationError(errors, code="invalid_type")
    return values


def form_openapi_schema(form_class, *, json: bool = False) -> dict:
    """A form's fields as an OpenAPI object, for the API's request body (in JSON, without the
    documents, which only multipart carries)."""
    form = form_class()
    properties = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField) and json:
            continue
        if isinstance(field, forms.FileField):
            properties[name] = {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
            }
        elif isinstance(field, forms.MultipleChoiceField):
            properties[name] = {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": [str(value) for value, _l in field.choices],
                },
            }
        elif isinstance(field, forms.BooleanField):
            properties[name] = {"type": "boolean"}
        elif isinstance(field, forms.IntegerField | forms.ModelChoiceField):
            properties[name] = {"type": "integer"}
        elif isinstance(field, forms.DecimalField):
            properties[name] = {"type": "number"}
        else:
            properties[name] = {"type": "string"}
        properties[name]["description"] = str(field.label)
    required = [
        name for name, field in form.fields.items() if field.required and name in properties
    ]
    return {"type": "object", "properties": properties, "required": required}
