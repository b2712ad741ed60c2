"""Questions and answers in the requested language, optionally of one category or matching a
search."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail.rich_text import expand_db_html

from cms.api.policies import CategorySerializer
from cms.selectors import site_faq_categories, site_faq_page, site_faqs
from portal.core.api import LOCALE_PARAMETER, ErrorSerializer
from portal.core.associations import site_for_request


class FAQSerializer(serializers.Serializer):
    slug = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.CharField(help_text="HTML")
    category = CategorySerializer()
    content_language = serializers.CharField(
        help_text="`ar` when the item has no text in the language asked for"
    )
    url = serializers.CharField(allow_null=True)
    related_policies = serializers.ListField(child=serializers.CharField(), help_text="Slugs")


class FAQListView(APIView):
    """Questions and answers, optionally of one category or matching a search."""

    # Given where the API is put together (portal.api): the slugs of the questions that match
    # the words of `q`, best first, or None when `q` holds no words.
    search = None

    @extend_schema(
        operation_id="faqs_list",
        parameters=[
            LOCALE_PARAMETER,
            OpenApiParameter("category", str, description="Category slug"),
            OpenApiParameter(
                "q", str, description="Search words (Arabic spelling variants are folded)"
            ),
        ],
        responses={200: FAQSerializer(many=True), 400: ErrorSerializer},
        tags=["faqs"],
    )
    def get(self, request):
        site = site_for_request(request)  # the host's association's questions only
        faqs = site_faqs(site=site)
        category = request.GET.get("category")
        if category:
            if not site_faq_categories(site=site).filter(slug=category).exists():
                raise serializers.ValidationError({"category": [_("Unknown category.")]})
            faqs = faqs.filter(category__slug=category)
        order = self.search(request.GET.get("q")) if self.search else None
        if order is not None:
            by_slug = {faq.slug: faq for faq in faqs.filter(slug__in=order)}
            faqs = [by_slug[slug] for slug in order if slug in by_slug]
        language = (get_language() or "ar")[:2]
        faq_page = site_faq_page(site=site)
        faq_page_url = request.build_absolute_uri(faq_page.url) if faq_page else None
        data = [
            {
                "slug": faq.slug,
                "question": faq.question,
                "answer": expand_db_html(faq.answer),
                "category": {"code": faq.category.slug, "label": faq.category.name},
                "content_language": language if faq.is_translated(language) else "ar",
                "url": f"{faq_page_url}#{faq.anchor}" if faq_page_url else None,
                "related_policies": [p.slug for p in faq.related_policies.all() if p.live],
            }
            for faq in faqs
        ]
        return Response(FAQSerializer(data, many=True).data)
