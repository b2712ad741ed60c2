"""Headless API for the content app, one module a resource: Wagtail's pages, images and documents
(`pages`), the association (`association`), policies and their approved versions (`policies`),
the register of approvals (`register`), the register across associations (`registry`) and FAQs
(`faqs`). Each answers for the request's host's association, but the registry, which is every
association's. The views are named here too, where the
API is put together (portal.api) imports them."""

from cms.api.association import AssociationView
from cms.api.faqs import FAQListView
from cms.api.pages import DocumentsAPIViewSet, ImagesAPIViewSet, TranslatedPagesAPIViewSet
from cms.api.policies import PolicyDetailView, PolicyListView, PolicyVersionView
from cms.api.register import ApprovalRegisterView
from cms.api.registry import RegistryView

__all__ = [
    "ApprovalRegisterView",
    "AssociationView",
    "DocumentsAPIViewSet",
    "FAQListView",
    "ImagesAPIViewSet",
    "PolicyDetailView",
    "PolicyListView",
    "PolicyVersionView",
    "RegistryView",
    "TranslatedPagesAPIViewSet",
]
