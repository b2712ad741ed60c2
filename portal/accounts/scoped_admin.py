"""Wagtail's reports, workflow-task forms and page chooser within the association's scope (the same rule as the
user and group screens, portal.accounts.users): on an association's host its staff see its
pages, its people and groups and the audit entries of its own, and their filters offer no one
else; superusers and platform administrators see every association's.

Wagtail builds these views' choices install-wide (every user who ever locked a page or started
a workflow, every group of the install for an approval task), so they are replaced here and
served at Wagtail's own addresses (portal.accounts.admin_urls)."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404

from wagtail.admin.forms.workflows import get_task_form_class
from wagtail.admin.views import chooser, home, workflows
from wagtail.admin.views.pages import bulk_actions as page_bulk_actions
from wagtail.admin.views.pages import workflow as page_workflow
from wagtail.admin.views.pages.listing import GenericPageFilterSet
from wagtail.admin.views.reports import aging_pages, audit_logging, locked_pages, page_types_usage
from wagtail.admin.views.reports import workflows as workflow_reports
from wagtail.admin.viewsets import pages
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import (
    Page,
    PageLogEntry,
    Site,
    TaskState,
    WorkflowState,
    get_default_page_content_type,
)

from portal.accounts.associations import (
    groups_in_scope,
    log_entries_in_scope,
    manages_every_association,
    pages_in_scope,
)
from portal.accounts.roles import current_actor
from portal.core.associations import current_or_default_site


def _page_keys(actor):
    return (
        pages_in_scope(actor, Page.objects.all())
        .annotate(sila_key=Cast("pk", output_field=CharField()))
        .values("sila_key")
    )


# --- site history -------------------------------------------------------------------------------


def log_authors(actor):
    """Who wrote the audit entries `actor` sees (the site history's user filter)."""
    user_ids = set()
    for log_model in log_action_registry.get_log_entry_models():
        entries = log_entries_in_scope(actor, log_model.objects.viewable_by_user(actor))
        user_ids.update(entries.get_user_ids())
    User = get_user_model()
    return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


class SiteHistoryFilterSet(audit_logging.SiteHistoryReportFilterSet):
    # Wagtail's offers the authors of every page's entries, of every association.
    def get_users_queryset(self):
        return log_authors(self.request.user)


class SiteHistoryView(audit_logging.LogEntriesView):
    filterset_class = SiteHistoryFilterSet

    def filter_queryset(self, queryset):
        # Called once per log model, on that model's entries the user may view.
        return super().filter_queryset(log_entries_in_scope(self.request.user, queryset))


# --- page reports -------------------------------------------------------------------------------


class ScopedPageReport:
    """The report's pages are the host's association's."""

    def get_queryset(self):
        return pages_in_scope(self.request.user, super().get_queryset())


def lockers(request):
    """Who locked the pages the locked-pages report shows."""
    User = get_user_model()
    pages = pages_in_scope(request.user, Page.objects.filter(locked=True))
    return User.objects.filter(pk__in=pages.values("locked_by")).order_by(User.USERNAME_FIELD)


class LockedPagesFilterSet(locked_pages.LockedPagesReportFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["locked_by"].queryset = lockers(request)


class LockedPagesView(ScopedPageReport, locked_pages.LockedPagesView):
    filterset_class = LockedPagesFilterSet


class AgingPagesView(ScopedPageReport, aging_pages.AgingPagesView):
    pass


class PageTypesUsageFilterSet(page_types_usage.PageTypesUsageReportFilterSet):
    """Outside the platform's administrators, the report counts the host's association only:
    the site filter offers (and holds) that association alone."""

    def __init__(self, data=None, *args, request=None, **kwargs):
        site = current_or_default_site()
        scoped = (
            request is not None and site is not None and not manages_every_association(request.user)
        )
        if scoped:
            data = data.copy() if data is not None else {}
            data["site"] = site.root_page.path
        super().__init__(data, *args, request=request, **kwargs)
        if scoped and "site" in self.filters:  # (none on an install of one association)
            self.filters["site"].extra.update(
                choices=[(site.root_page.path, str(site))], null_label=None
            )
            self.sites = {site.pk: site}


class PageTypesUsageView(page_types_usage.PageTypesUsageReportView):
    filterset_class = PageTypesUsageFilterSet


# --- workflow reports ---------------------------------------------------------------------------


def _states_in_scope(actor, states, prefix=""):
    """Workflow states (or task states, through `prefix`) of pages outside the host's association
    left out; states of other objects kept (their own permissions already hold them)."""
    if manages_every_association(actor):
        return states
    page_type = get_default_page_content_type()
    return states.filter(
        ~Q(**{f"{prefix}base_content_type": page_type})
        | Q(**{f"{prefix}object_id__in": _page_keys(actor)})
    )


def requesters(request):
    """Who started the workflows the workflow report shows."""
    User = get_user_model()
    states = _states_in_scope(request.user, WorkflowState.objects.all())
    return User.objects.filter(pk__in=states.values("requested_by")).order_by(User.USERNAME_FIELD)


class WorkflowFilterSet(workflow_reports.WorkflowReportFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["requested_by"].queryset = requesters(request)


class WorkflowView(workflow_reports.WorkflowView):
    filterset_class = WorkflowFilterSet

    def get_queryset(self):
        return _states_in_scope(self.request.user, super().get_queryset())


class WorkflowTasksView(workflow_reports.WorkflowTasksView):
    def get_queryset(self):
        return _states_in_scope(self.request.user, super().get_queryset(), "workflow_state__")


# --- workflow tasks: the groups an approval task names -----------------------------------------


class ScopedTaskForm:
    """A task's `groups` offer the groups in the actor's scope; the groups the task names that
    this form does not show (another association's, such as the board secretaries of every
    association that one shared board-approval task names) are kept when it is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_groups = []
        field = self.fields.get("groups")
        actor = current_actor()
        if field is None or actor is None or manages_every_association(actor):
            return
        field.queryset = groups_in_scope(actor, Group.objects.all()).order_by("name")
        if self.instance.pk is not None:
            self.kept_groups = list(self.instance.groups.exclude(pk__in=field.queryset))

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is None or not self.kept_groups:
            return groups
        pks = {group.pk for group in groups} | {group.pk for group in self.kept_groups}
        return Group.objects.filter(pk__in=pks)


def scoped_task_form_class(task_model, for_edit=False):
    form_class = get_task_form_class(task_model, for_edit=for_edit)
    return type(f"Scoped{form_class.__name__}", (ScopedTaskForm, form_class), {})


class CreateTask(workflows.CreateTask):
    def get_form_class(self):
        return scoped_task_form_class(self.model)


class EditTask(workflows.EditTask):
    def get_form_class(self):
        return scoped_task_form_class(self.model, for_edit=True)


class ScopedTaskChooserCreate:
    def get_create_form_class(self):
        if super().get_create_form_class() is None:
            return None
        return scoped_task_form_class(self.create_model)


class TaskChooserView(ScopedTaskChooserCreate, workflows.TaskChooserView):
    pass


class TaskChooserCreateView(ScopedTaskChooserCreate, workflows.TaskChooserCreateView):
    pass


# --- the page explorer's filters ----------------------------------------------------------------


class PageFilterSet(GenericPageFilterSet):
    """The explorer's owner, edited-by and site filters offer the host's association's own:
    Wagtail's offer every page's owner and editor and every association of the install."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None or manages_every_association(request.user):
            return
        User = get_user_model()
        pages = pages_in_scope(request.user, Page.objects.all())
        self.filters["owner"].queryset = User.objects.filter(pk__in=pages.values("owner_id"))
        edits = PageLogEntry.objects.filter(action="wagtail.edit", page__in=pages)
        self.filters["edited_by"].queryset = User.objects.filter(pk__in=edits.values("user_id"))
        site = current_or_default_site()
        self.filters["site"].queryset = Site.objects.filter(pk=getattr(site, "pk", None))


# The names Wagtail's page addresses give the pages they act on (the page, a parent, a destination).
PAGE_URL_KWARGS = ("page_id", "pk", "parent_page_id", "page_to_move_id", "destination_id")


def pages_in_scope_or_404(view):
    """`view` answering 404 for a page outside the host's association: its edit, history,
    revisions (view, compare, revert), lock, workflow (actions, cancellation, preview, history)
    and every other screen of one page. The tree's root stays (no association's: the explorer's
    breadcrumbs link to it)."""

    @functools.wraps(view)
    def scoped(request, *args, **kwargs):
        ids = {kwargs[name] for name in PAGE_URL_KWARGS if kwargs.get(name) is not None}
        if ids:
            asked = Page.objects.filter(pk__in=ids, depth__gt=1)
            if pages_in_scope(request.user, asked).count() != asked.count():
                raise Http404
        return view(request, *args, **kwargs)

    return scoped


class TaskStateOfThePage:
    """Wagtail finds the task state of a workflow action by its id alone: an action asked on
    one's own page would act on the task state of any page, another association's among them.
    Here it must be a task state of the page in the address."""

    def get_task_state(self):
        return get_object_or_404(
            TaskState,
            id=self.task_state_id,
            workflow_state__base_content_type=self.object.get_base_content_type(),
            workflow_state__object_id=str(self.object.pk),
        ).specific


class WorkflowActionView(TaskStateOfThePage, page_workflow.WorkflowActionView):
    pass


class CollectWorkflowActionDataView(
    TaskStateOfThePage, page_workflow.CollectWorkflowActionDataView
):
    pass


class PageViewSet(pages.PageViewSet):
    """Wagtail's page screens (registered in its place, portal.wagtail_hooks), with the
    explorer's filters in scope, another association's pages not found, and workflow actions
    on the page's own task states only."""

    filterset_class = PageFilterSet
    workflow_action_view_class = WorkflowActionView
    collect_workflow_action_data_view_class = CollectWorkflowActionDataView

    def get_view_by_name(self, name):
        return pages_in_scope_or_404(super().get_view_by_name(name))


# --- the page chooser -----------------------------------------------------------------------------
# Its listings keep to the association's pages (portal.wagtail_hooks); these keep its steps that
# take a page by id from showing another association's page: its title, its address.


def _page_shown(actor, page) -> bool:
    """Whether the chooser may show `page` to `actor`: a page in scope, or the tree's root (whose
    title is no association's, and which the chooser's breadcrumbs link to)."""
    return page.depth == 1 or pages_in_scope(actor, Page.objects.filter(pk=page.pk)).exists()


class PageChooserBrowseView(chooser.BrowseView):
    def get_object_list(self):
        # Called once the parent page is known: one asked for by id is shown only in scope; one
        # Wagtail found itself (the common ancestor of the asked page types) gives way to the root.
        if not _page_shown(self.request.user, self.parent_page):
            if self.kwargs.get("parent_page_id"):
                raise Http404
            self.parent_page = Page.get_first_root_node().specific
        return super().get_object_list()


class PageChooserChosenView(chooser.ChosenMultipleView):
    def get(self, request):
        asked = Page.objects.filter(pk__in=request.GET.getlist("id"))
        if pages_in_scope(request.user, asked).count() != asked.count():
            raise Http404
        return super().get(request)


# --- the dashboard ----------------------------------------------------------------------------
# Wagtail's panels list the user's own (their locked pages, their recent edits, the workflows they
# started) and what they may review, install-wide: a person with roles in two associations would
# see on one's host the other's page titles and counts. Here each keeps to the host's association.


def _page_ids_in_scope(actor, ids) -> set[int]:
    return set(pages_in_scope(actor, Page.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def _objects_in_scope(actor, objects):
    """`objects` (pages, or other workflow objects, kept) narrowed to the host's association."""
    ids = _page_ids_in_scope(actor, [obj.pk for obj in objects if isinstance(obj, Page)])
    return [obj for obj in objects if not isinstance(obj, Page) or obj.pk in ids]


class WorkflowObjectsToModeratePanel(home.WorkflowObjectsToModeratePanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        kept = _objects_in_scope(
            context["request"].user, [state["obj"] for state in context["states"]]
        )
        context["states"] = [state for state in context["states"] if state["obj"] in kept]
        return context


class UserObjectsInWorkflowModerationPanel(home.UserObjectsInWorkflowModerationPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        states = list(context["workflow_states"])
        kept = _objects_in_scope(
            context["request"].user, [state.content_object for state in states]
        )
        context["workflow_states"] = [state for state in states if state.content_object in kept]
        return context


class LockedPagesPanel(home.LockedPagesPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["locked_pages"] = pages_in_scope(context["request"].user, context["locked_pages"])
        return context


class RecentEditsPanel(home.RecentEditsPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        edits = context["last_edits"]
        ids = _page_ids_in_scope(context["request"].user, [page.pk for _date, page in edits])
        context["last_edits"] = [(date, page) for date, page in edits if page.pk in ids]
        return context


SCOPED_PANELS = {
    home.WorkflowObjectsToModeratePanel: WorkflowObjectsToModeratePanel,
    home.UserObjectsInWorkflowModerationPanel: UserObjectsInWorkflowModerationPanel,
    home.LockedPagesPanel: LockedPagesPanel,
    home.RecentEditsPanel: RecentEditsPanel,
}


def dashboard_panels_in_scope(panels) -> None:
    """Wagtail's own dashboard panels (`panels`, changed in place) replaced by their scoped
    versions."""
    for index, panel in enumerate(panels):
        scoped = SCOPED_PANELS.get(type(panel))
        if scoped is not None:
            panels[index] = scoped()


# --- the page bulk actions --------------------------------------------------------------------
# Wagtail's take their pages by id (or "all" of a listing) from any association, and show the
# title of each one the user may not act on: here another association's page asked for by id is
# not found, and "all" of a listing holds the host association's pages only.


class ScopedPageBulkAction:
    def get_all_objects_in_listing_query(self, parent_id):
        if parent_id is not None:
            if not str(parent_id).isdigit():
                raise Http404
            parent = Page.objects.filter(pk=parent_id, depth__gt=1)
            if parent.exists() and not pages_in_scope(self.request.user, parent).exists():
                raise Http404
        ids = list(super().get_all_objects_in_listing_query(parent_id))
        return list(
            pages_in_scope(self.request.user, Page.objects.filter(pk__in=ids)).values_list(
                "pk", flat=True
            )
        )

    def get_actionable_objects(self):
        ids = [value for value in self.request.GET.getlist("id") if value.isdigit()]
        asked = Page.objects.filter(pk__in=ids)
        if pages_in_scope(self.request.user, asked).count() != asked.count():
            raise Http404
        return super().get_actionable_objects()


PAGE_BULK_ACTIONS = [
    type(f"Scoped{action.__name__}", (ScopedPageBulkAction, action), {})
    for action in (
        page_bulk_actions.DeleteBulkAction,
        page_bulk_actions.MoveBulkAction,
        page_bulk_actions.PublishBulkAction,
        page_bulk_actions.UnpublishBulkAction,
    )
]
