"""The POST endpoints behind the forms of a submission's page: a step, assigning, a note,
sending a message again, moving the answer date. Each goes through a casework service; its
refusals come back as messages on the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from forms.admin.forms import AssignForm, ExtendForm, TransitionForm
from forms.admin.views import forbidden
from forms.casework import registry, selectors
from forms.casework.transitions import (
    submission_assign,
    submission_due_extend,
    submission_note_add,
    submission_transition,
)
from forms.models import Notification
from forms.notifications import notification_resend
from portal.core.people import display_name


class SubmissionActionView(View):
    """POST endpoints behind the forms of the inspect page; errors come back as messages."""

    model = None
    url_namespace = ""

    def post(self, request, pk):
        kind = registry.of(self.model)
        if not kind.can_view(request.user):
            return forbidden(request)
        submission = get_object_or_404(selectors.submissions_for(request.user, kind), pk=pk)
        try:
            self.perform(request, submission)
        except PermissionDenied:
            return forbidden(request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(f"{self.url_namespace}:inspect", pk)


class TransitionView(SubmissionActionView):
    def perform(self, request, submission):
        kind = registry.of(submission)
        choices = selectors.next_steps(submission, request.user)
        form = TransitionForm(request.POST, choices=choices or [("", "")], kind=kind)
        if form.is_valid():
            step = form.step()
        else:
            # An unknown or no longer allowed status: let the service say why, or refuse.
            step = form.step({**request.POST.dict(), "notify": bool(request.POST.get("notify"))})
        event = submission_transition(submission=submission, user=request.user, step=step)
        messages.success(
            request,
            _("%(reference)s is now “%(status)s”.")
            % {"reference": submission.reference, "status": event.to_label()},
        )


class AssignView(SubmissionActionView):
    def perform(self, request, submission):
        form = AssignForm(request.POST, staff=selectors.staff_for(registry.of(submission)))
        if not form.is_valid():
            raise ValidationError(_("Choose a person who works on this kind of submission."))
        assignee = form.cleaned_data["assignee"]
        submission_assign(
            submission=submission,
            user=request.user,
            assignee=assignee,
            note=form.cleaned_data["note"],
        )
        if assignee:
            messages.success(
                request,
                _("%(reference)s was assigned to %(name)s.")
                % {
                    "reference": submission.reference,
                    "name": display_name(assignee),
                },
            )


class ResendView(SubmissionActionView):
    def perform(self, request, submission):
        notification = (
            Notification.objects.of(submission).filter(pk=request.POST.get("message")).first()
            if str(request.POST.get("message", "")).isdigit()
            else None
        )
        if notification is None:
            raise ValidationError(_("Choose a message of this submission."))
        notification_resend(notification=notification, user=request.user)
        messages.success(request, _("The message is being sent again."))


class ExtendView(SubmissionActionView):
    def perform(self, request, submission):
        form = ExtendForm(request.POST)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        submission_due_extend(
            submission=submission,
            user=request.user,
            due=form.cleaned_data["due"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The answer date was moved; the applicant is told."))


class NoteView(SubmissionActionView):
    def perform(self, request, submission):
        submission_note_add(
            submission=submission, user=request.user, text=request.POST.get("text", "")
        )
        messages.success(request, _("The note was added."))
