"""Public views of the content app that are not pages: the register across associations."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.governance.registry import registry_entries, registry_policies, registry_site

REGISTRY_PAGE_SIZE = 50


def registry(request):
    """/ar/registry/ and /en/registry/: every association's policies in force, grouped by
    association, 50 a page; `?association=<host name>` keeps one association's."""
    hostname = (request.GET.get("association") or "").strip()[:255]
    site = registry_site(hostname) if hostname else None
    unknown = bool(hostname) and site is None
    policies = registry_policies(site=site) if not unknown else registry_policies().none()
    page = Paginator(policies, REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "entries": registry_entries(page.object_list, request=request),
        "page_obj": page,
        "association": hostname if site else "",
        "unknown_association": unknown,
    }
    return render(request, "cms/registry.html", context, status=404 if unknown else 200)
