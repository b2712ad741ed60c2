"""The shared cache (Redis) that a restarting Redis cannot turn into failed requests.

A lost connection makes reads misses and writes no-ops for as long as Redis is away; redis-py
reconnects on the next call. Rate limits therefore let requests through while Redis is down
(logged), rather than refusing every applicant; /readyz reports the cache as down meanwhile.
"""

import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_WARN_EVERY = 10.0  # seconds between two warnings, so an outage does not flood the log


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, with one redis-py client per connection pool instead of a new one for
    every command: making one fills its table of some 170 reply handlers (a third of the CPU
    of a cache read). A redis-py client holds no connection of its own (it takes one from the
    pool for each command), so one client serves every thread."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _unavailable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning >= _WARN_EVERY:
            ResilientRedisCache._last_warning = now
            logger.warning("cache unavailable (%s): %s", operation, type(error).__name__)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as error:
            self._unavailable("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set", error)
            return None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            self._unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable("delete_many", error)
            return None

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            self._unavailable("incr", error)
            # Callers treat a missing key as a new window (portal.ratelimit.allow).
            raise ValueError("cache unavailable") from error

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE as error:
            self._unavailable("clear", error)
            return False

    # Count a hit on each key in turn (a fixed window: the first hit sets the count to 1 with
    # the window's expiry, the others add one) and stop at the first key over its limit: its
    # position (1-based), or 0 when every key allows the hit.
    _HITS_SCRIPT = """
    for i, key in ipairs(KEYS) do
      if not redis.call('SET', key, 1, 'NX', 'EX', ARGV[2 * i - 1]) then
        if redis.call('INCR', key) > tonumber(ARGV[2 * i]) then return i end
      end
    end
    return 0
    """

    def count_hits(self, limits: list[tuple[str, int, int]]) -> int | None:
        """Count a hit on each (key, limit, window) in order, in one round trip, stopping at
        the first one over its limit: its index, or None when all allow it. The keys and counts
        are those `add` and `incr` keep, so `portal.core.ratelimit.allow` reads the same
        windows. While Redis is away every limit allows (as `allow` does)."""
        client = self._cache.get_client(write=True)
        script = getattr(self, "_hits_script", None)
        if script is None:
            script = self._hits_script = client.register_script(self._HITS_SCRIPT)
        keys = [self.make_and_validate_key(key) for key, _limit, _window in limits]
        args = [value for _key, limit, window in limits for value in (int(window), int(limit))]
        try:
            refused = script(keys=keys, args=args, client=client)
        except UNAVAILABLE as error:
            self._unavailable("count_hits", error)
            return None
        return int(refused) - 1 if refused else None

    # A sliding window (as Django REST framework's throttles keep it): the times of the hits
    # in the window, newest first. Drop those that left the window; refuse when `limit` remain
    # (answering them, so the caller can say when to come back), else add this hit.
    _WINDOW_SCRIPT = """
    local key, now, window = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
    while true do
      local oldest = redis.call('LINDEX', key, -1)
      if not oldest or tonumber(oldest) > now - window then break end
      redis.call('RPOP', key)
    end
    if redis.call('LLEN', key) >= tonumber(ARGV[3]) then
      return redis.call('LRANGE', key, 0, -1)
    end
    redis.call('LPUSH', key, ARGV[1])
    redis.call('EXPIRE', key, math.ceil(window))
    return false
    """

    def window_hit(self, key: str, *, now: float, window: float, limit: int) -> list | None:
        """Count a hit at `now` in the sliding window `key` (one round trip, atomic): None when
        allowed, else the times of the hits that fill the window, newest first. While Redis is
        away every hit is allowed."""
        client = self._cache.get_client(write=True)
        script = getattr(self, "_window_script", None)
        if script is None:
            script = self._window_script = client.register_script(self._WINDOW_SCRIPT)
        try:
            history = script(
                keys=[self.make_and_validate_key(key)],
                args=[repr(now), repr(window), int(limit)],
                client=client,
            )
        except UNAVAILABLE as error:
            self._unavailable("window_hit", error)
            return None
        return [float(hit) for hit in history] if history else None

    def ping(self) -> bool:
        """For /readyz: whether Redis answers now (errors are not swallowed here)."""
        return bool(self._cache.get_client(write=True).ping())
