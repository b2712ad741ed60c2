"""The association's register of board approvals, newest first, with its hash chain."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail.models import Site

from cms.governance.register import register_listing
from portal.core.api import LOCALE_PARAMETER


class RegisterEntrySerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="Place in the association's register (1, 2, …)")
    policy = serializers.CharField(help_text="The policy's slug")
    title = serializers.CharField(help_text="The approved title, in the language asked for")
    version = serializers.IntegerField()
    corrects = serializers.IntegerField(
        allow_null=True, help_text="The register entry this record corrects"
    )
    meeting_number = serializers.CharField()
    term = serializers.IntegerField(allow_null=True)
    meeting_date = serializers.DateField()
    meeting_date_hijri = serializers.CharField(help_text="Umm al-Qura, day/month/year")
    recorded_at = serializers.DateTimeField()
    content_hash = serializers.CharField(help_text="SHA-256 of the approved revision's content")
    previous_hash = serializers.CharField(help_text="The previous entry's record hash")
    record_hash = serializers.CharField(help_text="SHA-256 of this entry and the previous hash")
    archive_url = serializers.CharField(allow_null=True, help_text="The archival PDF")
    html_url = serializers.CharField()


class ApprovalRegisterView(APIView):
    """The association's register of board approvals, newest first, with its hash chain."""

    @extend_schema(
        operation_id="approvals_list",
        parameters=[LOCALE_PARAMETER],
        responses=RegisterEntrySerializer(many=True),
        tags=["policies"],
    )
    def get(self, request):
        site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
        data = [
            {
                "sequence": entry.approval.sequence,
                "policy": entry.approval.policy.slug,
                "title": entry.title,
                "version": entry.approval.version,
                "corrects": entry.corrects_sequence,
                "meeting_number": entry.approval.meeting_number,
                "term": entry.approval.term.number if entry.approval.term else None,
                "meeting_date": entry.approval.meeting_date,
                "meeting_date_hijri": entry.approval.hijri_date.numeric(),
                "recorded_at": entry.approval.recorded_at,
                "content_hash": entry.approval.content_hash,
                "previous_hash": entry.approval.previous_hash,
                "record_hash": entry.approval.record_hash,
                "archive_url": request.build_absolute_uri(entry.archive_url)
                if entry.archive_url
                else None,
                "html_url": request.build_absolute_uri(entry.version_url),
            }
            for entry in register_listing(site=site)
        ]
        return Response(RegisterEntrySerializer(data, many=True).data)
