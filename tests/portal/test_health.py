"""/healthz and /readyz: answered to any host, never cached, and honest about dependencies."""

import datetime as dt

import pytest

from django.test import override_settings
from django.utils import timezone

from portal.cache import ResilientRedisCache
from portal.ratelimit import allow

pytestmark = pytest.mark.django_db


def test_healthz_answers_a_probe_by_address_without_touching_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz", headers={"Host": "10.1.2.3"})
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz", headers={"Host": "10.1.2.3"})
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {"database", "cache", "task_queue", "search"}
    assert all(check["ok"] for check in body["checks"].values())


@override_settings(TASK_QUEUE_MAX_LAG=60)
def test_readyz_fails_when_the_task_queue_falls_behind(client):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        from forms.tasks import retry_notifications

        result = retry_notifications.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=5)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"]["ok"] is False


def test_an_unreachable_redis_is_a_miss_and_limits_let_requests_through(settings):
    unreachable = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert unreachable.get("x", "default") == "default"
    assert unreachable.add("x", 1) is False
    with pytest.raises(ValueError):
        unreachable.incr("x")
    from portal import ratelimit

    original = ratelimit.cache
    ratelimit.cache = unreachable
    try:
        assert all(allow(scope="t", key="k", limit=1, window=60) for _ in range(3))
    finally:
        ratelimit.cache = original


def test_the_redis_cache_makes_one_client_for_its_connections():
    # Django's client makes a redis-py client for every command (a third of a read's CPU);
    # one client per connection pool serves them all, connecting only when used.
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert client.connection_pool is cache._cache._get_connection_pool(write=True)
