"""`/api/v1/registry/`: the register across associations as JSON (paged) or CSV (whole)."""

import csv
import io

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.governance.registry import registry_entries, registry_policies, registry_site
from portal.core.api import LOCALE_PARAMETER, ErrorSerializer
from portal.core.spreadsheets import BOM, neutralise

REGISTRY_FIELDS = [
    "association",
    "association_host",
    "licence_number",
    "policy",
    "title",
    "category",
    "version",
    "approved_on",
    "approved_on_hijri",
    "content_hash",
    "record_hash",
    "html_url",
]


class RegistryEntrySerializer(serializers.Serializer):
    association = serializers.CharField(help_text="The association's name, in the language asked")
    association_host = serializers.CharField(help_text="The host name the association is served at")
    licence_number = serializers.CharField()
    policy = serializers.CharField(help_text="The policy's slug within its association")
    title = serializers.CharField(help_text="The approved title")
    category = serializers.CharField()
    version = serializers.IntegerField(help_text="The version in force")
    approved_on = serializers.DateField(help_text="The date of the board's meeting")
    approved_on_hijri = serializers.CharField(help_text="Umm al-Qura, day/month/year")
    content_hash = serializers.CharField(help_text="SHA-256 of the approved text")
    record_hash = serializers.CharField(
        help_text="SHA-256 of the approval's entry in its association's register"
    )
    html_url = serializers.CharField()


class RegistryPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


class RegistryCSVRenderer(renderers.BaseRenderer):
    """The whole register as a spreadsheet that opens as UTF-8, no cell read as a formula."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        out.write(BOM)
        if isinstance(data, dict) and "results" not in data:
            writer = csv.writer(out)  # an error: its fields as rows
            for key, value in data.items():
                writer.writerow([key, neutralise(str(value))])
            return out.getvalue().encode()
        rows = data["results"] if isinstance(data, dict) else data
        writer = csv.DictWriter(out, fieldnames=REGISTRY_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({field: neutralise(row.get(field, "")) for field in REGISTRY_FIELDS})
        return out.getvalue().encode()


def _entry_data(entry) -> dict:
    return {
        "association": entry.association,
        "association_host": entry.site.hostname,
        "licence_number": entry.licence_number,
        "policy": entry.policy_slug,
        "title": entry.title,
        "category": entry.category,
        "version": entry.version,
        "approved_on": entry.approved_on,
        "approved_on_hijri": entry.approved_on_hijri,
        "content_hash": entry.content_hash,
        "record_hash": entry.record_hash,
        "html_url": entry.policy_url,
    }


class RegistryView(APIView):
    """Every association's policies in force: the version its board approved, the approval's
    date and hashes. JSON is paged (`limit`, `offset`); `?format=csv` gives the whole register."""

    renderer_classes = [renderers.JSONRenderer, RegistryCSVRenderer]
    pagination_class = RegistryPagination  # JSON only; the CSV holds every entry

    def perform_content_negotiation(self, request, force=False):
        """`format` is json or csv; anything else is a clear 400 (not DRF's bare 404)."""
        if not force and request.query_params.get("format", "json") not in ("json", "csv"):
            raise serializers.ValidationError({"format": [_("Choose json or csv.")]})
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        operation_id="registry_list",
        parameters=[
            LOCALE_PARAMETER,
            OpenApiParameter(
                "association", str, description="Only the association served at this host name"
            ),
            OpenApiParameter("format", str, enum=["json", "csv"], description="`csv`: download"),
        ],
        responses={200: RegistryEntrySerializer(many=True), 400: ErrorSerializer},
        tags=["registry"],
    )
    def get(self, request, *args, **kwargs):
        hostname = (request.GET.get("association") or "").strip()
        site = registry_site(hostname) if hostname else None
        if hostname and site is None:
            raise serializers.ValidationError(
                {"association": [_("No association is served at this host name.")]}
            )
        policies = registry_policies(site=site)
        if request.accepted_renderer.format == "csv":
            data = [_entry_data(e) for e in registry_entries(policies, request=request)]
            response = Response(RegistryEntrySerializer(data, many=True).data)
            response["Content-Disposition"] = 'attachment; filename="registry.csv"'
            return response
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(policies, request, view=self)
        data = [
            _entry_data(e) for e in registry_entries(_as_queryset(policies, page), request=request)
        ]
        return paginator.get_paginated_response(RegistryEntrySerializer(data, many=True).data)


def _as_queryset(policies, page):
    """The page's policies as a queryset again (the selector prefetches on a queryset)."""
    return policies.filter(pk__in=[policy.pk for policy in page])
