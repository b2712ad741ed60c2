"""Staff sessions end after 30 minutes without a request and 12 hours after signing in."""

import time

import pytest

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.middleware import AUTH_AT, SEEN_AT

pytestmark = pytest.mark.django_db


def age_session(client, *, signed_in_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[AUTH_AT] = int(now - signed_in_ago)
    session[SEEN_AT] = int(now - seen_ago)
    session.save()


def test_the_limits_are_thirty_minutes_idle_and_twelve_hours_in_all():
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * 60
    assert settings.STAFF_SESSION_MAX_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_AGE <= settings.STAFF_SESSION_MAX_SECONDS


@pytest.mark.parametrize("idle_minutes", [31, 45, 600])
def test_an_idle_session_is_signed_out(client, roles, idle_minutes):
    client.force_login(roles["officer"])
    age_session(client, signed_in_ago=idle_minutes * 60 + 5, seen_ago=idle_minutes * 60)
    response = client.get("/admin/inbox/help-requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
    # The API answers as to anyone unknown.
    assert client.get("/api/v1/staff/help-requests/").status_code in (401, 403)


def test_activity_keeps_a_session_until_its_twelve_hours(client, roles):
    client.force_login(roles["officer"])
    age_session(client, signed_in_ago=11 * 3600, seen_ago=29 * 60)
    assert client.get("/admin/inbox/help-requests/").status_code == 200
    # The request counted as activity: the idle clock starts again.
    assert time.time() - client.session[SEEN_AT] < 60
    age_session(client, signed_in_ago=12 * 3600 + 1, seen_ago=10)
    response = client.get("/admin/inbox/help-requests/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_activity_is_written_to_the_session_at_most_once_a_minute(client, roles):
    """Writing the time of every request would save the session on every page."""
    client.force_login(roles["officer"])
    age_session(client, signed_in_ago=3600, seen_ago=30)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/inbox/help-requests/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert time.time() - client.session[SEEN_AT] >= 30
    age_session(client, signed_in_ago=3600, seen_ago=61)
    assert client.get("/admin/inbox/help-requests/").status_code == 200
    assert time.time() - client.session[SEEN_AT] < 60


def test_the_sign_in_page_says_why_in_the_staff_language(client, roles):
    client.force_login(roles["officer"])
    age_session(client, signed_in_ago=3600, seen_ago=3600)
    response = client.get("/admin/", follow=True)
    assert "30 دقيقة" in response.content.decode()


def test_the_api_with_a_session_obeys_the_same_limits(client, roles):
    client.force_login(roles["officer"])
    assert client.get("/api/v1/staff/help-requests/").status_code == 200
    age_session(client, signed_in_ago=3600, seen_ago=31 * 60)
    assert client.get("/api/v1/staff/help-requests/").status_code in (401, 403)
