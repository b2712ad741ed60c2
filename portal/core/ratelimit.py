"""Fixed-window rate limits in the cache (Redis in production, local memory otherwise).

Production refuses a per-process cache, so a limit is one limit across workers and hosts.
While Redis is unreachable the limits let requests through (portal.cache), logged."""

import hashlib

from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

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


class SharedScopedRateThrottle(ScopedRateThrottle):
    """Django REST framework's scoped throttle (the same rates, client key and sliding window),
    counted in one atomic round trip to Redis instead of a read and a write (which also let
    concurrent requests of one client count as one). Other caches count as DRF does."""

    def allow_request(self, request, view):
        window_hit = getattr(self.cache, "window_hit", None)
        if window_hit is None:
            return super().allow_request(request, view)
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        # a key of its own: DRF's keeps a pickled list, this one a Redis list
        history = window_hit(
            f"{self.key}:window", now=self.now, window=self.duration, limit=self.num_requests
        )
        if history is None:
            return True
        self.history = history
        return self.throttle_failure()
