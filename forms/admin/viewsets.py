"""The staff inbox in the Wagtail admin: a list per kind with filters, search, sorting, bulk
actions and export, and a page per submission with its data, documents, timeline, notes and the
steps the user's role may take. Every change goes through `forms.services`."""

import django_filters

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet

from forms.casework import transitions as services
from forms.models import (
    OPEN_REQUEST_STATUSES,
    Channel,
    HelpRequest,
    RequestStatus,
    SupportType,
    VolunteerApplication,
    VolunteerStatus,
)


def forbidden(request):
    """A plain 403 in the admin's frame (Wagtail's default would redirect to the dashboard)."""
    return TemplateResponse(request, "intake/admin/forbidden.html", status=403)


class Forbidden403Mixin:
    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)


# --- who can be given a submission -------------------------------------------------------------


def staff_for(permissions: list[str]):
    """Active users holding any of the permissions (directly, through a group, or superusers)."""
    codenames = [perm.split(".", 1)[1] for perm in permissions]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename__in=codenames)
            | Q(user_permissions__codename__in=codenames)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def help_request_staff(request=None):
    return staff_for([services.WORK, services.DECIDE])


def volunteer_staff(request=None):
    return staff_for([services.VOLUNTEER_WORK])


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


# --- the lists ---------------------------------------------------------------------------------


def search_filter(queryset, user, text: str):
    """Narrow a list to what the submission search finds for `text` (reference, ID, phone in
    any format, name however spelled, words of the description), within what `user` may see."""
    from search.submissions import kind_of, matching_ids

    kind = kind_of(queryset.model)
    return queryset.filter(pk__in=matching_ids(user, kind, text))


class HelpRequestFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"),
        choices=RequestStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    support_type = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Type of support"), queryset=SupportType.objects.all()
    )
    channel = django_filters.ChoiceFilter(label=gettext_lazy("Channel"), choices=Channel.choices)
    assignee = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Assigned to"), queryset=help_request_staff
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue"),
        method="filter_overdue",
        widget=forms.Select(
            choices=[
                ("", "---------"),
                ("true", gettext_lazy("Yes")),
                ("false", gettext_lazy("No")),
            ]
        ),
    )
    submitted_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Submitted"), widget=DateRangePickerWidget
    )
    city = django_filters.CharFilter(label=gettext_lazy("City"), lookup_expr="icontains")

    class Meta:
        model = HelpRequest
        fields = ["status", "support_type", "channel", "assignee", "submitted_at", "city"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=OPEN_REQUEST_STATUSES, response_due__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class VolunteerFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"),
        choices=VolunteerStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    channel = django_filters.ChoiceFilter(label=gettext_lazy("Channel"), choices=Channel.choices)
    assignee = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Assigned to"), queryset=volunteer_staff
    )
    submitted_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Submitted"), widget=DateRangePickerWidget
    )
    city = django_filters.CharFilter(label=gettext_lazy("City"), lookup_expr="icontains")

    class Meta:
        model = VolunteerApplication
        fields = ["status", "channel", "assignee", "submitted_at", "city"]


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
        return (user.get_full_name() or user.get_username()) if user else ""


class SubmissionIndexView(Forbidden403Mixin, IndexView):
    export_permission = ""
    default_ordering = "-submitted_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("assignee")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return search_filter(queryset, self.request.user, self.search_query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context

    @cached_property
    def show_export_buttons(self):
        return bool(self.list_export) and self.request.user.has_perm(self.export_permission)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if not self.request.user.has_perm(self.export_permission):
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
    export_permission = "intake.export_helprequest"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("support_type")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("intake.add_helprequest"):
            buttons.append(
                HeaderButton(
                    _("Record an off-line request"),
                    url=reverse("intake_record_request"),
                    icon_name="form",
                )
            )
        return buttons


class VolunteerIndexView(SubmissionIndexView):
    export_permission = "intake.export_volunteerapplication"


# --- the page of one submission ------------------------------------------------------------


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("New status"))
    reason = forms.CharField(
        label=gettext_lazy("Reason for the rejection (the applicant is told it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    meeting = forms.CharField(
        label=gettext_lazy("Research committee meeting (number and date)"),
        required=False,
        max_length=100,
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the applicant (shown on the tracking page and sent)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Leave empty to send the standard message. For “Waiting for more information”, "
            "write what the applicant should send."
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

    def __init__(self, *args, choices=(), kind="help", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [("", "---------"), *choices]
        decisions = {RequestStatus.ACCEPTED, RequestStatus.REJECTED}
        if kind != "help" or not decisions & {value for value, _label in choices}:
            del self.fields["reason"]
            del self.fields["meeting"]


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=gettext_lazy("Assign to"), queryset=get_user_model().objects.none(), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Internal note (never shown to the applicant)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _choices(submission, user):
    labels = dict(
        (RequestStatus if isinstance(submission, HelpRequest) else VolunteerStatus).choices
    )
    nexts = (
        services.help_request_next_statuses(submission, user)
        if isinstance(submission, HelpRequest)
        else services.volunteer_application_next_statuses(submission, user)
    )
    return [(status, labels[status]) for status in nexts]


class SubmissionInspectView(Forbidden403Mixin, InspectView):
    template_name = "intake/admin/inspect.html"
    page_title = gettext_lazy("Help request")
    kind = "help"

    def get_object(self, queryset=None):
        related = ["assignee", "recorded_by"] + (["support_type"] if self.kind == "help" else [])
        return get_object_or_404(self.model.objects.select_related(*related), pk=self.pk)

    def get(self, request, *args, **kwargs):
        # Every view of a person's data is in the audit log.
        log(instance=self.object, action="intake.view", user=request.user)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.reference

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission, user = self.object, self.request.user
        can_work = services.can_work(user, submission)
        events = list(submission.events.select_related("by", "assigned_to"))
        notes = list(submission.notes.select_related("author")) if can_work else []
        timeline = sorted(
            [("event", e.at, e) for e in events] + [("note", n.created_at, n) for n in notes],
            key=lambda item: item[1],
        )
        choices = _choices(submission, user)
        assign_permission = services.WORK if self.kind == "help" else services.VOLUNTEER_WORK
        context.update(
            submission=submission,
            kind=self.kind,
            today=timezone.localdate(),
            timeline=timeline,
            transition_form=TransitionForm(choices=choices, kind=self.kind) if choices else None,
            assign_form=(
                AssignForm(
                    staff=(help_request_staff() if self.kind == "help" else volunteer_staff()),
                    initial={"assignee": submission.assignee_id},
                    auto_id="assign-%s",
                )
                if user.has_perm(assign_permission)
                else None
            ),
            note_form=NoteForm(auto_id="note-%s") if can_work else None,
            urls={
                name: reverse(f"{self.url_namespace}:{name}", args=[submission.pk])
                for name in ("transition", "assign", "note")
            },
            attachments=list(submission.attachments.all()) if self.kind == "help" else [],
            consents=list(submission.consents.all()),
            rating=getattr(submission, "rating", None) if self.kind == "help" else None,
            history=ModelLogEntry.objects.for_instance(submission).select_related("user")[:50],
        )
        return context

    @property
    def url_namespace(self):
        return "inbox_help" if self.kind == "help" else "inbox_volunteers"


class VolunteerInspectView(SubmissionInspectView):
    page_title = gettext_lazy("Volunteer application")
    kind = "volunteer"


class SubmissionActionView(View):
    """POST endpoints behind the forms of the inspect page; errors come back as messages."""

    model = None
    form_class = None
    url_namespace = ""

    def post(self, request, pk):
        submission = get_object_or_404(self.model, pk=pk)
        if not request.user.has_perm(f"intake.view_{self.model._meta.model_name}"):
            return forbidden(request)
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
        kind = "help" if isinstance(submission, HelpRequest) else "volunteer"
        form = TransitionForm(
            request.POST, choices=_choices(submission, request.user) or [("", "")], kind=kind
        )
        if not form.is_valid():
            # An unknown or no longer allowed status: let the service say why, or refuse.
            requested = request.POST.get("to_status", "")
            data = {"to_status": requested, **{k: request.POST.get(k, "") for k in form.fields}}
            data["notify"] = bool(request.POST.get("notify"))
        else:
            data = form.cleaned_data
        if kind == "help":
            event = services.help_request_transition(
                help_request=submission,
                user=request.user,
                to_status=data["to_status"],
                note=data.get("note", ""),
                message=data.get("message", ""),
                notify=bool(data.get("notify")),
                reason=data.get("reason", ""),
                meeting=data.get("meeting", ""),
            )
        else:
            event = services.volunteer_application_transition(
                application=submission,
                user=request.user,
                to_status=data["to_status"],
                note=data.get("note", ""),
                message=data.get("message", ""),
                notify=bool(data.get("notify")),
            )
        messages.success(
            request,
            _("%(reference)s is now “%(status)s”.")
            % {"reference": submission.reference, "status": event.to_label()},
        )


class AssignView(SubmissionActionView):
    def perform(self, request, submission):
        staff = help_request_staff() if isinstance(submission, HelpRequest) else volunteer_staff()
        form = AssignForm(request.POST, staff=staff)
        if not form.is_valid():
            raise ValidationError(_("Choose a person who works on this kind of submission."))
        assignee = form.cleaned_data["assignee"]
        services.submission_assign(
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
                    "name": assignee.get_full_name() or assignee.get_username(),
                },
            )


class NoteView(SubmissionActionView):
    def perform(self, request, submission):
        services.submission_note_add(
            submission=submission, user=request.user, text=request.POST.get("text", "")
        )
        messages.success(request, _("The note was added."))


# --- the viewsets ------------------------------------------------------------------------------


class SubmissionViewSet(SnippetViewSet):
    inspect_view_enabled = True
    menu_item_is_registered = True  # in the Inbox menu (wagtail_hooks), not under Snippets
    copy_view_enabled = False
    export_filename = "submissions"

    def get_urlpatterns(self):
        kwargs = {"model": self.model, "url_namespace": self.get_admin_url_namespace()}
        return super().get_urlpatterns() + [
            path("transition/<int:pk>/", TransitionView.as_view(**kwargs), name="transition"),
            path("assign/<int:pk>/", AssignView.as_view(**kwargs), name="assign"),
            path("note/<int:pk>/", NoteView.as_view(**kwargs), name="note"),
        ]


class HelpRequestViewSet(SubmissionViewSet):
    model = HelpRequest
    icon = "help"
    menu_label = gettext_lazy("Help requests")
    menu_order = 10
    base_url_path = "inbox/help-requests"
    admin_url_namespace = "inbox_help"
    index_view_class = HelpRequestIndexView
    inspect_view_class = SubmissionInspectView
    filterset_class = HelpRequestFilterSet
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
    export_filename = "help-requests"
    inspect_view_fields = [
        "full_name",
        "national_id",
        "date_of_birth",
        "gender",
        "nationality",
        "marital_status",
        "family_size",
        "dependants",
        "monthly_income",
        "income_sources",
        "city",
        "district",
        "mobile",
        "email",
        "preferred_contact",
        "description",
    ]
    ordering = ["-submitted_at"]
    search_fields = ["reference"]  # the search box itself is `_search_filter`


class VolunteerApplicationViewSet(SubmissionViewSet):
    model = VolunteerApplication
    icon = "group"
    menu_label = gettext_lazy("Volunteer applications")
    menu_order = 30
    base_url_path = "inbox/volunteers"
    admin_url_namespace = "inbox_volunteers"
    index_view_class = VolunteerIndexView
    inspect_view_class = VolunteerInspectView
    filterset_class = VolunteerFilterSet
    list_display = [
        "reference",
        "full_name",
        "status",
        "city",
        "hours_per_week",
        AssigneeColumn("assignee", label=gettext_lazy("Assigned to"), sort_key="assignee"),
        "submitted_at",
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
        "skills",
        "interests",
        "languages",
        "availability",
        "hours_per_week",
        "platform_account",
    ]
    export_headings = {"get_status_display": gettext_lazy("status")}
    export_filename = "volunteer-applications"
    inspect_view_fields = [
        "full_name",
        "national_id",
        "date_of_birth",
        "gender",
        "city",
        "mobile",
        "email",
        "education",
        "skills",
        "interests",
        "languages",
        "availability",
        "hours_per_week",
        "experience",
        "platform_account",
        "charter_accepted",
    ]
    ordering = ["-submitted_at"]
    search_fields = ["reference"]
