"""What every kind asks of an applicant: the consents, what to do when a required answer is
missing, and the identity fields (name, ID, date of birth, gender, city, mobile)."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from forms.fields.api import form_openapi_schema
from forms.fields.parts import PreparedFields, copy_fields, numeric_widget, text
from forms.models import Gender
from forms.validators import (
    normalise_mobile,
    normalise_national_id,
    parse_date_input,
    validate_birth_date,
)


class ConsentFieldsMixin:
    """The declaration and consents a field set asks (`consent_texts`), and what to say when a
    required answer is missing (`required_messages`).

    Every form of a field set starts from the same fields: the declared ones, the consents and
    the messages, made once per class (`_prototypes`). Each form gets its own copies of them, as
    Django copies a form's declared fields, only made without `copy.deepcopy`'s generic walk
    (see `copy_fields`): a filing builds its form on every request."""

    consent_texts: dict = {}

    def __init__(self, *args, **kwargs):
        declared, consents = self._prototypes()
        # Django's form copies `base_fields` for each form: here, the prepared prototypes
        self.base_fields = declared
        super().__init__(*args, **kwargs)
        if self.asks_consent():
            self.fields.update(copy_fields(consents))

    @classmethod
    def _prototypes(cls) -> tuple[dict, dict]:
        """(the declared fields, the consent fields), each with the message saying what to do
        when it is missing: made once per class, then only copied (never handed to a form)."""
        made = cls.__dict__.get("_prepared_fields")
        if made is not None and made[0] is cls.base_fields:
            return made[1], made[2]
        declared = PreparedFields(copy.deepcopy(cls.base_fields))
        consents = cls.consent_fields()
        for fields in (declared, consents):
            for name, field in fields.items():
                if name in cls.required_messages:
                    field.error_messages["required"] = cls.required_messages[name]
        # (a class whose declared fields are replaced afterwards is prepared again)
        cls._prepared_fields = (cls.base_fields, declared, consents)
        return declared, consents

    def asks_consent(self) -> bool:
        """Whether this filing is asked the consents (all are, unless a kind says otherwise)."""
        return True

    @classmethod
    def openapi_schema(cls, *, json: bool = False) -> dict:
        """The form's fields as an OpenAPI object, for the API's request body (in JSON, without
        the documents, which only multipart carries)."""
        return form_openapi_schema(cls, json=json)

    @classmethod
    def consent_fields(cls) -> dict:
        return {
            f"consent_{purpose}": forms.BooleanField(
                label=label,
                required=required,
                error_messages={
                    "required": _("Tick this box to agree; we cannot go on without it.")
                },
            )
            for purpose, (label, required) in cls.consent_texts.items()
        }

    # What to do, field by field, when a required answer is missing (GOV.UK style).
    required_messages: dict = {}

    def consents(self) -> dict:
        return {
            purpose: self.cleaned_data.get(f"consent_{purpose}", False)
            for purpose in self.consent_texts
        }


class ApplicantFieldsMixin(forms.Form):
    full_name = text(_("Full name"), 200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    national_id = forms.CharField(
        label=_("National ID or iqama number"),
        help_text=_("10 digits, starting with 1 (citizens) or 2 (residents)."),
        widget=numeric_widget(autocomplete="off", maxlength="14"),
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        help_text=_("Day/month/year, Gregorian (e.g. 15/3/1990) or Hijri (e.g. 18/8/1410)."),
        widget=numeric_widget(autocomplete="bday", placeholder="15/3/1990"),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    city = text(_("City"), 80, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    mobile = forms.CharField(
        label=_("Mobile number"),
        help_text=_("For example 0551234567. We send your receipt to it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )

    applicant_messages = {
        "full_name": _("Enter your full name as on your ID."),
        "national_id": _("Enter the 10-digit national ID or iqama number that starts with 1 or 2."),
        "date_of_birth": _("Enter your date of birth as day/month/year, e.g. 15/3/1990."),
        "gender": _("Choose your gender."),
        "city": _("Enter the city you live in."),
        "mobile": _("Enter your mobile number, e.g. 0551234567."),
    }

    def clean_national_id(self):
        return normalise_national_id(self.cleaned_data["national_id"])

    def clean_mobile(self):
        return normalise_mobile(self.cleaned_data["mobile"])

    def clean_date_of_birth(self):
        return validate_birth_date(parse_date_input(self.cleaned_data["date_of_birth"]))
