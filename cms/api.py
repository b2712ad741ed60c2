"""Headless API for the content app: Wagtail pages in the asked language, the association profile."""

from django.http import Http404
from django.utils.translation import get_language
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

from portal.api_errors import error_body

from .models import AssociationProfile

LOCALE_PARAMETER = OpenApiParameter(
    name="locale",
    description="Language of the content: `ar` (default) or `en`. Falls back to Accept-Language.",
    required=False,
    type=str,
    enum=["ar", "en"],
)


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
