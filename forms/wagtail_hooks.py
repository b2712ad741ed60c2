"""Admin registration of the intake app (registration only: the views live in forms/admin/):
the inbox of every registered kind, its menu and dashboard panel, the bulk actions, the audit
log's actions, the types of support and the messages to applicants."""

from django.forms import Media
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forms import reports
from forms.admin.bulk_actions import AssignBulkAction, ChangeStatusBulkAction
from forms.admin.views import AttachmentDownloadView, RecordOfflineRequestView
from forms.admin.viewsets import inbox_viewsets
from forms.casework import registry, selectors
from forms.kinds.help import HELP_REQUESTS
from forms.models import MessageTemplate, SupportType
from forms.staff_notices import notices_mark_read
from portal.core.admin import (
    AssociationPermissionPolicy,
    AssociationServicesOnlyPermissionPolicy,
    association_rows,
)

# Each association edits its own types of support and messages, on its own host.
for _model in (SupportType, MessageTemplate):
    register_permission_policy(_model, AssociationPermissionPolicy(_model))


class SupportTypeViewSet(SnippetViewSet):
    model = SupportType
    icon = "list-ul"
    menu_label = _("Types of support")
    add_to_admin_menu = False
    list_display = ["name", "slug", "response_period_days", "active"]

    def get_queryset(self, request):
        return association_rows(self.model)


register_snippet(SupportTypeViewSet)


class MessageTemplateViewSet(SnippetViewSet):
    model = MessageTemplate
    icon = "mail"
    menu_label = _("Messages to applicants")
    add_to_admin_menu = False
    list_display = ["__str__"]

    def get_queryset(self, request):
        return association_rows(self.model)


register_snippet(MessageTemplateViewSet)

INBOX = inbox_viewsets()
for viewset in INBOX:
    register_permission_policy(
        viewset.model, AssociationServicesOnlyPermissionPolicy(viewset.model)
    )
    register_snippet(viewset)

hooks.register("register_bulk_action", ChangeStatusBulkAction)
hooks.register("register_bulk_action", AssignBulkAction)

# Submissions are never deleted from a list: they are withdrawn, marked invalid, or anonymised
# by the retention rules. Hide the snippets' generic "Delete" bulk action for them (the
# permission policy refuses it anyway).
_bulk_actions_for_model = bulk_action_registry.get_bulk_actions_for_model
_SUBMISSION_MODELS = {(v.model._meta.app_label, v.model._meta.model_name) for v in INBOX}


def _inbox_bulk_actions(app_label, model_name):
    actions = _bulk_actions_for_model(app_label, model_name)
    if (app_label, model_name) in _SUBMISSION_MODELS:
        return [action for action in actions if action.action_type != "delete"]
    return actions


bulk_action_registry.get_bulk_actions_for_model = _inbox_bulk_actions


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class InboxMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return any(item.is_shown(request) for item in self.menu.registered_menu_items)


@hooks.register("register_admin_menu_item")
def inbox_menu_item():
    items = [
        PermissionMenuItem(label, url, icon_name=icon, order=order, permission=permission)
        for viewset in INBOX
        for label, url, icon, order, permission in viewset.menu_items()
    ]
    return InboxMenuItem(_("Inbox"), Menu(items=items), icon_name="mail", order=150)


@hooks.register("register_admin_urls")
def intake_admin_urls():
    return [
        path("requests/record/", RecordOfflineRequestView.as_view(), name="intake_record_request"),
        path(
            "requests/attachments/<int:pk>/",
            AttachmentDownloadView.as_view(),
            name="intake_attachment_download",
        ),
    ]


class InboxPanel(Component):
    """The help requests' figures, and how many submissions of every other kind the user sees
    are at each status."""

    name = "inbox"
    order = 50
    template_name = "intake/admin/dashboard_panel.html"

    def __init__(self, user, kinds):
        self.user = user
        self.kinds = kinds

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        boards = []
        for viewset in INBOX:
            if viewset.kind not in self.kinds:
                continue
            url = reverse(f"{viewset.get_admin_url_namespace()}:list")
            if viewset.kind is HELP_REQUESTS:
                context["stats"] = reports.dashboard()
                context["list_url"] = url
            else:
                boards.append(
                    {"label": viewset.menu_label, "url": url, **reports.status_board(viewset.kind)}
                )
        context["boards"] = boards
        return context

    @property
    def media(self):
        return Media(css={"all": ["intake/inbox.css"]})


class NoticesPanel(Component):
    """What the user was told: new assignments and deadlines drawing near (references only).
    Shown notices count as read."""

    name = "intake_notices"
    order = 40
    template_name = "intake/admin/notices_panel.html"

    def __init__(self, notices):
        self.notices = notices

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["notices"] = self.notices
        return context


@hooks.register("construct_homepage_panels")
def inbox_dashboard_panel(request, panels):
    notices = selectors.notices_for(request.user)
    if notices:
        panels.append(NoticesPanel(notices))
        notices_mark_read(user=request.user, notices=notices)
    kinds = [kind for kind in registry.kinds() if kind.can_view(request.user)]
    if kinds:
        panels.append(InboxPanel(request.user, kinds))


@hooks.register("register_log_actions")
def register_intake_log_actions(actions):
    for action, label, message in (
        (
            "intake.attachment_download",
            _("Attachment downloaded"),
            _("An attachment was downloaded"),
        ),
        ("intake.view", _("Personal data viewed"), _("The request's page was opened")),
        ("intake.transition", _("Status changed"), _("The status changed")),
        ("intake.assign", _("Assigned"), _("The submission was assigned")),
        ("intake.note", _("Internal note"), _("An internal note was added")),
        ("intake.resend", _("Message sent again"), _("A message to the applicant was sent again")),
        ("intake.extend", _("Answer date extended"), _("The answer date was moved later")),
        ("intake.export", _("List exported"), _("A list of submissions was exported")),
        ("intake.anonymise", _("Personal data erased"), _("The personal data was erased")),
        ("intake.person_export", _("Personal data exported"), _("The person's data was exported")),
        (
            "intake.staff_api_view",
            _("Personal data read through the API"),
            _("Read through the staff API"),
        ),
    ):
        actions.register_action(action, label, message)
