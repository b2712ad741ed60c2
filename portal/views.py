"""Views of the portal that are not Wagtail pages: error pages and robots.txt."""

from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils.translation import get_language, get_language_bidi

from portal.core.api import json_error_response
from portal.middleware import API_PREFIX, bad_request_response


def page_not_found(request, exception=None):
    """A translated 404: JSON under /api/, the site's own page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return json_error_response("not_found", 404)
    body = loader.render_to_string("404.html", {"request_path": request.path}, request=request)
    return HttpResponseNotFound(body)


def bad_request(request, exception=None):
    """A translated 400 (portal.middleware.bad_request_response)."""
    return bad_request_response(request)


def server_error(request):
    """A translated 500 that needs no database: nothing in it may fail again."""
    if request.path.startswith(API_PREFIX):
        return json_error_response("server_error", 500)
    context = {"LANGUAGE_CODE": get_language(), "LANGUAGE_BIDI": get_language_bidi()}
    return HttpResponseServerError(loader.render_to_string("500.html", context))


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
