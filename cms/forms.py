"""Admin forms of the content app: recording a board approval (also used for corrections)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.documents import get_document_model

from cms.models.board import BoardMember, BoardTerm
from portal.accounts.collections import media_in_scope
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
    term = forms.ModelChoiceField(
        label=_("Board term"), queryset=BoardTerm.objects.all(), required=False
    )
    start_new_term = forms.BooleanField(
        label=_("Start the next term with the same members"),
        required=False,
        help_text=_(
            "No term covers the meeting date: the next term starts the day after the last one "
            "ended, with its members and roles. You can correct the register afterwards."
        ),
    )
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
    reviewed_content_hash = forms.CharField(required=False, widget=forms.HiddenInput)
    reviewed_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = [
        "meeting_number",
        "meeting_date",
        "term",
        "start_new_term",
        "members",
        "decision_text_ar",
        "decision_text_en",
        "change_note_ar",
        "change_note_en",
        "minutes",
        "minutes_public",
    ]

    def __init__(self, *args, **kwargs):
        from cms.governance.terms import latest_term, term_covering

        super().__init__(*args, **kwargs)
        # Read here, not at import: the terms are the request's association's.
        self.fields["term"].queryset = BoardTerm.objects.all()
        # Only the association's own documents: another's file would be named (and, once made
        # public with the policy, served) as this association's minutes.
        self.fields["minutes"].queryset = media_in_scope(self.fields["minutes"].queryset)
        self.current_term = term_covering()
        self.latest_term = latest_term()
        chosen = self.initial.get("term") or (self.data.get("term") if self.is_bound else None)
        if not chosen and self.current_term:
            self.initial.setdefault("term", self.current_term.pk)
            chosen = self.current_term.pk
        # The members offered are those of the chosen or current term (and of the last one,
        # which a new term continues), preselected: the secretary unticks who was absent.
        terms = {t.pk for t in (self.current_term, self.latest_term) if t}
        if chosen and str(chosen).isdigit():
            terms.add(int(chosen))
        self.fields["members"].queryset = self.fields["members"].queryset.filter(term__in=terms)
        default_term = chosen or (self.latest_term.pk if self.latest_term else None)
        if "members" not in self.initial and default_term:
            self.initial["members"] = list(
                BoardMember.objects.filter(term_id=default_term).values_list("pk", flat=True)
            )
        if self.current_term is not None and not (
            self.is_bound and self.data.get("start_new_term")
        ):
            del self.fields["start_new_term"]

    @property
    def term_missing(self) -> bool:
        """No term covers today: the form says so before anything is typed."""
        return self.current_term is None

    def clean_meeting_date(self) -> str:
        return parse_meeting_date(self.cleaned_data["meeting_date"]).isoformat()

    def clean(self):
        cleaned = super().clean()
        term, members = cleaned.get("term"), cleaned.get("members")
        meeting_date = cleaned.get("meeting_date")
        if cleaned.get("start_new_term"):
            term = None
            cleaned["term"] = None
            previous = self.latest_term
            if previous is None:
                self.add_error("start_new_term", _("There is no earlier term to continue."))
            elif members and any(m.term_id != previous.pk for m in members):
                self.add_error("members", _("Choose only members of the previous term."))
            elif meeting_date and previous.covers(dt.date.fromisoformat(meeting_date)):
                self.add_error(
                    "start_new_term",
                    _("The last term covers this date: choose it instead of starting a new one."),
                )
            if previous is not None:
                cleaned["continue_term"] = previous.pk
        elif not term:
            self.add_error("term", _("Choose the board term of the meeting."))
        self._check_reviewed_content(cleaned)
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

    def _check_reviewed_content(self, cleaned) -> None:
        """The approval binds the content the secretary was shown (the service checks again)."""
        from wagtail.models import Revision

        from cms.governance.register import revision_content_hash

        shown, revision_id = cleaned.get("reviewed_content_hash"), cleaned.get("reviewed_revision")
        if not (shown and revision_id):
            return
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is None or revision_content_hash(revision) != shown:
            raise forms.ValidationError(
                _(
                    "The revision changed after it was shown to you. "
                    "Review it again before approving."
                ),
                code="changed",
            )

    @staticmethod
    def service_kwargs(data: dict) -> dict:
        """Turn the form's JSON-friendly data back into the service's arguments."""
        members_by_id = BoardMember.objects.in_bulk(data.get("members") or [])
        minutes_id = data.get("minutes")
        return {
            "meeting_number": data["meeting_number"],
            "term": BoardTerm.objects.get(pk=data["term"]) if data.get("term") else None,
            "continue_term": BoardTerm.objects.get(pk=data["continue_term"])
            if data.get("continue_term")
            else None,
            "reviewed_content_hash": data.get("reviewed_content_hash") or "",
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
