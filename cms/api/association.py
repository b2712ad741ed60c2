"""The association that publishes this site, in the requested language."""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wagtail.models import Site

from cms.models import AssociationProfile
from portal.core.api import LOCALE_PARAMETER


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
