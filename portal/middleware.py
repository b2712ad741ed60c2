"""The project's middleware: the language (URL prefix for public pages, `?locale=` or
Accept-Language for the API), one guard against unusable query values, the security headers."""

from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers

from cms.public_reads import remember_site
from portal.core.api import json_error_response

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


class PublicSiteMiddleware:
    """The Wagtail site of a GET or HEAD request for a public page from the process's memory
    (cms.public_reads): no query per request for what changes only when a site is edited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(UNPREFIXED_PATHS):
            remember_site(request)
        return self.get_response(request)


# A query value longer than this is no search or filter a person typed.
MAX_QUERY_VALUE_LENGTH = 2000


class QueryGuardMiddleware:
    """One place that refuses what no page or endpoint can use: a NUL byte in the path or in any
    query parameter (PostgreSQL cannot store or compare it, so it would reach a query as a 500)
    and oversized query values. The answer is a translated 400: the API's error shape under
    /api/, the site's page elsewhere. Runs after the language is chosen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.refused(request):
            return bad_request_response(request)
        return self.get_response(request)

    @staticmethod
    def refused(request) -> bool:
        if "\x00" in request.path:
            return True
        for key, values in request.GET.lists():
            if "\x00" in key:
                return True
            for value in values:
                if "\x00" in value or len(value) > MAX_QUERY_VALUE_LENGTH:
                    return True
        return False


def bad_request_response(request):
    """A translated 400: JSON under /api/, a plain page of the site elsewhere."""
    if request.path.startswith(API_PREFIX):
        return json_error_response("bad_request", 400)
    context = {
        "LANGUAGE_CODE": translation.get_language(),
        "LANGUAGE_BIDI": translation.get_language_bidi(),
    }
    return HttpResponseBadRequest(loader.render_to_string("400.html", context))


class SecurityHeadersMiddleware(CSPMiddleware):
    """Content-Security-Policy by path (the public policy, or the tools' one for the admin and
    the API docs), Permissions-Policy and Cross-Origin-Resource-Policy on every answer.
    A response that set its own policy (a download's sandbox) keeps it."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        tools = settings.CONTENT_SECURITY_POLICY_TOOLS
        path = request.path_info
        if (
            not report_only
            and parts.config is None
            and path.startswith(tuple(tools["PATH_PREFIXES"]))
            and not path.startswith(tuple(tools["STRICT_PREFIXES"]))
        ):
            parts.config = tools["DIRECTIVES"]
            parts.nonce = None  # a nonce would switch 'unsafe-inline' off in browsers
        return parts

    def process_response(self, request, response):
        response = self._content_security_policy(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        corp = settings.CROSS_ORIGIN_RESOURCE_POLICY
        for prefix, value in settings.CROSS_ORIGIN_RESOURCE_POLICY_SHARED.items():
            if request.path_info.startswith(prefix):
                corp = value
        response.headers.setdefault("Cross-Origin-Resource-Policy", corp)
        return response

    def _content_security_policy(self, request, response):
        """django-csp's `process_response`, with the policy of an answer that used no nonce and
        brings no policy of its own built once per process (`_policy`): django-csp builds it
        from the settings again for every answer."""
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for report_only, header, exempt, setting in (
            (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            parts = self.get_policy_parts(request, response, report_only=report_only)
            csp = self._policy(parts, report_only)
            if (
                csp
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(
                    tuple(
                        (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
                    )
                )
            ):
                response[header] = csp
        # as django-csp: a nonce asked for after the header is written is an error
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    # (report only, the policy's config, the settings' policy) → the header, for answers
    # without a nonce or a policy of their own
    _built: dict = {}

    def _policy(self, parts, report_only: bool) -> str:
        if parts.nonce is not None or parts.update is not None or parts.replace is not None:
            return build_policy(**asdict(parts), report_only=report_only)
        setting = (
            "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        )
        source = getattr(settings, setting, None)
        key = (report_only, id(parts.config))
        built = self._built.get(key)
        # the config and the settings are the objects the header was built from (settings
        # replaced in a test build it again)
        if built is None or built[0] is not parts.config or built[1] is not source:
            built = (parts.config, source, build_policy(**asdict(parts), report_only=report_only))
            self._built[key] = built
        return built[2]
