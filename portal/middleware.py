"""Language selection: URL prefix for public pages, `?locale=` or Accept-Language for the API."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"
# Paths that live outside the /ar/ and /en/ prefixes: a 404 there is final, not a cue to
# redirect into a language (which would turn an API 404 into an HTML page).
UNPREFIXED_PATHS = (API_PREFIX, "/admin/", "/documents/", "/static/", "/media/")


def requested_api_language(request) -> str | None:
    """The language asked for by ?locale=, if it is one the site speaks."""
    code = (request.GET.get("locale") or "").strip().lower()
    return code if code in dict(settings.LANGUAGES) else None


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        super().process_request(request)
        if request.path.startswith(API_PREFIX):
            language = requested_api_language(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        if response.status_code == 404 and request.path.startswith(UNPREFIXED_PATHS):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
