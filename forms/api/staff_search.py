"""`/api/v1/staff/search/`: search every submission the user may see, with highlights and facets
counted only over what the user may see."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from forms.casework import registry
from portal.core.api import ErrorSerializer
from search.index.service import allowed_kinds, search_submissions


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    reference = serializers.CharField()
    score = serializers.FloatField()
    highlight = serializers.CharField()


class FacetSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchResultsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    hits = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=FacetSerializer(many=True))


class StaffSearch(APIView):
    """Search every submission the user may see: hits with highlights, and facets (status,
    type, channel, city) counted only over what the user may see."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="staff_search",
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("kind", str, enum=[kind.slug for kind in registry.kinds()]),
            OpenApiParameter("status", str, many=True),
            OpenApiParameter("channel", str),
            OpenApiParameter("city", str),
            OpenApiParameter("page", int),
        ],
        responses={200: SearchResultsSerializer, 403: ErrorSerializer},
        tags=["staff"],
    )
    def get(self, request):
        visible = allowed_kinds(request.user)
        if not visible:
            raise PermissionDenied
        kind = request.GET.get("kind")
        try:
            page = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page = 1
        filters = {
            "status": request.GET.getlist("status"),
            "channel": request.GET.get("channel", ""),
            "city": request.GET.get("city", ""),
        }
        results = search_submissions(
            request.user,
            text=request.GET.get("q", ""),
            kinds=(kind,) if kind in visible else visible,
            filters=filters,
            page=page,
        )
        data = {
            "total": results.total,
            "hits": [hit.__dict__ for hit in results.hits],
            "facets": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in results.facets.items()
            },
        }
        return Response(SearchResultsSerializer(data).data)
