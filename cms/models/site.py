"""Wagtail content of the public portal: the home page, content pages, the association profile."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.public_reads import PublicReadsPageMixin, route, site_setting

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HomePage(PublicReadsPageMixin, Page):
    """The association's front page, in Arabic and English."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def route(self, request, path_components):
        # The site's root: where a path leads is remembered per process (cms.public_reads).
        return route(self, request, path_components, super().route)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().in_menu().specific()
        return context


class ContentPage(PublicReadsPageMixin, Page):
    """A plain bilingual page: about the association, the privacy notice, contact details."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")


class VolunteerCharterPage(PublicReadsPageMixin, Page):
    """The volunteer charter (ميثاق التطوع) that applicants accept: a published page, edited and
    versioned like any page (each publication is a revision with its date), linked from the
    volunteer form."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("volunteer charter")
        verbose_name_plural = _("volunteer charters")


@register_setting(icon="group")
class AssociationProfile(BaseSiteSetting):
    """Who publishes the site: shown in the header, the footer and the API."""

    name = models.CharField(_("association name"), max_length=200, blank=True)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    licence_number = models.CharField(
        _("licence number"),
        max_length=50,
        blank=True,
        help_text=_(
            "The registration number issued by the National Center for the Non-Profit Sector."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Shown in the header, as the browser tab's icon and at the top of the emails sent "
            "to applicants and volunteers."
        ),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(
                r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hex digits, e.g. #0b6e4f.")
            )
        ],
        help_text=_(
            "The association's main colour, e.g. #0b6e4f. It is darkened where needed so that "
            "text on it stays readable."
        ),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    whatsapp_url = models.URLField(_("WhatsApp"), blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("tagline"),
                FieldPanel("licence_number"),
                FieldPanel("logo"),
                FieldPanel("brand_colour"),
            ],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("address"),
                FieldPanel("website"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("x_url"),
                FieldPanel("instagram_url"),
                FieldPanel("youtube_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("whatsapp_url"),
            ],
            heading=_("Social media"),
        ),
    ]

    class Meta:
        verbose_name = _("association profile")
        verbose_name_plural = _("association profiles")

    def __str__(self):
        return self.name or str(_("association profile"))

    @classmethod
    def for_request(cls, request):
        """The profile of the request's site, remembered per process (it shows on every page)."""
        attribute = cls.get_cache_attr_name()
        if not hasattr(request, attribute):
            profile = site_setting(cls, request, super().for_request)
            profile._request = request
            setattr(request, attribute, profile)
        return getattr(request, attribute)

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """(label, url) for each social account the association filled in."""
        candidates = [
            (_("X (Twitter)"), self.x_url),
            (_("Instagram"), self.instagram_url),
            (_("YouTube"), self.youtube_url),
            (_("LinkedIn"), self.linkedin_url),
            (_("WhatsApp"), self.whatsapp_url),
        ]
        return [(str(label), url) for label, url in candidates if url]
