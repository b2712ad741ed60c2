"""Fixed-window rate limits in the cache (Redis in production, local memory otherwise).

Production refuses a per-process cache, so a limit is one limit across workers and hosts.
While Redis is unreachable the limits let requests through (portal.cache), logged."""

import hashlib

from django.core.cache import cache

from portal.core.clients import client_address


def client_ip(request) -> str:
    """The client's address as the trusted proxies report it (portal.core.clients)."""
    return getattr(request, "client_address", None) or client_address(request)


def allow(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit for `key` in `scope`; False once `limit` hits fall in the current window.
    The key is hashed, so no national ID or address is ever stored in the cache in clear."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    name = f"sila:rl:{scope}:{digest}"
    added = cache.add(name, 1, timeout=window)
    if added:
        return True
    try:
        count = cache.incr(name)
    except ValueError:
        cache.set(name, 1, timeout=window)
        return True
    return count <= limit
