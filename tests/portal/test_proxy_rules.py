"""Behind the proxy: client addresses, request ids, logs, and what a shared cache may keep."""

import json
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django.test import RequestFactory, override_settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from portal import logs
from portal.proxy import client_address
from tests.cms.conftest import approved_policy, catalogue, draft_policy, secretary, term  # noqa: F401

pytestmark = pytest.mark.django_db

addresses = st.ip_addresses().map(str)


class _Ident(SimpleRateThrottle):
    rate = "1/second"

    def get_cache_key(self, request, view):
        return None


@given(
    chain=st.lists(st.one_of(addresses, st.text(max_size=12)), max_size=5),
    count=st.integers(min_value=0, max_value=4),
    remote=addresses,
    with_header=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_client_address_is_the_one_drf_throttles_count(chain, count, remote, with_header):
    meta = {"REMOTE_ADDR": remote}
    if with_header:
        meta["HTTP_X_FORWARDED_FOR"] = ", ".join(chain)
    request = RequestFactory().get("/", **meta)
    with override_settings(TRUSTED_PROXY_COUNT=count):
        original = api_settings.NUM_PROXIES
        api_settings.NUM_PROXIES = count
        try:
            assert client_address(request) == _Ident().get_ident(request)
        finally:
            api_settings.NUM_PROXIES = original


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_forged_forwarded_for_entries_stay_in_front_of_the_proxys_own():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 7.7.7.7, 203.0.113.5"
    )
    assert client_address(request) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_the_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_address(request) == "198.51.100.2"


def test_drf_counts_the_configured_number_of_proxies():
    from django.conf import settings as django_settings

    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == django_settings.TRUSTED_PROXY_COUNT


def test_every_response_carries_a_request_id_and_a_given_one_is_kept(client):
    response = client.get("/robots.txt", headers={"X-Request-ID": "abcdef0123456789"})
    assert response["X-Request-ID"] == "abcdef0123456789"
    forged = client.get("/robots.txt", headers={"X-Request-ID": "<script>"})
    assert forged["X-Request-ID"] != "<script>" and len(forged["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id_and_no_path(client, caplog):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("sila.requests")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client.get(
            "/ar/track/help/HR-2026-000001/secret-key-123/", headers={"X-Request-ID": "r" * 16}
        )
    finally:
        logger.removeHandler(handler)
    line = logs.JsonFormatter().format(records[-1])
    body = json.loads(line)
    assert body["request_id"] == "r" * 16
    assert body["view"] == "intake_track" and body["status"] == 404
    assert "secret-key-123" not in line and "HR-2026" not in line


# --- what a shared cache may keep -------------------------------------------------------------


def cache_control(response) -> str:
    return response.get("Cache-Control", "")


def test_public_policy_pages_and_their_linked_variants_may_be_kept(client, approved_policy):
    url = approved_policy.url
    for path in (url, url + "history/", url + "versions/1/", url + "compare/"):
        response = client.get(path)
        if response.status_code == 200:
            assert "public" in cache_control(response) and "s-maxage" in cache_control(response)
    catalogue_url = approved_policy.get_parent().url
    assert "public" in cache_control(client.get(catalogue_url + "?category=data-privacy"))
    assert "public" not in cache_control(client.get(catalogue_url + "?category=nonsense"))
    assert "public" not in cache_control(client.get(catalogue_url + "?utm=x"))


def test_comparisons_other_than_adjacent_versions_are_not_kept(client, approved_policy):
    url = approved_policy.url + "compare/"
    assert "public" not in cache_control(client.get(url + "?from=1&to=3"))
    assert "public" not in cache_control(client.get(url + "?to=2&from=1"))


@pytest.mark.parametrize(
    "path",
    [
        "/ar/help-request/",
        "/ar/volunteer/",
        "/ar/track/help/HR-2026-000001/abc/",
        "/ar/track/help/HR-2026-000001/abc/rate/",
        "/api/v1/track/help/HR-2026-000001/",
        "/api/v1/staff/help-requests/",
        "/admin/login/",
    ],
)
def test_secret_bearing_and_personal_responses_are_no_store(client, home, path):
    response = client.get(path)
    assert "no-store" in cache_control(response), (path, cache_control(response))


def test_filing_receipt_is_no_store(client, home):
    response = client.post("/api/v1/help-requests/", {}, content_type="application/json")
    assert "no-store" in cache_control(response)


def test_a_request_with_a_cookie_or_authorization_is_never_marked_public(client, approved_policy):
    client.cookies["sessionid"] = "x"
    assert "public" not in cache_control(client.get(approved_policy.url))
    client.cookies.clear()
    response = client.get(approved_policy.url, headers={"Authorization": "Token x"})
    assert "public" not in cache_control(response)


def test_search_results_are_not_kept_but_the_empty_search_page_is(client, home):
    assert "public" not in cache_control(client.get("/ar/search/?q=سياسة"))
    assert "public" in cache_control(client.get("/ar/search/"))


def test_public_api_reads_may_be_kept_in_each_locale(client, approved_policy):
    for query in ("", "?locale=en", "?category=beneficiary-relations&locale=ar"):
        response = client.get("/api/v1/policies/" + query)
        assert "public" in cache_control(response), query
    assert "public" not in cache_control(client.get("/api/v1/policies/?locale=fr"))
