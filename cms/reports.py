"""Admin report: every page and question that is missing one of its two languages."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from cms.models import FAQ
from portal.core.associations import site_for_request

# For each page type, the translated fields a reader needs (title is checked for all).
PAGE_FIELDS = {
    "homepage": ["intro"],
    "contentpage": ["intro", "body"],
    "policyindexpage": ["intro"],
    "policypage": ["body"],
    "faqpage": ["intro"],
}
LANGUAGES = ("ar", "en")


@dataclass
class MissingTranslation:
    kind: str
    title: str
    missing: list[str]
    edit_url: str


def _empty(value) -> bool:
    if value is None:
        return True
    if hasattr(value, "raw_data"):  # StreamValue
        return len(value) == 0
    return not str(value).strip()


def missing_translations(*, site=None) -> list[MissingTranslation]:
    """Pages and questions missing a language: `site`'s association's when given."""
    rows = []
    pages = Page.objects.filter(depth__gt=1)
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    for page in pages.specific().order_by("path"):
        fields = ["title", *PAGE_FIELDS.get(page._meta.model_name, [])]
        missing = [
            f"{field} ({language})"
            for language in LANGUAGES
            for field in fields
            if hasattr(page, f"{field}_{language}") and _empty(getattr(page, f"{field}_{language}"))
        ]
        if missing:
            rows.append(
                MissingTranslation(
                    str(page._meta.verbose_name),
                    page.title,
                    missing,
                    reverse("wagtailadmin_pages:edit", args=[page.pk]),
                )
            )
    faqs = FAQ.objects.all() if site is None else FAQ.all_sites.filter(site=site)
    for faq in faqs.select_related("category"):
        missing = [
            f"{field} ({language})"
            for language in LANGUAGES
            for field in ("question", "answer")
            if _empty(getattr(faq, f"{field}_{language}"))
        ]
        if missing:
            rows.append(
                MissingTranslation(
                    str(FAQ._meta.verbose_name),
                    faq.question,
                    missing,
                    reverse("wagtailsnippets_cms_faq:edit", args=[faq.pk]),
                )
            )
    return rows


class MissingTranslationsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/missing_translations.html"
    page_title = _("Missing translations")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = missing_translations(site=site_for_request(self.request))
        return context
