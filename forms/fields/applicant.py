"""What every kind asks of an applicant: the consents, what to do when a required answer is
missing, and the identity fields (name, ID, date of birth, gender, city, mobile)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forms.fields.api import form_openapi_schema
from forms.fields.parts import numeric_widget, text
from forms.models import Gender
from forms.validators import (
    normalise_mobile,
    normalise_national_id,
    parse_date_input,
    validate_birth_date,
)


class ConsentFieldsMixin:
    """The declaration and consents a field set asks (`consent_texts`), and what to say when a
    required answer is missing (`required_messages`)."""

    consent_texts: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.asks_consent():
            self.add_consent_fields()
        self.say_what_to_do()

    def asks_consent(self) -> bool:
        """Whether this filing is asked the consents (all are, unless a kind says otherwise)."""
        return True

    @classmethod
    def openapi_schema(cls, *, json: bool = False) -> dict:
        """The form's fields as an OpenAPI object, for the API's request body (in JSON, without
        the documents, which only multipart carries)."""
        return form_openapi_schema(cls, json=json)

    def add_consent_fields(self):
        for purpose, (label, required) in self.consent_texts.items():
            self.fields[f"consent_{purpose}"] = forms.BooleanField(
                label=label,
                required=required,
                error_messages={
                    "required": _("Tick this box to agree; we cannot go on without it.")
                },
            )

    # What to do, field by field, when a required answer is missing (GOV.UK style).
    required_messages: dict = {}

    def say_what_to_do(self):
        for name, message in self.required_messages.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

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
