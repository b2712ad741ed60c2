"""Bulk actions of the inbox lists: assign, and change the status, through the services.
Submissions a step does not apply to (or the user's role may not take) are left as they are and
counted in the message."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_list_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.views.bulk_action import BulkAction

from forms.admin.forms import StaffChoiceField
from forms.admin.views import forbidden
from forms.casework import registry
from forms.casework.kinds import Step
from forms.casework.selectors import staff_for
from forms.casework.transitions import submission_assign, submission_transition
from portal.core.associations import current_or_default_site


class InboxBulkAction(BulkAction):
    models = [kind.model for kind in registry.kinds()]
    template_name = "intake/admin/bulk_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not registry.of(self.model).can_view(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        # The host association's submissions only: another's ids are not found.
        return get_list_or_404(
            model.objects.filter(site=current_or_default_site()), pk__in=object_ids
        )

    def get_all_objects_in_listing_query(self, parent_id):
        return self.model.objects.filter(site=current_or_default_site()).values_list(
            "pk", flat=True
        )

    def check_perm(self, obj):
        # Only the host's association's submissions: another's is never acted on from here.
        site = current_or_default_site()
        return obj.site_id == site.pk and registry.of(obj).can_view(self.request.user)

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
        kind = registry.of(self.model)
        # Steps that need their own details (a decision's meeting and reason) or a question
        # for the applicant are taken one by one, on each submission's page.
        one_by_one = {kind.waiting_status, *(s for d in kind.details for s in d.applies_to)}
        choices = [choice for choice in kind.Status.choices if choice[0] not in one_by_one]

        class Form(StatusForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["to_status"].choices = choices

        return Form

    @classmethod
    def execute_action(cls, objects, user=None, form=None, **kwargs):
        step = Step(
            to=form["to_status"], message=form["message"], notify=form["notify"], note=form["note"]
        )
        return cls._each(
            objects, lambda obj: submission_transition(submission=obj, user=user, step=step)
        )


class AssignBulkAction(InboxBulkAction):
    display_name = _("Assign")
    action_type = "assign"
    aria_label = _("Assign the selected submissions to a person")
    action_priority = 20

    def get_form_class(self):
        staff = staff_for(registry.of(self.model))

        class Form(forms.Form):
            assignee = StaffChoiceField(label=_("Assign to"), queryset=staff)

        return Form

    @classmethod
    def execute_action(cls, objects, user=None, form=None, **kwargs):
        return cls._each(
            objects,
            lambda obj: submission_assign(submission=obj, user=user, assignee=form["assignee"]),
        )
