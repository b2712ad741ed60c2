"""The fields of a volunteer application."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forms.consents import VOLUNTEER_CONSENTS
from forms.fields.applicant import ApplicantFieldsMixin, ConsentFieldsMixin
from forms.fields.parts import numeric_widget, text
from forms.models import (
    Availability,
    Interest,
    Skill,
)


class VolunteerApplicationFields(ConsentFieldsMixin, ApplicantFieldsMixin):
    """The fields of a volunteer application: the public form and the API."""

    consent_texts = VOLUNTEER_CONSENTS

    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"})
    )
    education = text(_("Education"), 200)
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        help_text=_("Choose all that apply."),
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    skills_other = text(_("Other skills"), 200, required=False)
    interests = forms.MultipleChoiceField(
        label=_("Fields of interest"),
        help_text=_("Choose all that apply."),
        choices=Interest.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    interests_other = text(_("Other fields of interest"), 200, required=False)
    languages = text(_("Languages"), 200, required=False)
    availability = forms.MultipleChoiceField(
        label=_("When can you help?"),
        help_text=_("Choose all that apply."),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    availability_other = text(_("Other times"), 200, required=False)
    hours_per_week = forms.IntegerField(
        label=_("Hours per week"), min_value=1, max_value=60, widget=numeric_widget()
    )
    experience = forms.CharField(
        label=_("Prior experience"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    platform_account = text(
        _("National volunteering platform account (optional)"), 40, required=False
    )

    sections = [
        (
            _("About you"),
            ["full_name", "national_id", "date_of_birth", "gender", "city", "mobile", "email"],
        ),
        (
            _("What you bring"),
            [
                "education",
                "interests",
                "interests_other",
                "skills",
                "skills_other",
                "languages",
                "experience",
                "platform_account",
            ],
        ),
        (_("When you can help"), ["availability", "availability_other", "hours_per_week"]),
    ]
    steps = [
        *sections,
        (_("Declaration"), []),
    ]
    required_messages = {
        **ApplicantFieldsMixin.applicant_messages,
        "email": _("Enter your email address, e.g. name@example.com."),
        "education": _("Enter your highest education, e.g. bachelor's in accounting."),
        "skills": _("Choose at least one skill."),
        "interests": _("Choose at least one field of interest."),
        "availability": _("Choose when you can help."),
        "hours_per_week": _("Enter how many hours a week you can give, from 1 to 60."),
    }

    def clean(self):
        cleaned = super().clean()
        for name in ("interests", "skills", "availability"):
            chosen, other = cleaned.get(name) or [], (cleaned.get(f"{name}_other") or "").strip()
            if "other" in chosen and not other:
                self.add_error(f"{name}_other", _("Describe the other choice, or untick “Other”."))
            elif other and "other" not in chosen and name in cleaned:
                cleaned[name] = [*chosen, "other"]
        return cleaned

    def submission_data(self) -> dict:
        fields = [
            "full_name", "national_id", "date_of_birth", "gender", "city", "mobile", "email", "education",
            "languages", "hours_per_week", "experience", "platform_account",
            "skills_other", "interests_other", "availability_other",
        ]  # fmt: skip
        data = {field: self.cleaned_data[field] for field in fields}
        for name in ("interests", "skills", "availability"):
            data[name] = ",".join(self.cleaned_data[name])
        return data
