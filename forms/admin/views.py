"""Staff screens of the intake app: recording an off-line request, downloading its documents."""

from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from forms.admin.viewsets import forbidden
from forms.casework.transitions import help_request_submit
from forms.models import Attachment, Channel
from forms.public.forms import HelpRequestFields

OFFLINE_CHANNELS = [choice for choice in Channel.choices if choice[0] != Channel.WEBSITE]


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
        if not request.user.has_perm("intake.add_helprequest"):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "files": self.request.FILES or None}

    def form_valid(self, form):
        help_request, _created = help_request_submit(
            data=form.request_data(),
            consents=form.consents(),
            attachments=form.cleaned_data["attachments"],
            language=form.cleaned_data["language"],
            channel=form.cleaned_data["channel"],
            recorded_by=self.request.user,
        )
        messages.success(
            self.request,
            _("Request %(reference)s was recorded; the applicant gets the receipt.")
            % {"reference": help_request.reference},
        )
        return redirect("intake_record_request")


class AttachmentDownloadView(View):
    """A document of a request, for staff allowed to see requests; every download is logged."""

    def get(self, request, pk):
        if not request.user.has_perm("intake.view_helprequest"):
            return forbidden(request)
        attachment = get_object_or_404(Attachment.objects.select_related("help_request"), pk=pk)
        log(
            instance=attachment.help_request,
            action="intake.attachment_download",
            user=request.user,
            data={"attachment": attachment.pk},
        )
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
