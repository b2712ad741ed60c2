"""/healthz (the process is alive) and /readyz (it can serve: database, cache, task queue,
search). Answered before host validation, redirects, sessions and languages, never cached, and
with nothing in them about any person."""

import json
import time

from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone

from search.index.base import get_backend
from search.index.site import site_index_state
from search.models import SearchPending


def _json(body: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # noqa: BLE001 - a failing dependency is the answer, not a 500
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return {"ok": ping()}
    cache.set("sila:readyz", "1", 10)
    return {"ok": cache.get("sila:readyz") == "1"}


def check_task_queue() -> dict:
    """The age of the oldest task waiting to run: workers that stopped show here first."""
    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"ok": lag <= settings.TASK_QUEUE_MAX_LAG, "lag_seconds": round(lag, 1)}


def check_search() -> dict:
    """Search answers, and from where: when Elasticsearch is configured but unreachable, the
    database answers page and submission search (still ready, but said here), and the lag
    tells how much the server will have to catch up."""
    backend = get_backend()
    client = getattr(backend, "client", None)
    reachable = True
    if client is not None and hasattr(client, "ping"):
        try:
            reachable = bool(client.ping())
        except Exception:  # noqa: BLE001 - an unreachable server is the answer
            reachable = False
    oldest = SearchPending.objects.order_by("since").values_list("since", flat=True).first()
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    report = {
        "ok": True,
        "backend": backend.name if reachable else "database",
        "fallback": not reachable,
        "lag_seconds": round(lag, 1),
        "site": site_index_state(),
    }
    if not reachable:
        report["elasticsearch"] = "unreachable"
        report["site"].update(backend="database", fallback=True)
    return report


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "task_queue": check_task_queue,
    "search": check_search,
}


def readiness() -> tuple[bool, dict]:
    results = {name: _timed(check) for name, check in CHECKS.items()}
    return all(result["ok"] for result in results.values()), results


class HealthCheckMiddleware:
    """Answers the probes first, so a load balancer asking by address over plain HTTP is
    answered too (no ALLOWED_HOSTS check, no HTTPS redirect, no language redirect)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                return _json({"status": "ok"})
            if request.path == "/readyz":
                ready, checks = readiness()
                return _json(
                    {"status": "ready" if ready else "not ready", "checks": checks},
                    status=200 if ready else 503,
                )
        return self.get_response(request)
