"""The page of one submission: its data, documents, timeline, history and the forms of the
steps the user's role may take (their POST endpoints are in forms.admin.actions). Every view
of a person's data is in the audit log."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.snippets.views.snippets import HistoryView, InspectView, UsageView

from forms.admin.forms import AssignForm, ExtendForm, NoteForm, TransitionForm
from forms.admin.views import Forbidden403Mixin
from forms.casework import registry, selectors
from forms.casework.kinds import SubmissionKind


class SubmissionInspectView(Forbidden403Mixin, InspectView):
    template_name = "intake/admin/inspect.html"

    @cached_property
    def kind(self) -> SubmissionKind:
        return registry.of(self.model)

    @property
    def page_title(self):
        return capfirst(self.kind.label)

    def get_object(self, queryset=None):
        related = ["assignee", "recorded_by", "case_file"]
        if self.kind.type_field:
            related.append(self.kind.type_field)
        queryset = selectors.submissions_for(self.request.user, self.kind)
        return get_object_or_404(queryset.select_related(*related), pk=self.pk)

    def get(self, request, *args, **kwargs):
        # Every view of a person's data is in the audit log.
        log(instance=self.object, action="intake.view", user=request.user)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.reference

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission, user, kind = self.object, self.request.user, self.kind
        choices = selectors.next_steps(submission, user)
        type_field = kind.model._meta.get_field(kind.type_field) if kind.type_field else None
        context.update(
            submission=submission,
            kind=kind,
            type=(
                (capfirst(type_field.verbose_name), getattr(submission, kind.type_field))
                if type_field
                else None
            ),
            today=timezone.localdate(),
            timeline=selectors.timeline(submission, user),
            transition_form=TransitionForm(choices=choices, kind=kind) if choices else None,
            assign_form=(
                AssignForm(
                    staff=selectors.staff_for(kind),
                    load=selectors.staff_load(kind),
                    initial={"assignee": submission.assignee_id},
                    auto_id="assign-%s",
                )
                if kind.can_assign(user)
                else None
            ),
            note_form=NoteForm(auto_id="note-%s") if kind.can_work(user) else None,
            extend_form=(
                ExtendForm(auto_id="extend-%s")
                if kind.can_work(user) and kind.due_field and submission.status in kind.open
                else None
            ),
            can_resend=kind.can_work(user),
            urls={
                name: reverse(f"{self.url_namespace}:{name}", args=[submission.pk])
                for name in ("transition", "assign", "note", "resend", "extend")
            },
            attachments=list(submission.attachments.all()) if kind.accepts_attachments else [],
            checklist=selectors.document_checklist(submission),
            consents=list(submission.consents.all()),
            rating=submission.rating,
            history=ModelLogEntry.objects.for_instance(submission).select_related("user")[:50],
        )
        return context

    @property
    def url_namespace(self):
        return self.request.resolver_match.namespace


class SubmissionHistoryView(Forbidden403Mixin, HistoryView):
    pass


class SubmissionUsageView(Forbidden403Mixin, UsageView):
    pass
