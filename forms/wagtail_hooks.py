"""Admin integration of the intake app: the inbox, its menu and dashboard panel, the types of
support and the messages to applicants."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forms import reports as statistics
from forms.admin.bulk_actions import AssignBulkAction, ChangeStatusBulkAction
from forms.admin.views import AttachmentDownloadView, RecordOfflineRequestView
from forms.admin.viewsets import HelpRequestViewSet, VolunteerApplicationViewSet
from forms.models import MessageTemplate, SupportType


class SupportTypeViewSet(SnippetViewSet):
    model = SupportType
    icon = "list-ul"
    menu_label = _("Types of support")
    add_to_admin_menu = False
    list_display = ["name", "slug", "response_period_days", "active"]


register_snippet(SupportTypeViewSet)


class MessageTemplateViewSet(SnippetViewSet):
    model = MessageTemplate
    icon = "mail"
    menu_label = _("Messages to applicants")
    add_to_admin_menu = False
    list_display = ["__str__"]


register_snippet(MessageTemplateViewSet)

help_request_viewset = HelpRequestViewSet()
volunteer_viewset = VolunteerApplicationViewSet()
register_snippet(help_request_viewset)
register_snippet(volunteer_viewset)

hooks.register("register_bulk_action", ChangeStatusBulkAction)
hooks.register("register_bulk_action", AssignBulkAction)

# Submissions are never deleted from a list: they are withdrawn, marked invalid, or anonymised
# by the retention rules. Hide the snippets' generic "Delete" bulk action for them (the
# permission policy refuses it anyway).
_bulk_actions_for_model = bulk_action_registry.get_bulk_actions_for_model


def _inbox_bulk_actions(app_label, model_name):
    actions = _bulk_actions_for_model(app_label, model_name)
    if app_label == "intake" and model_name in ("helprequest", "volunteerapplication"):
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
        PermissionMenuItem(
            _("Help requests"),
            reverse("inbox_help:list"),
            icon_name="help",
            order=10,
            permission="intake.view_helprequest",
        ),
        PermissionMenuItem(
            _("Awaiting the committee's decision"),
            reverse("inbox_help:list") + "?status=referred&ordering=response_due",
            icon_name="tasks",
            order=20,
            permission="intake.view_helprequest",
        ),
        PermissionMenuItem(
            _("Volunteer applications"),
            reverse("inbox_volunteers:list"),
            icon_name="group",
            order=30,
            permission="intake.view_volunteerapplication",
        ),
        PermissionMenuItem(
            _("Record an off-line request"),
            reverse("intake_record_request"),
            icon_name="form",
            order=40,
            permission="intake.add_helprequest",
        ),
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
    name = "inbox"
    order = 50
    template_name = "intake/admin/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        if self.user.has_perm("intake.view_helprequest"):
            context["stats"] = statistics.dashboard()
            context["list_url"] = reverse("inbox_help:list")
        if self.user.has_perm("intake.view_volunteerapplication"):
            context["volunteers"] = statistics.volunteer_dashboard()
            context["volunteers_url"] = reverse("inbox_volunteers:list")
        return context

    @property
    def media(self):
        from django.forms import Media

        return Media(css={"all": ["intake/inbox.css"]})


@hooks.register("construct_homepage_panels")
def inbox_dashboard_panel(request, panels):
    user = request.user
    if user.has_perm("intake.view_helprequest") or user.has_perm(
        "intake.view_volunteerapplication"
    ):
        panels.append(InboxPanel(user))


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
