"""Admin views for the board secretary: correct a recorded approval, withdraw a policy."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.forms import BoardApprovalForm
from cms.models import BoardApproval, PolicyPage
from cms.services import policy_approval_correct, policy_withdraw, user_can_record_approvals
from portal.core.associations import site_for_request


class SecretaryOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_can_record_approvals(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ServiceFormView(SecretaryOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "cms/admin/form.html"
    header_icon = "doc-full-inverse"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_label"] = self.submit_label
        context["intro"] = self.get_intro()
        return context

    def get_intro(self) -> str:
        return ""

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class ApprovalCorrectionView(ServiceFormView):
    """A new approval record that corrects an earlier one; the original stays as it was."""

    form_class = BoardApprovalForm
    page_title = gettext_lazy("Record a correction")
    submit_label = gettext_lazy("Record the correction")

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.approval = get_object_or_404(BoardApproval, pk=pk, site=site_for_request(request))

    def get_page_subtitle(self):
        return str(self.approval)

    def get_intro(self) -> str:
        return _(
            "The recorded approval is never changed. Your correction is saved as a new record "
            "that points at it, and the public page shows both."
        )

    def get_initial(self):
        approval = self.approval
        return {
            "meeting_number": approval.meeting_number,
            "term": approval.term_id,
            "meeting_date": f"{approval.meeting_date.day}/{approval.meeting_date.month}/{approval.meeting_date.year}",
            "members": [m.member_id for m in approval.members.all() if m.member_id],
            "decision_text_ar": approval.decision_text_ar,
            "decision_text_en": approval.decision_text_en,
            "change_note_ar": approval.change_note_ar,
            "change_note_en": approval.change_note_en,
            "minutes": approval.minutes_id,
            "minutes_public": approval.minutes_public,
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields.pop("start_new_term", None)  # a correction keeps to the register as it is
        return form

    def perform(self, form):
        arguments = BoardApprovalForm.service_kwargs(form.cleaned_data)
        del arguments["continue_term"], arguments["reviewed_content_hash"]
        self.correction = policy_approval_correct(
            approval=self.approval, user=self.request.user, **arguments
        )
        messages.success(self.request, _("The correction has been recorded."))

    def get_success_url(self):
        return reverse("board_approvals:inspect", args=[self.correction.pk])


class WithdrawalForm(forms.Form):
    reason_ar = forms.CharField(
        label=gettext_lazy("Reason (Arabic)"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
    )
    reason_en = forms.CharField(
        label=gettext_lazy("Reason (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )


class PolicyWithdrawView(ServiceFormView):
    """Take a policy out of force; its page stays public, marked withdrawn, with the reason."""

    form_class = WithdrawalForm
    page_title = gettext_lazy("Withdraw the policy")
    submit_label = gettext_lazy("Withdraw the policy")

    def setup(self, request, *args, page_id, **kwargs):
        super().setup(request, *args, **kwargs)
        self.policy = get_object_or_404(
            PolicyPage.objects.descendant_of(site_for_request(request).root_page), pk=page_id
        )

    def get_page_subtitle(self):
        return self.policy.title

    def get_intro(self) -> str:
        return _(
            "The policy stays readable on the website, marked as withdrawn with the reason you give. "
            "This cannot be undone; a new approved policy can take its place."
        )

    def perform(self, form):
        policy_withdraw(
            policy=self.policy,
            user=self.request.user,
            reason_ar=form.cleaned_data["reason_ar"],
            reason_en=form.cleaned_data["reason_en"],
        )
        messages.success(self.request, _("The policy has been withdrawn."))

    def get_success_url(self):
        return reverse("wagtailadmin_pages:edit", args=[self.policy.pk])
