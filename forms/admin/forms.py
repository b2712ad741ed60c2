"""The forms of the inbox's staff screens: the next step (status, the kind's details, the
message and a note), assigning, moving the answer date, an internal note, and the staff
choice that shows each person's roles and open load."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.casework.kinds import Step, SubmissionKind
from portal.core.people import display_name


class StaffChoiceField(forms.ModelChoiceField):
    """A person with their roles and how many open submissions of the kind they hold, so a
    committee member is never taken for the researcher."""

    load: dict = {}

    def label_from_instance(self, user):
        if user.pk not in self.load:
            return display_name(user)
        roles, count = self.load[user.pk]
        return _("%(name)s — %(roles)s — %(count)s open") % {
            "name": display_name(user),
            "roles": "، ".join(roles) if translation.get_language_bidi() else ", ".join(roles),
            "count": count,
        }


class TransitionForm(forms.Form):
    """The next step: the new status, the kind's details the offered steps need, the message
    to the applicant, whether to tell them, and an internal note."""

    to_status = forms.ChoiceField(label=gettext_lazy("New status"))
    message = forms.CharField(
        label=gettext_lazy("Message to the applicant (shown on the tracking page and sent)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Leave empty to send the standard message; steps that do not concern the applicant "
            "send nothing unless you write here. For “Waiting for more information”, write "
            "what the applicant should send."
        ),
    )
    notify = forms.BooleanField(
        label=gettext_lazy("Tell the applicant"), required=False, initial=True
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note (never shown to the applicant)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, kind: SubmissionKind, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["to_status"].choices = [("", "---------"), *choices]
        details = {
            detail.name: forms.CharField(
                label=detail.label,
                required=False,
                max_length=detail.max_length,
                widget=forms.Textarea(attrs={"rows": 2}) if detail.multiline else None,
            )
            for detail in kind.details_for(value for value, _label in choices)
        }
        # The details come right after the status they belong to.
        self.fields = {"to_status": self.fields.pop("to_status"), **details, **self.fields}

    def step(self, data=None) -> Step:
        data = self.cleaned_data if data is None else data
        return Step(
            to=data["to_status"],
            note=data.get("note", ""),
            message=data.get("message", ""),
            notify=bool(data.get("notify")),
            details={detail.name: data.get(detail.name, "") for detail in self.kind.details},
        )


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=gettext_lazy("Assign to"), queryset=get_user_model().objects.none(), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, staff=None, load=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].load = load or {}


class ExtendForm(forms.Form):
    due = forms.DateField(
        label=gettext_lazy("New answer date"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (the applicant is told it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Internal note (never shown to the applicant)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
