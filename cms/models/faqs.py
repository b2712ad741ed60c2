"""Frequently asked questions: categories, questions with rich-text answers, helpfulness counts."""

import json

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel

from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.public_reads import PublicReadsPageMixin
from portal.core.ratelimit import allow, client_ip
from search.text.arabic import index_text

FAQ_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class FAQCategory(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True, allow_unicode=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")

    def __str__(self):
        return self.name


# The public services an answer can lead to, by the URL name of their page.
SERVICE_CHOICES = [
    ("intake_help_request", _("Request support")),
    ("intake_volunteer", _("Volunteer")),
    ("intake_track_lookup", _("Track a request")),
]


class FAQ(index.Indexed, ClusterableModel):
    """One question and its answer, in Arabic and English side by side in the editor."""

    question = models.CharField(_("question"), max_length=300)
    answer = RichTextField(_("answer"), features=FAQ_FEATURES)
    slug = models.SlugField(
        _("link name"),
        unique=True,
        help_text=_(
            "Latin letters for the link to this answer, e.g. how-to-apply. Keep it stable."
        ),
    )
    category = models.ForeignKey(
        FAQCategory, on_delete=models.PROTECT, related_name="faqs", verbose_name=_("category")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    service = models.CharField(
        _("service"),
        max_length=40,
        blank=True,
        choices=SERVICE_CHOICES,
        help_text=_("The service this answer leads to; a link to it is shown under the answer."),
    )
    related_policies = ParentalManyToManyField(
        "cms.PolicyPage", blank=True, related_name="faqs", verbose_name=_("related policies")
    )

    panels = [
        FieldPanel("question"),
        FieldPanel("answer"),
        FieldPanel("slug"),
        FieldPanel("category"),
        FieldPanel("sort_order"),
        FieldPanel("service"),
        FieldPanel("related_policies"),
    ]
    search_fields = [
        index.SearchField("search_document"),
        index.FilterField("category_id"),
    ]

    class Meta:
        ordering = ["category__sort_order", "sort_order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self):
        return self.question

    @property
    def anchor(self) -> str:
        return self.slug

    def is_translated(self, language: str | None = None) -> bool:
        language = (language or get_language() or "ar")[:2]
        return bool(
            getattr(self, f"question_{language}", "") and getattr(self, f"answer_{language}", "")
        )

    def search_document(self) -> str:
        """Stems of both languages, normalised: what every search backend indexes."""
        return index_text(
            self.question_ar or "",
            strip_tags(self.answer_ar or ""),
            self.question_en or "",
            strip_tags(self.answer_en or ""),
        )


class FAQFeedback(models.Model):
    """Yes/no counts per question and language. No votes are kept, only the totals."""

    faq = models.ForeignKey(FAQ, on_delete=models.CASCADE, related_name="feedback")
    language = models.CharField(max_length=5)
    helpful = models.PositiveIntegerField(default=0)
    not_helpful = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["faq", "language"], name="one_count_per_faq_language")
        ]
        verbose_name = _("FAQ feedback")
        verbose_name_plural = _("FAQ feedback")

    def __str__(self):
        return f"{self.faq} ({self.language}): {self.helpful}/{self.not_helpful}"


VOTES_COOKIE = "sila_faq_votes"
# Votes one client address may send in an hour: a reader votes on a few answers, a script on
# hundreds. The cookie stops a browser voting twice; this stops a client that drops it.
FAQ_VOTES_PER_CLIENT = 30


class FAQPage(PublicReadsPageMixin, RoutablePageMixin, Page):
    """All questions, grouped by category; each answer has its own link and a helpfulness vote."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        language = (get_language() or "ar")[:2]
        voted = set(
            request.get_signed_cookie(VOTES_COOKIE, default="", salt=VOTES_COOKIE).split(",")
        )
        groups = []
        faqs = FAQ.objects.select_related("category").prefetch_related("related_policies")
        for category in FAQCategory.objects.all():
            items = [faq for faq in faqs if faq.category_id == category.pk]
            if items:
                groups.append({"category": category, "faqs": items})
        context.update(
            {
                "groups": groups,
                "language": language,
                "voted": voted,
                "thanked": request.GET.get("thanks", ""),
                "structured_data": faq_structured_data(faqs, request),
            }
        )
        return context

    @path("vote/<slug:slug>/", name="vote")
    def vote(self, request, slug):
        """POST yes/no for one answer. One vote per answer per browser (a signed cookie), no
        personal data kept; works as a plain form without JavaScript."""
        from cms.services import faq_feedback_record

        if request.method != "POST":
            return redirect(self.url)
        faq = FAQ.objects.filter(slug=slug).first()
        if faq is None:
            raise Http404
        voted = set(
            filter(
                None,
                request.get_signed_cookie(VOTES_COOKIE, default="", salt=VOTES_COOKIE).split(","),
            )
        )
        if not allow(
            scope="faq-vote", key=client_ip(request), limit=FAQ_VOTES_PER_CLIENT, window=3600
        ):
            return HttpResponse(
                _("Too many votes were sent from this connection. Please try again later."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        answer = request.POST.get("helpful")
        if answer in {"yes", "no"} and faq.slug not in voted:
            faq_feedback_record(
                faq=faq, language=(get_language() or "ar")[:2], helpful=answer == "yes"
            )
            voted.add(faq.slug)
        response = redirect(f"{self.url}?thanks={faq.slug}#{faq.anchor}")
        response.set_signed_cookie(
            VOTES_COOKIE,
            ",".join(sorted(voted)),
            salt=VOTES_COOKIE,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
        )
        return response


def faq_structured_data(faqs, request) -> str:
    """schema.org FAQPage JSON-LD for the questions shown, in the reader's language."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": strip_tags(faq.answer)},
            }
            for faq in faqs
        ],
    }
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
