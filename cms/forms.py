"""Admin forms of the content app: recording a board approval (also used for corrections)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.documents import get_document_model

from cms.models.board import BoardMember, BoardTerm
from portal.dates import parse_day_month_year


class BoardApprovalForm(forms.Form):
    """What the board secretary records from the signed minutes.

    `cleaned_data` holds only JSON-friendly values (ids and ISO dates) because Wagtail passes
    workflow-action data through JSON when the action is taken from the page editor.
    """

    meeting_number = forms.CharField(
        label=_("Meeting number"),
        max_length=20,
        help_text=_("As written in the minutes, e.g. 2 or 1/9."),
    )
    term = forms.ModelChoiceField(label=_("Board term"), queryset=BoardTerm.objects.all())
    meeting_date = forms.CharField(
        label=_("Meeting date (Gregorian)"),
        help_text=_("Day/month/year, e.g. 21/5/2024. The Hijri date is derived from it."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "dir": "ltr", "placeholder": "21/5/2024"}
        ),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=BoardMember.objects.select_related("term").order_by("term", "sort_order"),
        widget=forms.CheckboxSelectMultiple,
    )
    decision_text_ar = forms.CharField(
        label=_("Decision (Arabic)"), widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl"})
    )
    decision_text_en = forms.CharField(
        label=_("Decision (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )
    change_note_ar = forms.CharField(
        label=_("Change note (Arabic)"),
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "rtl"}),
    )
    change_note_en = forms.CharField(
        label=_("Change note (English)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    minutes = forms.ModelChoiceField(
        label=_("Scan of the signed minutes"),
        queryset=get_document_model().objects.order_by("-created_at"),
        required=False,
        help_text=_(
            "Upload it to Documents first, in the board minutes collection, then choose it here."
        ),
    )
    minutes_public = forms.BooleanField(
        label=_("Publish the minutes with the policy"), required=False
    )

    def clean_meeting_date(self) -> str:
        return parse_meeting_date(self.cleaned_data["meeting_date"]).isoformat()

    def clean(self):
        cleaned = super().clean()
        term, members = cleaned.get("term"), cleaned.get("members")
        meeting_date = cleaned.get("meeting_date")
        if term and meeting_date:
            day = dt.date.fromisoformat(meeting_date)
            if not term.covers(day):
                self.add_error("meeting_date", _("This date is outside the chosen board term."))
        if term and members:
            strangers = [m for m in members if m.term_id != term.pk]
            if strangers:
                self.add_error("members", _("Choose only members of the chosen board term."))
        # JSON-friendly values for Wagtail's workflow machinery.
        if term:
            cleaned["term"] = term.pk
        if members is not None:
            cleaned["members"] = [m.pk for m in members]
        if cleaned.get("minutes"):
            cleaned["minutes"] = cleaned["minutes"].pk
        return cleaned

    @staticmethod
    def service_kwargs(data: dict) -> dict:
        """Turn the form's JSON-friendly data back into the service's arguments."""
        members_by_id = BoardMember.objects.in_bulk(data.get("members") or [])
        minutes_id = data.get("minutes")
        return {
            "meeting_number": data["meeting_number"],
            "term": BoardTerm.objects.get(pk=data["term"]) if data.get("term") else None,
            "meeting_date": dt.date.fromisoformat(data["meeting_date"]),
            "members": [
                members_by_id[pk] for pk in data.get("members") or [] if pk in members_by_id
            ],
            "decision_text_ar": data.get("decision_text_ar", ""),
            "decision_text_en": data.get("decision_text_en", ""),
            "change_note_ar": data.get("change_note_ar", ""),
            "change_note_en": data.get("change_note_en", ""),
            "minutes": get_document_model().objects.get(pk=minutes_id) if minutes_id else None,
            "minutes_public": bool(data.get("minutes_public")),
        }


def parse_meeting_date(raw: str) -> dt.date:
    """A meeting date in either calendar (portal.dates), which cannot be in the future."""
    value = parse_day_month_year(raw)
    if value > timezone.localdate():
        raise forms.ValidationError(_("The meeting date cannot be in the future."), code="future")
    return value
