"""Wagtail's API v2 endpoints (pages, images, documents) with the project's error shape; for
pages, `?locale=` picks the language of the one bilingual page tree; images and documents are
the host's association's."""

from django.http import Http404
from rest_framework import status
from rest_framework.response import Response

from wagtail.api.v2.filters import LocaleFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet as BaseDocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet as BaseImagesAPIViewSet

from portal.accounts.collections import media_in_scope
from portal.core.api import error_body


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


class HostMediaMixin:
    """Images and documents of the host's association only (its collections): another
    association's files are neither listed, counted nor found by id."""

    def get_queryset(self):
        return media_in_scope(super().get_queryset())


class ImagesAPIViewSet(ProjectErrorsMixin, HostMediaMixin, BaseImagesAPIViewSet):
    pass


class DocumentsAPIViewSet(ProjectErrorsMixin, HostMediaMixin, BaseDocumentsAPIViewSet):
    pass
