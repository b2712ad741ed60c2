"""The board secretaries' side of the importer: the approvals found in imported documents, and
confirming one (which records it and publishes the imported revision) or dismissing it."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.forms import parse_meeting_date
from cms.importer.services import (
    policy_import_approval_confirm,
    policy_import_approval_dismiss,
)
from cms.models import PolicyImport
from cms.models.board import BoardRole
from cms.services import user_can_record_approvals
from portal.dates import HijriDate


class SecretariesOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_can_record_approvals(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportedApprovalsView(SecretariesOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/importer/approvals.html"
    page_title = gettext_lazy("Approvals found in imported documents")
    header_icon = "tick-inverse"
    breadcrumbs_items = []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imports = PolicyImport.objects.exclude(
            approval_status=PolicyImport.ApprovalStatus.NONE
        ).select_related("policy", "uploaded_by")
        context["pending"] = [i for i in imports if i.approval_status == "pending"]
        context["decided"] = [i for i in imports if i.approval_status != "pending"][:20]
        return context


class MemberForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=BoardRole.choices, initial=BoardRole.MEMBER
    )


MemberFormSet = formset_factory(MemberForm, extra=2)


class ImportedApprovalForm(forms.Form):
    meeting_number = forms.CharField(label=gettext_lazy("Meeting number"), max_length=20)
    term_number = forms.IntegerField(label=gettext_lazy("Board term (number)"), min_value=1)
    meeting_date = forms.CharField(
        label=gettext_lazy("Meeting date"),
        help_text=gettext_lazy("Day/month/year, Gregorian or Hijri (a year from 1300 to 1500)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    decision_text_ar = forms.CharField(
        label=gettext_lazy("Decision (Arabic)"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
    )
    change_note_ar = forms.CharField(
        label=gettext_lazy("Change note (Arabic)"),
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "rtl"}),
    )
    supersedes_previous = forms.BooleanField(
        label=gettext_lazy("Supersedes all earlier versions"), required=False
    )

    def clean_meeting_date(self) -> dt.date:
        return parse_meeting_date(self.cleaned_data["meeting_date"])


class ImportedApprovalConfirmView(SecretariesOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/importer/approval_confirm.html"
    page_title = gettext_lazy("Confirm the board's approval")
    header_icon = "tick-inverse"
    breadcrumbs_items = []

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.policy_import = get_object_or_404(PolicyImport.objects.select_related("policy"), pk=pk)

    def get_page_subtitle(self):
        return self.policy_import.policy.title if self.policy_import.policy else ""

    def initial(self) -> tuple[dict, list[dict]]:
        data = self.policy_import.approval or {}
        day = dt.date.fromisoformat(data["meeting_date"]) if data.get("meeting_date") else None
        return (
            {
                "meeting_number": data.get("meeting_number", ""),
                "term_number": data.get("term_number"),
                "meeting_date": f"{day.day}/{day.month}/{day.year}" if day else "",
                "decision_text_ar": data.get("decision_text", ""),
                "change_note_ar": _("Imported from the approved document."),
                "supersedes_previous": data.get("supersedes_previous", True),
            },
            [{"name": m["name"], "role": m["role"]} for m in data.get("members", [])],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form_initial, members_initial = self.initial()
        context.setdefault("form", ImportedApprovalForm(initial=form_initial))
        context.setdefault("members", MemberFormSet(initial=members_initial, prefix="members"))
        data = self.policy_import.approval or {}
        hijri = ""
        if data.get("meeting_date"):
            hijri = HijriDate.from_gregorian(dt.date.fromisoformat(data["meeting_date"])).numeric()
        context.update(
            {
                "policy_import": self.policy_import,
                "found": data,
                "hijri": hijri,
                "pending": self.policy_import.approval_status
                == PolicyImport.ApprovalStatus.PENDING,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "dismiss":
            try:
                policy_import_approval_dismiss(policy_import=self.policy_import, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The approval has been dismissed; the draft stays."))
            return redirect("cms_policy_import_approvals")
        form = ImportedApprovalForm(request.POST)
        members = MemberFormSet(request.POST, prefix="members")
        if form.is_valid() and members.is_valid():
            chosen = [m for m in members.cleaned_data if m and m.get("name", "").strip()]
            try:
                approval = policy_import_approval_confirm(
                    policy_import=self.policy_import,
                    user=request.user,
                    meeting_number=form.cleaned_data["meeting_number"],
                    term_number=form.cleaned_data["term_number"],
                    meeting_date=form.cleaned_data["meeting_date"],
                    members=chosen,
                    decision_text_ar=form.cleaned_data["decision_text_ar"],
                    change_note_ar=form.cleaned_data["change_note_ar"],
                    supersedes_previous=form.cleaned_data["supersedes_previous"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The approval has been recorded and version %(version)s published.")
                    % {"version": approval.version},
                )
                return redirect("board_approvals:inspect", approval.pk)
        return self.render_to_response(self.get_context_data(form=form, members=members))
