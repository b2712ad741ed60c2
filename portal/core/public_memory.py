"""Each process's memory of public reads, kept true across processes by one shared token.

Reads that change only when someone publishes (the site for a host, where a URL path leads, a
page's view restrictions, the association's profile, a policy's approved versions) are kept in
each worker's memory. Every entry is filed under the current *public token*: a random value kept
in the shared cache (Redis in production). Any change that can alter a public read draws a new
token (`renew()`), at once and again when its transaction commits, so every process drops what it
kept at its next request. Reading the token costs one cache read per request, never a query.

A token is random, never a counter: a cache that is emptied (a restarted Redis, a test) can never
hand back a token under which older entries were kept. While the shared cache cannot be reached,
every request draws a token of its own, so nothing is served from memory. Entries also expire
after `MAX_AGE` seconds, which bounds what a change made while Redis was away can leave behind.
"""

import threading
import time
import uuid
from collections import OrderedDict
from contextvars import ContextVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

GENERATION_KEY = "sila:public:generation"
REQUEST_ATTRIBUTE = "_sila_public_token"
MAX_AGE = 60.0
_MISSING = object()


# The token read while the current request is handled (None outside a request: a task reads
# it each time). Each thread handles one request at a time, and a context variable is the
# thread's own.
_request_token: ContextVar[list | None] = ContextVar("sila_public_token", default=None)


def public_token(request=None) -> str:
    """The current token; read once per request (whether or not the request is given)."""
    if request is not None:
        token = getattr(request, REQUEST_ATTRIBUTE, None)
        if token is not None:
            return token
    held = _request_token.get()
    if held:
        token = held[0]
    else:
        token = cache.get(GENERATION_KEY)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(GENERATION_KEY, token, timeout=None):
                token = cache.get(GENERATION_KEY) or token
        if held is not None:
            held.append(token)
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, token)
    return token


def _request_begins(**kwargs) -> None:
    _request_token.set([])


def _request_ends(**kwargs) -> None:
    _request_token.set(None)


request_started.connect(_request_begins, dispatch_uid="sila-public-token-begins")
request_finished.connect(_request_ends, dispatch_uid="sila-public-token-ends")


def draw_new_token() -> None:
    """A new token now: every process forgets what it kept at its next request (this request
    reads the new one at its next public read)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    held = _request_token.get()
    if held:
        held.clear()


def renew(**kwargs) -> None:
    """Forget every process's public memory: now, and once the current transaction commits (a
    process that read the old rows in between would otherwise keep them under the new token).
    Takes any signal's arguments."""
    draw_new_token()
    transaction.on_commit(draw_new_token, robust=True)


class ProcessMemory:
    """A bounded, thread-safe map kept for one token at a time (least recently used dropped)."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._token: str | None = None
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str, key, default=None):
        with self._lock:
            if token != self._token:
                return default
            entry = self._entries.get(key, _MISSING)
            if entry is _MISSING:
                return default
            stored_at, value = entry
            if time.monotonic() - stored_at > MAX_AGE:
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def set(self, token: str, key, value) -> None:
        with self._lock:
            if token != self._token:
                self._entries.clear()
                self._token = token
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._token = None


def in_transaction() -> bool:
    """Inside a transaction the code opened (a test's own enclosing transaction aside)."""
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def remembered(memory: ProcessMemory, key, read):
    """`memory`'s value for `key` under the current token, `read()` and kept when missing.

    What is read inside a transaction is used but not kept: if that transaction wrote a change
    and is then rolled back, no token is drawn after it, and the process would keep a change
    that never happened under the token its write drew."""
    token = public_token()
    value = memory.get(token, key, _MISSING)
    if value is _MISSING:
        value = read()
        if not in_transaction():
            memory.set(token, key, value)
    return value
