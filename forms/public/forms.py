"""The public web forms: help request, volunteer application, complaint or suggestion (server-rendered, no JavaScript
needed), the answer to a question from staff, and the rating of the service."""

import time
import uuid

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forms.fields import (
    ComplaintFields,
    HelpRequestFields,
    VolunteerApplicationFields,
    documents_field,
)

MIN_FILL_SECONDS = 3
STARTED_SALT = "sila.forms.started"


class BotCheckMixin(forms.Form):
    """A hidden honeypot and a minimum fill time: bots fill everything, instantly."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

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


class HelpRequestForm(BotCheckMixin, HelpRequestFields):
    """The public web form: the fields plus a honeypot, a minimum fill time and a one-time token."""


class VolunteerApplicationForm(BotCheckMixin, VolunteerApplicationFields):
    """The public web form for volunteers."""


class ComplaintForm(BotCheckMixin, ComplaintFields):
    """The public web form for complaints and suggestions."""


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
