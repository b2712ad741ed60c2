"""Bulk actions of the inbox lists: assign, and change the status, through the services.
Submissions a step does not apply to (or the user's role may not take) are left as they are and
counted in the message."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.views.bulk_action import BulkAction

from forms.admin.viewsets import StaffChoiceField, forbidden, help_request_staff, volunteer_staff
from forms.casework import transitions as services
from forms.models import HelpRequest, RequestStatus, VolunteerApplication, VolunteerStatus


class InboxBulkAction(BulkAction):
    models = [HelpRequest, VolunteerApplication]
    template_name = "intake/admin/bulk_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(f"intake.view_{self.model._meta.model_name}"):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, obj):
        return self.request.user.has_perm(f"intake.view_{obj._meta.model_name}")

    def get_execution_context(self):
        return {"user": self.request.user, "form": self.cleaned_form.cleaned_data}

    def get_success_message(self, num_parent_objects, num_child_objects):
        done = ngettext(
            "%(count)d submission changed.", "%(count)d submissions changed.", num_parent_objects
        ) % {"count": num_parent_objects}
        if num_child_objects:
            done += " " + ngettext(
                "%(count)d was left as it was: the step does not apply to it or your role may not take it.",
                "%(count)d were left as they were: the step does not apply to them or your role may not take it.",
                num_child_objects,
            ) % {"count": num_child_objects}
        return done

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_title": self.display_name}

    @classmethod
    def _each(cls, objects, perform):
        changed = skipped = 0
        for obj in objects:
            try:
                with transaction.atomic():
                    perform(obj)
                changed += 1
            except (ValidationError, PermissionDenied):
                skipped += 1
        return changed, skipped


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    message = forms.CharField(
        label=_("Message to the applicant (leave empty for the standard message)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notify = forms.BooleanField(label=_("Tell the applicants"), required=False, initial=True)
    note = forms.CharField(
        label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChangeStatusBulkAction(InboxBulkAction):
    display_name = _("Change status")
    action_type = "change_status"
    aria_label = _("Change the status of the selected submissions")
    action_priority = 10

    def get_form_class(self):
        choices = (RequestStatus if self.model is HelpRequest else VolunteerStatus).choices
        # Decisions need a meeting and a reason for each request: taken one by one.
        if self.model is HelpRequest:
            choices = [
                c
                for c in choices
                if c[0]
                not in (
                    RequestStatus.ACCEPTED,
                    RequestStatus.REJECTED,
                    RequestStatus.INFORMATION_NEEDED,
                )
            ]

        class Form(StatusForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["to_status"].choices = choices

        return Form

    @classmethod
    def execute_action(cls, objects, user=None, form=None, **kwargs):
        def perform(obj):
            if isinstance(obj, HelpRequest):
                services.help_request_transition(
                    help_request=obj,
                    user=user,
                    to_status=form["to_status"],
                    message=form["message"],
                    notify=form["notify"],
                    note=form["note"],
                )
            else:
                services.volunteer_application_transition(
                    application=obj,
                    user=user,
                    to_status=form["to_status"],
                    message=form["message"],
                    notify=form["notify"],
                    note=form["note"],
                )

        return cls._each(objects, perform)


class AssignBulkAction(InboxBulkAction):
    display_name = _("Assign")
    action_type = "assign"
    aria_label = _("Assign the selected submissions to a person")
    action_priority = 20

    def get_form_class(self):
        staff = help_request_staff() if self.model is HelpRequest else volunteer_staff()

        class Form(forms.Form):
            assignee = StaffChoiceField(label=_("Assign to"), queryset=staff)

        return Form

    @classmethod
    def execute_action(cls, objects, user=None, form=None, **kwargs):
        return cls._each(
            objects,
            lambda obj: services.submission_assign(
                submission=obj, user=user, assignee=form["assignee"]
            ),
        )
