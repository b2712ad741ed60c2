"""Admin integration of the intake app: the types of support staff can edit."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forms.admin_views import AttachmentDownloadView, RecordOfflineRequestView
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


class IntakeMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("intake.add_helprequest")


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


@hooks.register("register_admin_menu_item")
def record_request_menu_item():
    return IntakeMenuItem(
        _("Record an off-line request"),
        reverse("intake_record_request"),
        icon_name="form",
        order=230,
    )


@hooks.register("register_log_actions")
def register_intake_log_actions(actions):
    actions.register_action(
        "intake.attachment_download", _("Attachment downloaded"), _("An attachment was downloaded")
    )
