"""The staff inbox in the Wagtail admin: a list per kind of submission with filters, search,
sorting, bulk actions and export, and a page per submission with its data, documents, timeline,
notes and the steps the user's role may take. Reads go through forms.casework.selectors, every
change through the casework services.

`SubmissionViewSet` serves any registered kind; the kinds this app declares have their own
subclass with their columns, export and menu."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import (
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from forms.admin.views import Forbidden403Mixin, forbidden
from forms.casework import registry, selectors
from forms.casework.filters import filterset_for
from forms.casework.kinds import Step, SubmissionKind
from forms.casework.transitions import (
    submission_assign,
    submission_due_extend,
    submission_note_add,
    submission_transition,
)
from forms.kinds.complaint import COMPLAINTS
from forms.kinds.help import HELP_REQUESTS
from forms.kinds.volunteer import VOLUNTEER_APPLICATIONS
from forms.models import Notification
from forms.notifications import notification_resend
from portal.core.people import display_name
from portal.core.spreadsheets import SafeSpreadsheetExportMixin


class StaffChoiceField(forms.ModelChoiceField):
    """A person with their roles and how many open submissions of the kind they hold, so a
    committee member is never taken for the researcher."""

    load: dict = {}

    def label_from_instance(self, user):
        if user.pk not in self.load:
            return display_name(user)
        roles, count = self.load[user.pk]
        return _("%(name)s — %(roles)s — %(count)s open") % {
            "name": display_name(user),
            "roles": "، ".join(roles) if translation.get_language_bidi() else ", ".join(roles),
            "count": count,
        }


# --- the lists ---------------------------------------------------------------------------------


class DaysLeftColumn(Column):
    cell_template_name = "intake/admin/days_left_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        days = instance.days_left(parent_context.get("today"))
        context.update(days=days, overdue=days is not None and days < 0, count=abs(days or 0))
        return context


class AssigneeColumn(Column):
    def get_value(self, instance):
        user = instance.assignee
        return display_name(user) if user else ""


class MessageFailedColumn(Column):
    """Flags a submission whose applicant did not get a message after the last retry."""

    cell_template_name = "intake/admin/message_failed_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["failed"] = getattr(instance, "message_failed", False)
        return context


MESSAGES_COLUMN = MessageFailedColumn("message_failed", label=gettext_lazy("Messages"))


class SubmissionIndexView(Forbidden403Mixin, SafeSpreadsheetExportMixin, IndexView):
    default_ordering = "-submitted_at"

    @cached_property
    def kind(self) -> SubmissionKind:
        return registry.of(self.model)

    def get_base_queryset(self):
        related = ["assignee", *([self.kind.type_field] if self.kind.type_field else [])]
        return selectors.with_failed_messages(
            selectors.submissions_for(self.request.user, self.kind).select_related(*related)
        )

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.submissions_matching(queryset, self.request.user, self.search_query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context

    @cached_property
    def show_export_buttons(self):
        return bool(self.list_export) and self.request.user.has_perm(self.kind.export_permission)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if not self.request.user.has_perm(self.kind.export_permission):
            raise PermissionDenied
        log(
            instance=self.request.user,
            action="intake.export",
            user=self.request.user,
            data={
                "model": self.model._meta.label_lower,
                "format": spreadsheet_format,
                "rows": queryset.count(),
                "filters": {
                    key: self.request.GET.getlist(key)
                    for key in self.request.GET
                    if key not in ("export",)
                },
            },
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class HelpRequestIndexView(SubmissionIndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm(HELP_REQUESTS.add_permission):
            buttons.append(
                HeaderButton(
                    _("Record an off-line request"),
                    url=reverse("intake_record_request"),
                    icon_name="form",
                )
            )
        return buttons


# --- the page of one submission ------------------------------------------------------------


class TransitionForm(forms.Form):
    """The next step: the new status, the kind's details the offered steps need, the message
    to the applicant, whether to tell them, and an internal note."""

    to_status = forms.ChoiceField(label=gettext_lazy("New status"))
    message = forms.CharField(
        label=gettext_lazy("Message to the applicant (shown on the tracking page and sent)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Leave empty to send the standard message; steps that do not concern the applicant "
            "send nothing unless you write here. For “Waiting for more information”, write "
            "what the applicant should send."
        ),
    )
    notify = forms.BooleanField(
        label=gettext_lazy("Tell the applicant"), required=False, initial=True
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note (never shown to the applicant)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, kind: SubmissionKind, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["to_status"].choices = [("", "---------"), *choices]
        details = {
            detail.name: forms.CharField(
                label=detail.label,
                required=False,
                max_length=detail.max_length,
                widget=forms.Textarea(attrs={"rows": 2}) if detail.multiline else None,
            )
            for detail in kind.details_for(value for value, _label in choices)
        }
        # The details come right after the status they belong to.
        self.fields = {"to_status": self.fields.pop("to_status"), **details, **self.fields}

    def step(self, data=None) -> Step:
        data = self.cleaned_data if data is None else data
        return Step(
            to=data["to_status"],
            note=data.get("note", ""),
            message=data.get("message", ""),
            notify=bool(data.get("notify")),
            details={detail.name: data.get(detail.name, "") for detail in self.kind.details},
        )


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=gettext_lazy("Assign to"), queryset=get_user_model().objects.none(), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, staff=None, load=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].load = load or {}


class ExtendForm(forms.Form):
    due = forms.DateField(
        label=gettext_lazy("New answer date"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (the applicant is told it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Internal note (never shown to the applicant)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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


class SubmissionHistoryView(Forbidden403Mixin, HistoryView):
    pass


class SubmissionUsageView(Forbidden403Mixin, UsageView):
    pass


# --- the chooser (a modal other admin forms could open) ------------------------------------------


class SubmissionChooserMixin:
    """Snippet choosers list every row to anyone in the admin; a submission's chooser is for the
    roles that may see its kind, and lists only what the inbox would."""

    def dispatch(self, request, *args, **kwargs):
        if not registry.of(self.model_class).can_view(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return selectors.submissions_for(self.request.user, registry.of(self.model_class))

    def get_object(self, pk):
        return get_object_or_404(self.get_object_list(), pk=pk)


class SubmissionChooseView(SubmissionChooserMixin, snippet_chooser.ChooseView):
    pass


class SubmissionChooseResultsView(SubmissionChooserMixin, snippet_chooser.ChooseResultsView):
    pass


class SubmissionChosenView(SubmissionChooserMixin, snippet_chooser.SnippetChosenView):
    pass


class SubmissionChosenMultipleView(
    SubmissionChooserMixin, snippet_chooser.SnippetChosenMultipleView
):
    pass


class SubmissionCreateView(SubmissionChooserMixin, snippet_chooser.SnippetCreateView):
    pass


class SubmissionChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = SubmissionChooseView
    choose_results_view_class = SubmissionChooseResultsView
    chosen_view_class = SubmissionChosenView
    chosen_multiple_view_class = SubmissionChosenMultipleView
    create_view_class = SubmissionCreateView


# --- the viewsets ------------------------------------------------------------------------------


class SubmissionViewSet(SnippetViewSet):
    """The inbox of one kind. Without a subclass of its own, a kind gets this one: a list with
    the shared columns and a page with the fields the kind shows staff."""

    kind: SubmissionKind = None
    inspect_view_enabled = True
    menu_item_is_registered = True  # in the Inbox menu (wagtail_hooks), not under Snippets
    copy_view_enabled = False
    index_view_class = SubmissionIndexView
    inspect_view_class = SubmissionInspectView
    chooser_viewset_class = SubmissionChooserViewSet
    history_view_class = SubmissionHistoryView
    usage_view_class = SubmissionUsageView
    icon = "doc-full"
    menu_order = 100
    ordering = ["-submitted_at"]
    search_fields = ["reference"]  # the search box itself goes through the submission search
    list_display = [
        "reference",
        "status",
        "channel",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        MESSAGES_COLUMN,
    ]

    def __init__(self, kind: SubmissionKind | None = None, **kwargs):
        self.kind = kind or self.kind
        self.model = self.kind.model
        super().__init__(**kwargs)

    @property
    def menu_label(self):
        return capfirst(self.kind.label_plural)

    def get_admin_url_namespace(self):
        return self.admin_url_namespace or f"inbox_{self.kind.slug}"

    def get_admin_base_path(self):
        return self.base_url_path or f"inbox/{self.kind.api_slug}"

    @property
    def filterset_class(self):
        return filterset_for(self.kind)

    @property
    def inspect_view_fields(self):
        return list(self.kind.applicant_fields)

    @property
    def export_filename(self):
        return self.kind.api_slug

    def menu_items(self) -> list[tuple]:
        """(label, url, icon, order, permission) of this kind in the Inbox menu."""
        return [
            (
                self.menu_label,
                reverse(f"{self.get_admin_url_namespace()}:list"),
                self.icon,
                self.menu_order,
                self.kind.view_permission,
            )
        ]

    def get_urlpatterns(self):
        kwargs = {"model": self.model, "url_namespace": self.get_admin_url_namespace()}
        return super().get_urlpatterns() + [
            path("transition/<int:pk>/", TransitionView.as_view(**kwargs), name="transition"),
            path("assign/<int:pk>/", AssignView.as_view(**kwargs), name="assign"),
            path("note/<int:pk>/", NoteView.as_view(**kwargs), name="note"),
            path("resend/<int:pk>/", ResendView.as_view(**kwargs), name="resend"),
            path("extend/<int:pk>/", ExtendView.as_view(**kwargs), name="extend"),
        ]


class HelpRequestViewSet(SubmissionViewSet):
    kind = HELP_REQUESTS
    icon = "help"
    menu_order = 10
    admin_url_namespace = "inbox_help"
    base_url_path = "inbox/help-requests"
    index_view_class = HelpRequestIndexView
    list_display = [
        "reference",
        "full_name",
        "support_type",
        "status",
        "channel",
        "city",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        DaysLeftColumn("days_left", label=gettext_lazy("Days left"), sort_key="response_due"),
        MESSAGES_COLUMN,
    ]
    list_export = [
        "reference",
        "submitted_at",
        "support_type",
        "get_status_display",
        "get_channel_display",
        "city",
        "district",
        "full_name",
        "national_id",
        "mobile",
        "family_size",
        "monthly_income",
        "response_due",
        "decided_at",
        "assignee",
    ]
    export_headings = {
        "get_status_display": gettext_lazy("status"),
        "get_channel_display": gettext_lazy("channel"),
    }

    def menu_items(self) -> list[tuple]:
        return [
            *super().menu_items(),
            (
                _("Awaiting the committee's decision"),
                reverse("inbox_help:list") + "?status=referred&ordering=response_due",
                "tasks",
                20,
                self.kind.view_permission,
            ),
            (
                _("Record an off-line request"),
                reverse("intake_record_request"),
                "form",
                40,
                self.kind.add_permission,
            ),
        ]


class VolunteerApplicationViewSet(SubmissionViewSet):
    kind = VOLUNTEER_APPLICATIONS
    icon = "group"
    menu_order = 30
    admin_url_namespace = "inbox_volunteers"
    base_url_path = "inbox/volunteers"
    list_display = [
        "reference",
        "full_name",
        "status",
        "city",
        "hours_per_week",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        MESSAGES_COLUMN,
    ]
    list_export = [
        "reference",
        "submitted_at",
        "get_status_display",
        "full_name",
        "mobile",
        "email",
        "city",
        "education",
        "get_skills_display",
        "get_interests_display",
        "languages",
        "get_availability_display",
        "hours_per_week",
        "platform_account",
    ]
    export_headings = {
        "get_status_display": gettext_lazy("status"),
        "get_skills_display": gettext_lazy("skills"),
        "get_interests_display": gettext_lazy("fields of interest"),
        "get_availability_display": gettext_lazy("availability (days and times)"),
    }


class ComplaintViewSet(SubmissionViewSet):
    kind = COMPLAINTS
    icon = "warning"
    menu_order = 35
    admin_url_namespace = "inbox_complaints"
    base_url_path = "inbox/complaints"
    list_display = [
        "reference",
        "nature",
        "theme",
        "status",
        "channel",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
        DaysLeftColumn("days_left", label=gettext_lazy("Days left"), sort_key="response_due"),
    ]
    list_export = [
        "reference",
        "submitted_at",
        "get_nature_display",
        "get_theme_display",
        "support_type",
        "get_status_display",
        "get_channel_display",
        "anonymous",
        "full_name",
        "mobile",
        "response_due",
        "decided_at",
        "escalated_at",
        "assignee",
    ]
    export_headings = {
        "get_nature_display": gettext_lazy("complaint or suggestion"),
        "get_theme_display": gettext_lazy("theme"),
        "get_status_display": gettext_lazy("status"),
        "get_channel_display": gettext_lazy("channel"),
    }


def inbox_viewsets() -> list[SubmissionViewSet]:
    """One viewset per registered kind: its own where this app declares one, else the default."""
    declared = {
        viewset.kind.slug: viewset
        for viewset in (HelpRequestViewSet, VolunteerApplicationViewSet, ComplaintViewSet)
    }
    return [
        declared[kind.slug]() if kind.slug in declared else SubmissionViewSet(kind=kind)
        for kind in registry.kinds()
    ]
