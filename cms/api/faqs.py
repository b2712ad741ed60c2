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
from cms.models import FAQ, FAQCategory, FAQPage
from portal.core.api import LOCALE_PARAMETER, ErrorSerializer


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
        faqs = FAQ.objects.select_related("category").prefetch_related("related_policies")
        category = request.GET.get("category")
        if category:
            if not FAQCategory.objects.filter(slug=category).exists():
                raise serializers.ValidationError({"category": [_("Unknown category.")]})
            faqs = faqs.filter(category__slug=category)
        order = self.search(request.GET.get("q")) if self.search else None
        if order is not None:
            by_slug = {faq.slug: faq for faq in faqs.filter(slug__in=order)}
            faqs = [by_slug[slug] for slug in order if slug in by_slug]
        language = (get_language() or "ar")[:2]
        faq_page = FAQPage.objects.live().public().first()
        data = [
            {
                "slug": faq.slug,
                "question": faq.question,
                "answer": expand_db_html(faq.answer),
                "category": {"code": faq.category.slug, "label": faq.category.name},
                "content_language": language if faq.is_translated(language) else "ar",
                "url": request.build_absolute_uri(f"{faq_page.url}#{faq.anchor}")
                if faq_page
                else None,
                "related_policies": [p.slug for p in faq.related_policies.all() if p.live],
            }
            for faq in faqs
        ]
        return Response(FAQSerializer(data, many=True).data)
