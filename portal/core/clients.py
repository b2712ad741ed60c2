"""The client's address behind the trusted proxies, for rate limits, logs and throttles."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address, counted from the end of X-Forwarded-For (DRF's rule)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not count or forwarded is None:
        return remote
    addresses = forwarded.split(",")
    return addresses[-min(count, len(addresses))].strip()
