"""Fixed-window rate limits in the cache (Redis in production, local memory otherwise).

Production refuses a per-process cache, so a limit is one limit across workers and hosts.
While Redis is unreachable the limits let requests through (portal.cache), logged."""

import hashlib

from django.core.cache import cache

from portal.core.clients import client_address


def client_ip(request) -> str:
    """The client's address as the trusted proxies report it (portal.core.clients)."""
    return getattr(request, "client_address", None) or client_address(request)


def _name(scope: str, key: str) -> str:
    """The key is hashed, so no national ID or address is ever stored in the cache in clear."""
    return f"sila:rl:{scope}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def allow(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit for `key` in `scope`; False once `limit` hits fall in the current window."""
    name = _name(scope, key)
    added = cache.add(name, 1, timeout=window)
    if added:
        return True
    try:
        count = cache.incr(name)
    except ValueError:
        cache.set(name, 1, timeout=window)
        return True
    return count <= limit


def first_refused(limits: list[dict]) -> int | None:
    """Count a hit on each of `limits` (the arguments of `allow`) in turn, stopping at the first
    that refuses it: its index, or None when all allow it. The limits after a refusal are not
    counted, as with `allow(...) and allow(...)`. With Redis, one round trip for all of them."""
    count_hits = getattr(cache, "count_hits", None)
    if count_hits is not None:
        return count_hits(
            [(_name(lim["scope"], lim["key"]), lim["limit"], lim["window"]) for lim in limits]
        )
    for index, lim in enumerate(limits):
        if not allow(**lim):
            return index
    return None
