"""Views of the portal that are not Wagtail pages: error pages, robots.txt, public media."""

import posixpath

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils.translation import get_language, get_language_bidi
from django.views.static import serve

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


# Documents are stored under the public media root, but served only by Wagtail's document view
# (WAGTAILDOCS_SERVE_METHOD), which holds their collection's view restriction (board minutes)
# and their association's host (portal.wagtail_hooks); never as files. deploy/nginx.conf says
# the same for the files it serves itself.
UNSERVED_MEDIA = ("documents/",)


def public_media(request, path):
    """A file of media/public (the development server's and the tests' stand-in for the reverse
    proxy), but never a document's."""
    # (as `serve` reads the path: "images/../documents/x.pdf" is a document's)
    if posixpath.normpath(path).lstrip("/").startswith(UNSERVED_MEDIA):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(rgb: tuple[int, int, int]) -> float:
    red, green, blue = (_channel(part) for part in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(rgb: tuple[int, int, int]) -> float:
    return 1.05 / (_luminance(rgb) + 0.05)


def readable_shade(hex_colour: str, *, ratio: float = 4.5, factor: float = 1.0):
    """The colour, darkened (times `factor`, then step by step) until white text on it reaches
    `ratio` (WCAG AA for normal text): an association's light brand colour stays usable."""
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    rgb = tuple(round(part * factor) for part in rgb)
    while contrast_with_white(rgb) < ratio:
        rgb = tuple(max(0, round(part * 0.92)) for part in rgb)
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def theme_css(request):
    """The association's colours as CSS custom properties (the profile's brand colour)."""
    from wagtail.models import Site

    from cms.models import AssociationProfile

    site = Site.find_for_request(request)
    colour = AssociationProfile.for_site(site).brand_colour if site else ""
    body = "/* No brand colour set: the stylesheet's own colours apply. */\n"
    if colour:
        brand = readable_shade(colour)
        dark = readable_shade(brand, ratio=7, factor=0.8)
        body = f":root {{ --colour-brand: {brand}; --colour-brand-dark: {dark}; }}\n"
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
