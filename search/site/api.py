"""Site search in the API: the same results as /ar/search/ and /en/search/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.api import LOCALE_PARAMETER
from search.site.ranking import clean_query, search_site


class SearchResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["policy", "faq"])
    key = serializers.CharField()
    title = serializers.CharField()
    section = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matched words")
    url = serializers.CharField()
    content_language = serializers.CharField()


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    results = SearchResultSerializer(many=True)


class SiteSearchView(APIView):
    """Policies (by section) and FAQs matching the words, in the language asked for."""

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
        results = search_site(query) if query else []
        data = {
            "query": query,
            "count": len(results),
            "results": [
                {
                    "kind": r.kind,
                    "key": r.key,
                    "title": r.title,
                    "section": r.section,
                    "snippet": str(r.snippet),
                    "url": request.build_absolute_uri(r.url),
                    "content_language": "ar" if r.fallback_language else request.LANGUAGE_CODE[:2],
                }
                for r in results[:limit]
            ],
        }
        return Response(SearchResponseSerializer(data).data)
