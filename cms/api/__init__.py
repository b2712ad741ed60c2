"""Headless API for the content app, one module a resource: Wagtail's pages, images and documents
(`pages`), the association (`association`), policies and their approved versions (`policies`),
the register of approvals (`register`) and FAQs (`faqs`). The views are named here too, where the
API is put together (portal.api) imports them."""

from cms.api.association import AssociationView
from cms.api.faqs import FAQListView
from cms.api.pages import DocumentsAPIViewSet, ImagesAPIViewSet, TranslatedPagesAPIViewSet
from cms.api.policies import PolicyDetailView, PolicyListView, PolicyVersionView
from cms.api.register import ApprovalRegisterView

__all__ = [
    "ApprovalRegisterView",
    "AssociationView",
    "DocumentsAPIViewSet",
    "FAQListView",
    "ImagesAPIViewSet",
    "PolicyDetailView",
    "PolicyListView",
    "PolicyVersionView",
    "TranslatedPagesAPIViewSet",
]
