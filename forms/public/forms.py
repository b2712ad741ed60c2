"""The public web forms: the filing form of every kind offered on the website (server-rendered,
no JavaScript needed), the answer to a question from staff, the rating of the service, and the
tracking lookup by reference and mobile number."""

import time
import uuid

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forms.fields.parts import MultipleFileField, documents_field
from forms.validators import normalise_mobile
from portal.core.dates import to_ascii_digits

MIN_FILL_SECONDS = 3
STARTED_SALT = "sila.forms.started"


class BotCheckMixin(forms.Form):
    """A hidden honeypot and a minimum fill time: bots fill everything, instantly."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("The form has expired. Please fill it in again.")},
    )
    submission_token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": _("The form has expired. Please fill it in again.")},
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.required_documents = list(documents)
        for index, name in enumerate(self.required_documents):
            field = MultipleFileField(
                label=name,
                required=False,  # unless the applicant says they will send it later (clean)
                help_text=_("A photo or scan: PDF, JPEG, PNG or HEIC."),
            )
            field.shown_required = True
            self.fields[f"document_{index}"] = field
        if self.required_documents:
            self.fields["documents_later"] = forms.BooleanField(
                label=_("I will send the documents I have not attached later."),
                required=False,
                help_text=_(
                    "Your request is then kept waiting for them, and the tracking page lists "
                    "what is missing."
                ),
            )
            if "attachments" in self.fields:
                self.fields["attachments"].label = _("Other documents")

    @property
    def document_names(self) -> list[str]:
        return [f"document_{index}" for index in range(len(self.required_documents))]

    def documents(self) -> dict:
        """The files of each required document, by the document's name."""
        return {
            name: self.cleaned_data.get(f"document_{index}") or []
            for index, name in enumerate(self.required_documents)
        }

    def clean(self):
        cleaned = super().clean()
        if self.required_documents and not cleaned.get("documents_later"):
            for index, name in enumerate(self.required_documents):
                field = f"document_{index}"
                if field not in self.errors and not cleaned.get(field):
                    self.add_error(
                        field,
                        _("Attach “%(document)s”, or tick below that you will send it later.")
                        % {"document": name},
                    )
        return cleaned

    @classmethod
    def initial_guard(cls) -> dict:
        return {
            "started": signing.dumps(time.time(), salt=STARTED_SALT),
            "submission_token": uuid.uuid4().hex,
        }

    def clean_started(self):
        try:
            started = signing.loads(
                self.cleaned_data["started"], salt=STARTED_SALT, max_age=24 * 3600
            )
        except signing.BadSignature as error:
            raise ValidationError(
                _("The form has expired. Please fill it in again."), code="expired"
            ) from error
        if time.time() - float(started) < MIN_FILL_SECONDS:
            raise ValidationError(
                _("The form was sent too quickly. Please check it and send it again."),
                code="too_fast",
            )
        return started

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class InformationAnswerForm(forms.Form):
    """The applicant's answer to a request for more information, on the tracking page."""

    answer = forms.CharField(
        label=_("Your answer"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = documents_field()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("answer", "").strip() and not cleaned.get("attachments"):
            raise ValidationError(_("Write an answer or attach a document."), code="empty_answer")
        return cleaned


def _yes_no(label) -> forms.ChoiceField:
    """A required yes/no question asked with radio buttons."""
    return forms.ChoiceField(
        label=label,
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer this question.")},
    )


class SatisfactionForm(forms.Form):
    """The applicant's rating of the service: 1–5, three short questions, a comment."""

    score = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with the service?"),
        choices=[
            (5, _("5 — Very satisfied")),
            (4, _("4 — Satisfied")),
            (3, _("3 — Neither satisfied nor dissatisfied")),
            (2, _("2 — Dissatisfied")),
            (1, _("1 — Very dissatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    courteous = _yes_no(_("Were you received with courtesy?"))
    on_time = _yes_no(_("Were you answered within the promised period?"))
    clear = _yes_no(_("Were the steps and the decision explained clearly?"))
    comment = forms.CharField(
        label=_("Anything else you want to tell us (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TrackLookupForm(forms.Form):
    """Find a request again: its reference and the mobile number it was filed with."""

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        help_text=_("As in your receipt, e.g. HR-2026-000123."),
        error_messages={"required": _("Enter the reference number from your receipt.")},
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        help_text=_("The number you gave in the request, e.g. 0551234567."),
        error_messages={"required": _("Enter your mobile number, e.g. 0551234567.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )

    def clean_reference(self):
        reference = to_ascii_digits(self.cleaned_data["reference"]).strip().upper()
        if not reference or len(reference) < 8 or reference.count("-") != 2:
            raise ValidationError(
                _("Enter the reference as in your receipt, e.g. HR-2026-000123."),
                code="reference_format",
            )
        return reference

    def clean_mobile(self):
        return normalise_mobile(self.cleaned_data["mobile"])


class TrackCodeForm(forms.Form):
    """The one-time code sent by SMS."""

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        help_text=_("6 digits."),
        error_messages={"required": _("Enter the 6-digit code from the text message.")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "dir": "ltr",
                "class": "code-input",
            }
        ),
    )


class ResumeLinkForm(forms.Form):
    """Where to send the link that resumes a saved form."""

    resume_mobile = forms.CharField(
        label=_("Mobile number for the link"),
        error_messages={"required": _("Enter your mobile number, e.g. 0551234567.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )

    def clean_resume_mobile(self):
        return normalise_mobile(self.cleaned_data["resume_mobile"])
