"""Admin integration of the intake app: the types of support staff can edit."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forms.models import SupportType


class SupportTypeViewSet(SnippetViewSet):
    model = SupportType
    icon = "list-ul"
    menu_label = _("Types of support")
    add_to_admin_menu = False
    list_display = ["name", "slug", "response_period_days", "active"]


register_snippet(SupportTypeViewSet)
