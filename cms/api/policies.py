"""Published policies in the requested language: the catalogue, one policy with its sections,
approval and versions, and one approved version, always built from the revision the board
approved."""

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.blocks import section_entries
from cms.models import PolicyCategory, PolicyPage
from cms.selectors import policy_catalogue
from portal.core.api import LOCALE_PARAMETER, ErrorSerializer


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()


class ApprovalSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    meeting_number = serializers.CharField()
    term = serializers.IntegerField(allow_null=True)
    term_label = serializers.CharField(allow_null=True)
    meeting_date = serializers.DateField()
    meeting_date_hijri = serializers.CharField(help_text="Umm al-Qura, day/month/year")
    decision_text = serializers.CharField()
    change_note = serializers.CharField()
    supersedes_previous = serializers.BooleanField()
    members = MemberSerializer(many=True)
    minutes_url = serializers.CharField(allow_null=True)
    corrections = serializers.IntegerField(
        help_text="How many correction records follow the original"
    )
    recorded_at = serializers.DateTimeField()


class VersionSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    meeting_date = serializers.DateField()
    meeting_date_hijri = serializers.CharField()
    change_note = serializers.CharField()
    is_current = serializers.BooleanField()
    url = serializers.CharField()
    html_url = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    anchor = serializers.CharField()
    heading = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())
    content = serializers.JSONField(
        help_text="The section's structured value (paragraphs, items, steps)"
    )


class WithdrawalSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField()
    reason = serializers.CharField()


class PolicySummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    category = CategorySerializer()
    response_period_days = serializers.IntegerField(allow_null=True)
    content_language = serializers.CharField(
        help_text="Language of the sections: `ar` when no English text exists"
    )
    current_version = VersionSummarySerializer(allow_null=True)
    withdrawn = WithdrawalSerializer(allow_null=True)
    url = serializers.CharField()
    html_url = serializers.CharField()


class PolicyDetailSerializer(PolicySummarySerializer):
    approval = ApprovalSerializer(allow_null=True)
    sections = SectionSerializer(many=True)
    versions = VersionSummarySerializer(many=True)


class PolicyVersionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    number = serializers.IntegerField()
    is_current = serializers.BooleanField()
    title = serializers.CharField()
    summary = serializers.CharField()
    content_language = serializers.CharField()
    approval = ApprovalSerializer()
    sections = SectionSerializer(many=True)
    html_url = serializers.CharField()


def _approval_data(version, request) -> dict:
    approval = version.approval
    minutes_url = None
    if approval.minutes_id and approval.minutes_public:
        minutes_url = request.build_absolute_uri(approval.minutes.url)
    return {
        "version": version.number,
        "meeting_number": approval.meeting_number,
        "term": approval.term.number if approval.term else None,
        "term_label": approval.term.label if approval.term else None,
        "meeting_date": approval.meeting_date,
        "meeting_date_hijri": approval.hijri_date.numeric(),
        "decision_text": approval.decision_text or "",
        "change_note": approval.change_note or "",
        "supersedes_previous": approval.supersedes_previous,
        "members": [
            {"name": m.name, "role": m.role, "role_label": str(m.get_role_display())}
            for m in approval.members.all()
        ],
        "minutes_url": minutes_url,
        "corrections": len(version.corrections),
        "recorded_at": approval.recorded_at,
    }


def _version_summary(policy, version, current, request) -> dict:
    is_current = bool(current and current.number == version.number)
    html_path = (
        policy.url
        if is_current
        else policy.url + policy.reverse_subpage("version", args=(version.number,))
    )
    return {
        "number": version.number,
        "meeting_date": version.approval.meeting_date,
        "meeting_date_hijri": version.approval.hijri_date.numeric(),
        "change_note": version.approval.change_note or "",
        "is_current": is_current,
        "url": request.build_absolute_uri(
            f"/api/v1/policies/{policy.slug}/versions/{version.number}/"
        ),
        "html_url": request.build_absolute_uri(html_path),
    }


def _sections_data(page) -> list[dict]:
    return [
        {
            "kind": entry["kind"],
            "anchor": entry["anchor"],
            "heading": entry["heading"],
            "lines": entry["lines"],
            "content": entry["child"].block.get_api_representation(entry["child"].value),
        }
        for entry in section_entries(page.body)
    ]


def _policy_summary(policy, request) -> dict:
    versions = policy.versions
    current = policy.current_version
    withdrawal = policy.withdrawal
    page = policy.approved_page(current)  # the approved text, never the page's columns
    return {
        "slug": policy.slug,
        "title": page.title,
        "summary": page.summary or "",
        "category": {"code": page.category, "label": str(page.get_category_display())},
        "response_period_days": page.response_period_days,
        "content_language": "ar" if page.shown_in_fallback_language() else get_language()[:2],
        "current_version": _version_summary(policy, current, current, request) if current else None,
        "withdrawn": {"withdrawn_on": withdrawal.withdrawn_on, "reason": withdrawal.reason}
        if withdrawal
        else None,
        "url": request.build_absolute_uri(f"/api/v1/policies/{policy.slug}/"),
        "html_url": request.build_absolute_uri(policy.url),
        "_versions": versions,
    }


def _public_policy(slug: str):
    policy = PolicyPage.objects.live().public().filter(slug=slug).first()
    if policy is None or policy.current_version is None:
        raise Http404
    return policy


class PolicyListView(APIView):
    """Published policies with their current approved version, in the requested language."""

    @extend_schema(
        operation_id="policies_list",
        parameters=[
            LOCALE_PARAMETER,
            OpenApiParameter("category", str, description="Only policies of this category code"),
        ],
        responses=PolicySummarySerializer(many=True),
        tags=["policies"],
    )
    def get(self, request):
        category = request.GET.get("category") or None
        if category and category not in PolicyCategory.values:
            raise serializers.ValidationError({"category": [_("Unknown category.")]})
        entries = policy_catalogue(category=category)
        data = [_policy_summary(entry.policy, request) for entry in entries]
        return Response(PolicySummarySerializer(data, many=True).data)


class PolicyDetailView(APIView):
    """One policy: its sections, the current version's approval and members, every version."""

    @extend_schema(
        operation_id="policies_retrieve",
        parameters=[LOCALE_PARAMETER],
        responses={200: PolicyDetailSerializer, 404: ErrorSerializer},
        tags=["policies"],
    )
    def get(self, request, slug):
        policy = _public_policy(slug)
        data = _policy_summary(policy, request)
        current = policy.current_version
        data["approval"] = _approval_data(current, request)
        data["sections"] = _sections_data(policy.approved_page(current))
        data["versions"] = [
            _version_summary(policy, v, current, request) for v in data["_versions"]
        ]
        return Response(PolicyDetailSerializer(data).data)


class PolicyVersionView(APIView):
    """One approved version of a policy, rendered from the exact revision the board approved."""

    @extend_schema(
        operation_id="policies_versions_retrieve",
        parameters=[LOCALE_PARAMETER],
        responses={200: PolicyVersionSerializer, 404: ErrorSerializer},
        tags=["policies"],
    )
    def get(self, request, slug, number):
        policy = _public_policy(slug)
        version = next((v for v in policy.versions if v.number == number), None)
        if version is None:
            raise Http404
        page = policy.approved_page(version)
        current = policy.current_version
        summary = _version_summary(policy, version, current, request)
        data = {
            "slug": policy.slug,
            "number": version.number,
            "is_current": summary["is_current"],
            "title": page.title,
            "summary": page.summary or "",
            "content_language": "ar" if page.shown_in_fallback_language() else get_language()[:2],
            "approval": _approval_data(version, request),
            "sections": _sections_data(page),
            "html_url": summary["html_url"],
        }
        return Response(PolicyVersionSerializer(data).data)
