"""Behind the proxies: the client's address, the request id, and what a shared cache may keep.

- The client's address is the X-Forwarded-For entry added by the outermost of the
  TRUSTED_PROXY_COUNT proxies in front of gunicorn (nginx resolves a trusted TLS front's
  address itself), the same rule as Django REST framework's NUM_PROXIES; whatever a client
  wrote into the header stays in front of it and changes nothing.
- Each request has an id (nginx's, or a new one), answered in `X-Request-ID` and written on
  every log line of the request.
- Every response says whether a shared cache may keep it: public pages and public content reads
  in a shape the purge covers (portal.frontend_cache) are `public, s-maxage`; secret-bearing and
  personal-data responses are `no-store`; everything else is `private, no-cache`.
"""

import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.cache import patch_cache_control

from portal import logs
from portal.core.clients import client_address

REQUEST_ID_PATTERN = re.compile(r"^[0-9A-Za-z-]{8,64}$")
access_log = logging.getLogger("sila.requests")


class RequestContextMiddleware:
    """Sets `request.request_id` and `request.client_address`; the id goes on every log line.
    Each request is logged once by the name of its view, never by its path (tracking links hold
    secrets) and never with the client's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = given if REQUEST_ID_PATTERN.match(given) else uuid.uuid4().hex
        request.client_address = client_address(request)
        token = logs.request_id.set(request.request_id)
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            access_log.info(
                "%s %s %s",
                request.method,
                match.view_name if match else "-",
                response.status_code,
                extra={
                    "method": request.method,
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        finally:
            logs.request_id.reset(token)
        response.headers["X-Request-ID"] = request.request_id
        return response


# Requests that carry a person's secret or credentials are never kept by a shared cache.
PRIVATE_REQUEST_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_TRACKING_KEY")


class SharedCacheHeadersMiddleware:
    """Cache-Control for the caching proxy and for browsers (nginx enforces the same rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from portal import frontend_cache

        if frontend_cache.is_personal(request):
            # Tracking links, forms with one-time tokens, receipts, staff and admin: nothing kept.
            patch_cache_control(response, no_store=True, private=True)
            return response
        if response.has_header("Cache-Control"):
            return response  # the view decided (Wagtail's admin and private pages do)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.cookies
            and not any(request.META.get(name) for name in PRIVATE_REQUEST_HEADERS)
            and frontend_cache.is_purgeable(request, response)
        ):
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=settings.PROXY_CACHE_SECONDS
            )
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response
