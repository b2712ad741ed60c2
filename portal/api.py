"""The one API router: Wagtail's API v2, the project's REST API v1, its schema and docs."""

from django.shortcuts import render
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from wagtail.api.v2.router import WagtailAPIRouter

from cms.api import (
    ApprovalRegisterView,
    AssociationView,
    DocumentsAPIViewSet,
    FAQListView,
    ImagesAPIViewSet,
    PolicyDetailView,
    PolicyListView,
    PolicyVersionView,
    RegistryView,
    TranslatedPagesAPIViewSet,
)
from forms.api.urls import urlpatterns as submission_patterns
from search.site.api import SiteSearchView
from search.site.ranking import faq_slugs

wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", TranslatedPagesAPIViewSet)
wagtail_api.register_endpoint("images", ImagesAPIViewSet)
wagtail_api.register_endpoint("documents", DocumentsAPIViewSet)


class ApiRootView(APIView):
    """Where each resource of the project's API lives."""

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {
                "association": reverse("api:association", request=request),
                "policies": reverse("api:policies", request=request),
                "approvals": reverse("api:approvals", request=request),
                "registry": reverse("api:registry", request=request),
                "faqs": reverse("api:faqs", request=request),
                "search": reverse("api:search", request=request),
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
                "pages": request.build_absolute_uri("/api/v2/pages/"),
            }
        )


METHODS = ("get", "post", "put", "patch", "delete")


def api_docs(request):
    """The API's reference as a plain, accessible page (headings, lists, tables), generated from
    the same OpenAPI schema; Swagger UI, for trying calls, is at /api/docs/try/."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    groups: dict[str, list] = {}
    for url, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["api"])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": url,
                    "id": operation.get("operationId", f"{method}-{url}"),
                    "summary": operation.get("summary") or "",
                    "description": operation.get("description") or "",
                    "parameters": [
                        {
                            "name": parameter.get("name"),
                            "where": parameter.get("in"),
                            "required": parameter.get("required", False),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return render(
        request,
        "portal/api_docs.html",
        {"info": schema.get("info", {}), "groups": sorted(groups.items())},
    )


v1_patterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("association/", AssociationView.as_view(), name="association"),
    path("policies/", PolicyListView.as_view(), name="policies"),
    path("approvals/", ApprovalRegisterView.as_view(), name="approvals"),
    path("registry/", RegistryView.as_view(), name="registry"),
    path("faqs/", FAQListView.as_view(search=faq_slugs), name="faqs"),
    path("search/", SiteSearchView.as_view(), name="search"),
    *submission_patterns,
    path("policies/<str:slug>/", PolicyDetailView.as_view(), name="policy"),
    path(
        "policies/<str:slug>/versions/<int:number>/",
        PolicyVersionView.as_view(),
        name="policy-version",
    ),
]

urlpatterns = [
    path("v2/", wagtail_api.urls),
    path("v1/", include((v1_patterns, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
    path("docs/try/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs-try"),
]


def only_project_endpoints(endpoints):
    """drf-spectacular preprocessing hook: document /api/v1/, not Wagtail's own v2 views."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def document_shared_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: answers every operation can give, documented on
    every operation. A query value no endpoint can use (a NUL byte, an oversized value) is a 400
    before any view runs (portal.middleware.QueryGuardMiddleware), a path naming nothing
    is a 404, and an operation for signed-in users only answers 401 to anyone else."""
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for route, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", {**error, "description": "The request is not valid."})
            if "{" in route:
                responses.setdefault("404", {**error, "description": "Nothing is found here."})
            if operation.get("security") and {} not in operation["security"]:
                responses.setdefault(
                    "401", {**error, "description": "Sign in, or send a valid API token."}
                )
    return result
