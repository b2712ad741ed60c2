"""Search in the admin: the synonyms staff keep for site search (registration only)."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import SynonymSet


class SynonymSetViewSet(SnippetViewSet):
    model = SynonymSet
    icon = "search"
    menu_label = _("Search synonyms")
    menu_order = 900
    add_to_settings_menu = True
    list_display = ["__str__", "note"]
    search_fields = ["words", "note"]
    url_prefix = "search/synonyms"


register_snippet(SynonymSetViewSet)
