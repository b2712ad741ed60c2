"""The fields of a complaint or suggestion."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from cms.models import PolicyPage
from forms.consents import (
    COMPLAINT_CONSENTS,
    COMPLAINT_NAMED_CONSENTS,
)
from forms.fields.applicant import ConsentFieldsMixin
from forms.fields.parts import AssociationChoiceField, documents_field, numeric_widget, text
from forms.models import (
    ComplaintNature,
    ComplaintTheme,
    ContactChannel,
    SupportType,
)
from forms.validators import (
    normalise_mobile,
    normalise_national_id,
)


class PolicyChoiceField(AssociationChoiceField):
    """The policies of the current association (those under its site's home)."""

    def scope(self, queryset, site):
        if site is None:
            # Outside a request no association is asked for (and no table may exist yet, when
            # the API's schema is built at start-up).
            return queryset
        home = Page.objects.filter(pk=site.root_page_id).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=home) if home else queryset.none()

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
        remember=True,
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
        # Needed unless sent without a name: the form says so (clean() asks for them).
        for name in ("full_name", "mobile"):
            self.fields[name].shown_required = True

    def asks_consent(self) -> bool:
        # An anonymous sender gives no personal data, so is asked no consent to keep it.
        return not self._anonymous_given()

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
