"""Site search in the API: the same results as /ar/search/ and /en/search/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail.models import Site

from portal.core.api import LOCALE_PARAMETER
from search.site.ranking import KIND_LABELS, clean_query, find


class SearchResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KIND_LABELS))
    kind_label = serializers.CharField(help_text="What the result is, in the request's language")
    key = serializers.CharField()
    title = serializers.CharField()
    section = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matched words")
    url = serializers.CharField()
    content_language = serializers.CharField()


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    suggestion = serializers.CharField(help_text='"Did you mean": a query that may find something')
    results = SearchResultSerializer(many=True)


class SiteSearchView(APIView):
    """Policies (by section), questions, pages and services matching the words, in the language
    asked for; a query that finds nothing gets a suggestion from the indexed words."""

    @extend_schema(
        operation_id="search",
        parameters=[
            LOCALE_PARAMETER,
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("limit", int),
        ],
        responses=SearchResponseSerializer,
        tags=["search"],
    )
    def get(self, request):
        query = clean_query(request.GET.get("q"))
        try:
            limit = max(1, min(int(request.GET.get("limit", 20)), 50))
        except ValueError:
            limit = 20
        site = Site.find_for_request(request)
        found = find(query, site_id=site.pk if site else None) if query else None
        results = found.results(0, limit) if found else []
        data = {
            "query": query,
            "count": found.total if found else 0,
            "suggestion": found.suggestion if found else "",
            "results": [
                {
                    "kind": r.kind,
                    "kind_label": r.kind_label,
                    "key": r.key,
                    "title": r.title,
                    "section": r.section,
                    "snippet": str(r.snippet),
                    "url": request.build_absolute_uri(r.url),
                    "content_language": "ar" if r.fallback_language else request.LANGUAGE_CODE[:2],
                }
                for r in results
            ],
        }
        return Response(SearchResponseSerializer(data).data)
