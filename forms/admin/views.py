"""Staff screens of the inbox beside its lists: the 403 page in the admin's frame, recording an
off-line help request, downloading a submission's documents."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from forms.attachments import download_response
from forms.casework import registry
from forms.casework.filing import submission_file
from forms.fields.help import HelpRequestFields
from forms.kinds.help import HELP_REQUESTS
from forms.models import Attachment, Channel
from portal.core.associations import current_or_default_site

OFFLINE_CHANNELS = [choice for choice in Channel.choices if choice[0] != Channel.WEBSITE]


def forbidden(request):
    """A plain 403 in the admin's frame (Wagtail's default would redirect to the dashboard)."""
    return TemplateResponse(request, "intake/admin/forbidden.html", status=403)


class Forbidden403Mixin:
    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)


class OfflineHelpRequestForm(HelpRequestFields):
    channel = forms.ChoiceField(label=gettext_lazy("Received by"), choices=OFFLINE_CHANNELS)
    language = forms.ChoiceField(
        label=gettext_lazy("Applicant's language"), choices=[("ar", "العربية"), ("en", "English")]
    )

    sections = [
        (gettext_lazy("How the request arrived"), ["channel", "language"]),
        *HelpRequestFields.sections,
    ]


class RecordOfflineRequestView(WagtailAdminTemplateMixin, FormView):
    """Staff record a request received by phone, interview, letter, social media or a branch
    delegate, through the same service as the website."""

    form_class = OfflineHelpRequestForm
    template_name = "intake/admin/record_request.html"
    page_title = gettext_lazy("Record an off-line request")
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(HELP_REQUESTS.add_permission):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "files": self.request.FILES or None}

    def form_valid(self, form):
        try:
            help_request, _created = submission_file(
                kind=HELP_REQUESTS,
                data=form.submission_data(),
                consents=form.consents(),
                attachments=form.cleaned_data["attachments"],
                language=form.cleaned_data["language"],
                channel=form.cleaned_data["channel"],
                recorded_by=self.request.user,
            )
        except ValidationError as error:
            # A refusal of the service shows on the form, which keeps what staff typed.
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, texts in errors.items():
                form.add_error(field if field in form.fields else None, texts)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Request %(reference)s was recorded; the applicant gets the receipt.")
            % {"reference": help_request.reference},
        )
        return redirect("intake_record_request")


class AttachmentDownloadView(View):
    """A document of a submission, for staff allowed to see its kind; every download is
    logged on the submission."""

    def get(self, request, pk):
        # Only the current association's files (the host's): another's is not found.
        attachment = get_object_or_404(
            Attachment.objects.select_related("case_file").filter(
                case_file__site=current_or_default_site()
            ),
            pk=pk,
        )
        kind = registry.get(attachment.case_file.kind)
        if kind is None or not kind.can_view(request.user):
            return forbidden(request)
        log(
            instance=attachment.owner,
            action="intake.attachment_download",
            user=request.user,
            data={"attachment": attachment.pk},
        )
        return download_response(attachment, reference=attachment.owner.reference)
