"""The fields of a help request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forms.consents import HELP_REQUEST_CONSENTS
from forms.fields.applicant import ApplicantFieldsMixin, ConsentFieldsMixin
from forms.fields.parts import AssociationChoiceField, documents_field, numeric_widget, text
from forms.models import (
    ContactChannel,
    MaritalStatus,
    SupportType,
)


class HelpRequestFields(ConsentFieldsMixin, ApplicantFieldsMixin):
    """The fields of a help request: the public form, the API and the off-line record."""

    consent_texts = HELP_REQUEST_CONSENTS

    support_type = AssociationChoiceField(
        label=_("Type of support"),
        queryset=SupportType.objects.filter(active=True),
        remember=True,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    nationality = text(_("Nationality"), 80)
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=MaritalStatus.choices, widget=forms.RadioSelect
    )
    family_size = forms.IntegerField(
        label=_("Number of family members"), min_value=1, max_value=50, widget=numeric_widget()
    )
    dependants = forms.IntegerField(
        label=_("Number of dependants"), min_value=0, max_value=50, widget=numeric_widget()
    )
    monthly_income = forms.DecimalField(
        label=_("Monthly income of the family (SAR)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=numeric_widget(),
    )
    income_sources = text(_("Sources of income"), 300, required=False)
    district = text(_("District"), 80)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Describe your need"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": "3000"}),
    )
    attachments = documents_field()

    sections = [
        (
            _("About you"),
            [
                "full_name",
                "national_id",
                "date_of_birth",
                "gender",
                "nationality",
                "marital_status",
            ],
        ),
        (
            _("Your family and income"),
            ["family_size", "dependants", "monthly_income", "income_sources"],
        ),
        (
            _("Where you live and how to reach you"),
            ["city", "district", "mobile", "email", "preferred_contact"],
        ),
        (_("Your request"), ["support_type", "description", "attachments"]),
    ]
    # The public form, one short page each; the consents join the last one.
    steps = [
        (_("Type of support"), ["support_type"]),
        *sections[:3],  # about you, family and income, where you live
        (_("Your need"), ["description"]),
        (_("Documents and declaration"), ["attachments"]),
    ]
    required_messages = {
        **ApplicantFieldsMixin.applicant_messages,
        "support_type": _("Choose the type of support you need."),
        "nationality": _("Enter your nationality."),
        "marital_status": _("Choose your marital status."),
        "family_size": _("Enter how many people live in your family, including you."),
        "dependants": _("Enter how many of them depend on you; enter 0 if none."),
        "monthly_income": _("Enter the family's monthly income in riyals; enter 0 if none."),
        "district": _("Enter your district."),
        "preferred_contact": _("Choose how we should contact you."),
        "description": _("Describe what you need and why."),
    }

    def clean(self):
        cleaned = super().clean()
        size, dependants = cleaned.get("family_size"), cleaned.get("dependants")
        if size is not None and dependants is not None and dependants > size:
            self.add_error("dependants", _("Dependants cannot be more than the family members."))
        return cleaned

    def submission_data(self) -> dict:
        fields = [
            "support_type", "full_name", "national_id", "date_of_birth", "gender", "nationality", "marital_status",
            "family_size", "dependants", "monthly_income", "income_sources", "city", "district", "mobile", "email",
            "preferred_contact", "description",
        ]  # fmt: skip
        return {field: self.cleaned_data[field] for field in fields}
