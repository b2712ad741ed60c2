"""What applicants fill in, for every door that files a submission: the public web forms, the
API and staff recording an off-line request."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from cms.models import PolicyPage
from forms.attachments import MAX_BYTES, MAX_FILES, check_files
from forms.consents import (
    COMPLAINT_CONSENTS,
    COMPLAINT_NAMED_CONSENTS,
    HELP_REQUEST_CONSENTS,
    VOLUNTEER_CONSENTS,
)
from forms.models import (
    Availability,
    ComplaintNature,
    ComplaintTheme,
    ContactChannel,
    Gender,
    Interest,
    MaritalStatus,
    Skill,
    SupportType,
)
from forms.validators import (
    normalise_mobile,
    normalise_national_id,
    parse_date_input,
    validate_birth_date,
)
from portal.core.associations import current_or_default_site


class AssociationChoiceField(forms.ModelChoiceField):
    """A choice among the current association's rows (its types of support): read when the
    form is used, so each request offers and accepts only its host's."""

    def __init__(self, *args, **kwargs):
        self._scoped = False  # not while the field is declared (no request, maybe no tables)
        super().__init__(*args, **kwargs)
        self._scoped = True

    def _get_queryset(self):
        queryset = super()._get_queryset()
        if queryset is None or not getattr(self, "_scoped", False):
            return queryset
        return queryset.filter(site=current_or_default_site())

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)


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


def strict_form_data(form_class, data, *, json: bool) -> dict:
    """What a Django form reads, from an API body, without coercion: in JSON, booleans must be
    booleans, strings strings, numbers numbers (or strings of digits, Arabic-Indic ones too);
    in multipart, one value a field. Raises ValidationError with a translated message per field.
    Unknown keys are ignored, as a form ignores them."""
    fields = form_class().fields
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


class ConsentFieldsMixin:
    consent_texts: dict = {}

    @classmethod
    def openapi_schema(cls, *, json: bool = False) -> dict:
        """The form's fields as an OpenAPI object, for the API's request body (in JSON, without
        the documents, which only multipart carries)."""
        form = cls()
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


class HelpRequestFields(ConsentFieldsMixin, ApplicantFieldsMixin):
    """The fields of a help request: the public form, the API and the off-line record."""

    consent_texts = HELP_REQUEST_CONSENTS

    support_type = AssociationChoiceField(
        label=_("Type of support"),
        queryset=SupportType.objects.filter(active=True),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_consent_fields()
        self.say_what_to_do()

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_consent_fields()
        self.say_what_to_do()

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


class PolicyChoiceField(forms.ModelChoiceField):
    """The policies of the current association (those under its site's home)."""

    def __init__(self, *args, **kwargs):
        self._scoped = False  # not while the field is declared (no request, maybe no tables)
        super().__init__(*args, **kwargs)
        self._scoped = True

    def _get_queryset(self):
        queryset = super()._get_queryset()
        if queryset is None or not getattr(self, "_scoped", False):
            return queryset
        site = current_or_default_site()
        # The home's path only (this also runs while migrate loads the URLs).
        home = Page.objects.filter(pk=site.root_page_id).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=home) if home else queryset.none()

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)

    def label_from_instance(self, policy):
        return policy.title


class ComplaintFields(ConsentFieldsMixin, forms.Form):
    """The fields of a complaint or suggestion: the public form and the API. Anonymous: no
    name, ID, mobile or email is kept, and no consent is asked (no personal data is given);
    named: a name and a mobile, with the declaration and consents."""

    consent_texts = COMPLAINT_CONSENTS
    CONTACT_FIELDS = ("full_name", "mobile", "email", "national_id", "preferred_contact")

    nature = forms.ChoiceField(
        label=_("Is it a complaint or a suggestion?"),
        choices=ComplaintNature.choices,
        widget=forms.RadioSelect,
    )
    theme = forms.ChoiceField(
        label=_("What is it about?"), choices=ComplaintTheme.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Tell us what happened or what you suggest"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": "3000"}),
    )
    support_type = AssociationChoiceField(
        label=_("Which service (optional)"),
        queryset=SupportType.objects.filter(active=True),
        required=False,
        empty_label=_("Not about one service"),
    )
    policy = PolicyChoiceField(
        label=_("Which policy (optional)"),
        queryset=PolicyPage.objects.live().order_by("title"),
        required=False,
        empty_label=_("Not about one policy"),
    )
    attachments = documents_field()
    anonymous = forms.BooleanField(
        label=_("Send it without my name"),
        required=False,
        help_text=_(
            "We will not know who you are and cannot contact you: follow it with the reference "
            "and the secret link shown after sending. Leave the fields below empty."
        ),
    )
    full_name = text(
        _("Full name"),
        200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        required=False,
        help_text=_("For example 0551234567. We send your receipt and our answer to it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    national_id = forms.CharField(
        label=_("National ID or iqama number"),
        required=False,
        help_text=_("Helps us find your file if it is about a request of yours."),
        widget=numeric_widget(autocomplete="off", maxlength="14"),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactChannel.choices,
        required=False,
        widget=forms.RadioSelect,
        initial=ContactChannel.SMS,
    )

    sections = [
        (_("Your message"), ["nature", "theme", "description", "attachments"]),
        (_("What it concerns"), ["support_type", "policy"]),
        (
            _("Who you are"),
            ["anonymous", "full_name", "mobile", "email", "preferred_contact", "national_id"],
        ),
    ]
    # The public form, one short page each; the consents (asked only of a named sender) join
    # the last one.
    steps = [
        (_("Complaint or suggestion"), ["nature", "theme"]),
        (_("Your message"), ["description"]),
        (_("What it concerns"), ["support_type", "policy"]),
        (
            _("Who you are"),
            ["anonymous", "full_name", "mobile", "email", "preferred_contact", "national_id"],
        ),
        (_("Documents and declaration"), ["attachments"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An anonymous sender gives no personal data, so is asked no consent to keep it.
        if not self._anonymous_given():
            self.add_consent_fields()
        # Needed unless sent without a name: the form says so (clean() asks for them).
        for name in ("full_name", "mobile"):
            self.fields[name].shown_required = True

    def _anonymous_given(self) -> bool:
        field = self.fields["anonymous"]
        if self.is_bound:
            value = field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix("anonymous")
            )
        else:
            value = self.initial.get("anonymous", field.initial)
        try:
            return bool(field.to_python(value))
        except ValidationError:
            return False

    @property
    def is_anonymous(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("anonymous"))

    def clean_national_id(self):
        value = self.cleaned_data["national_id"]
        return normalise_national_id(value) if value.strip() else ""

    def clean_mobile(self):
        value = self.cleaned_data["mobile"]
        return normalise_mobile(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("anonymous"):
            # Nothing that names the sender is kept, even if typed (or mistyped) before ticking.
            for name in (*self.CONTACT_FIELDS, *(f"consent_{p}" for p in self.consent_texts)):
                self.errors.pop(name, None)
                cleaned[name] = False if name.startswith("consent_") else ""
            return cleaned
        if not cleaned.get("full_name", "").strip() and "full_name" not in self.errors:
            self.add_error("full_name", _("Write your name, or tick “Send it without my name”."))
        if not cleaned.get("mobile") and "mobile" not in self.errors:
            self.add_error(
                "mobile", _("Write your mobile number, or tick “Send it without my name”.")
            )
        if not cleaned.get("preferred_contact"):
            cleaned["preferred_contact"] = ContactChannel.SMS
        for purpose in COMPLAINT_NAMED_CONSENTS:
            if not cleaned.get(f"consent_{purpose}"):
                self.add_error(
                    f"consent_{purpose}",
                    _("Needed when you give your name; or send it without your name."),
                )
        return cleaned

    def submission_data(self) -> dict:
        fields = [
            "nature", "theme", "description", "support_type", "policy", "anonymous", *self.CONTACT_FIELDS,
        ]  # fmt: skip
        return {field: self.cleaned_data[field] for field in fields}
