"""Headless API for the content app: pages in the asked language, the association, policies."""

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail.api.v2.filters import LocaleFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet as BaseDocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet as BaseImagesAPIViewSet
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from cms.blocks import section_entries
from cms.models import FAQ, AssociationProfile, FAQCategory, FAQPage
from portal.core.api import LOCALE_PARAMETER, ErrorSerializer, error_body


class ProjectErrorsMixin:
    """Wagtail's API v2 answers errors as {"message"}; give them the project's error shape."""

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response(error_body("not_found"), status=status.HTTP_404_NOT_FOUND)
        if isinstance(exc, BadRequestError):
            return Response(error_body("bad_request", str(exc)), status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


class TranslatedPagesAPIViewSet(ProjectErrorsMixin, PagesAPIViewSet):
    """Wagtail's pages endpoint where `?locale=` picks the language of one bilingual page tree.

    With modeltranslation every page holds both languages, so `locale` selects the language
    (ApiLocaleMiddleware activates it) instead of filtering pages by Wagtail locale.
    """

    filter_backends = [f for f in PagesAPIViewSet.filter_backends if f is not LocaleFilter]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(["locale"])


class ImagesAPIViewSet(ProjectErrorsMixin, BaseImagesAPIViewSet):
    pass


class DocumentsAPIViewSet(ProjectErrorsMixin, BaseDocumentsAPIViewSet):
    pass


class SocialLinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.URLField()


class AssociationSerializer(serializers.Serializer):
    language = serializers.CharField()
    name = serializers.CharField()
    tagline = serializers.CharField()
    licence_number = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    address = serializers.CharField()
    website = serializers.URLField(allow_blank=True)
    social_links = SocialLinkSerializer(many=True)


class AssociationView(APIView):
    """The association that publishes this site, in the requested language."""

    @extend_schema(
        operation_id="association_retrieve",
        parameters=[LOCALE_PARAMETER],
        responses=AssociationSerializer,
        tags=["association"],
    )
    def get(self, request):
        site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
        profile = AssociationProfile.for_site(site)
        data = {
            "language": get_language(),
            "name": profile.name,
            "tagline": profile.tagline,
            "licence_number": profile.licence_number,
            "phone": profile.phone,
            "email": profile.email,
            "address": profile.address,
            "website": profile.website,
            "social_links": [{"label": label, "url": url} for label, url in profile.social_links],
        }
        return Response(AssociationSerializer(data).data)


# --- policies ------------------------------------------------------------------------------


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
    from cms.models import PolicyPage

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
        from cms.models import PolicyCategory
        from cms.selectors import policy_catalogue

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


# --- the register of approvals ---------------------------------------------------------------


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
        from cms.governance.register import register_listing

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


# --- FAQs ----------------------------------------------------------------------------------


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
