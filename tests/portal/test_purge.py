"""Purge on change: the URLs each change touches, and the purge requests sent to nginx."""

import http.server
import threading

import pytest

from django.db import transaction
from django.test import override_settings

from portal import frontend_cache
from tests.cms.conftest import (  # noqa: F401
    approve,
    approved_policy,
    catalogue,
    draft_policy,
    secretary,
    term,
)

pytestmark = pytest.mark.django_db


class PurgeRecorder(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.requests: list[dict] = []
        super().__init__(("127.0.0.1", 0), PurgeHandler)


class PurgeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_PURGE(self):  # noqa: N802
        self.server.requests.append({"method": self.command, "path": self.path, **self.headers})
        self.send_response(404 if len(self.server.requests) % 2 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy():
    server = PurgeRecorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    location = f"http://127.0.0.1:{server.server_address[1]}/purge"
    backends = {
        "proxy": {
            "BACKEND": "portal.frontend_cache.NginxPurgeBackend",
            "LOCATION": location,
            "SCHEMES": ["https"],
        }
    }
    with override_settings(WAGTAILFRONTENDCACHE=backends):
        yield server
    server.shutdown()


def run_commit_callbacks() -> None:
    """What a commit of the test's transaction would run (pytest-django never commits it)."""
    connection = transaction.get_connection()
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for _sids, callback, _robust in callbacks:
        callback()


def purged_uris(proxy) -> set[tuple[str, str]]:
    return {(r["X-Purge-Language"], r["X-Purge-URI"]) for r in proxy.requests}


def test_policy_urls_cover_page_history_versions_comparisons_catalogue_and_api(
    approved_policy, secretary, term
):
    draft = approved_policy.get_latest_revision_as_object()
    draft.summary_ar = "ثانية"
    approve(approved_policy, secretary, term, revision=draft.save_revision(), meeting_number="2")
    urls = frontend_cache.policy_urls(approved_policy)
    page = approved_policy.get_full_url()
    for path in ("", "history/", "versions/1/", "versions/2/", "compare/", "compare/?from=1&to=2"):
        assert page + path in urls, path
    root = approved_policy.get_site().root_url
    assert approved_policy.get_parent().get_full_url() + "?category=data-privacy" in urls
    assert f"{root}/api/v1/policies/{approved_policy.slug}/versions/2/?locale=en" in urls
    assert f"{root}/api/v1/policies/?category=beneficiary-relations&locale=ar" in urls
    assert f"{root}/sitemap.xml" in urls
    assert approved_policy.get_site().root_page.get_full_url() + "search/" in urls


def test_a_board_approval_purges_its_urls_in_both_languages_once_committed(
    proxy, draft_policy, secretary, term
):
    approve(draft_policy, secretary, term)
    assert proxy.requests == []  # nothing before the commit
    run_commit_callbacks()
    uris = purged_uris(proxy)
    path = draft_policy.url
    assert ("-", path) in uris
    assert ("-", path.replace("/ar/", "/en/", 1)) in uris
    assert ("-", path + "versions/1/") in uris
    # unprefixed URLs are purged for each negotiated language
    api = f"/api/v1/policies/{draft_policy.slug}/"
    assert ("ar", api) in uris and ("en", api) in uris
    keys = [
        (r["Host"], r["X-Purge-Scheme"], r["X-Purge-Language"], r["X-Purge-URI"])
        for r in proxy.requests
    ]
    assert len(keys) == len(set(keys)), "a key was purged twice"


def test_a_rolled_back_change_purges_nothing_and_the_next_one_still_does(
    proxy, draft_policy, secretary, term
):
    run_commit_callbacks()
    proxy.requests.clear()
    try:
        with transaction.atomic():
            frontend_cache.purge_after_commit({"http://localhost/ar/x/"})
            raise RuntimeError
    except RuntimeError:
        pass
    run_commit_callbacks()
    assert proxy.requests == []
    with transaction.atomic():
        frontend_cache.purge_after_commit({"http://localhost/ar/y/"})
    run_commit_callbacks()
    assert {("-", "/ar/y/"), ("-", "/en/y/")} <= purged_uris(proxy)


def test_an_faq_edit_purges_the_faq_pages_and_api(proxy, home):
    from django.test import TestCase

    from cms.models import FAQ, FAQCategory

    with TestCase.captureOnCommitCallbacks(execute=True):
        category = FAQCategory.objects.create(name="عام", slug="general-questions")
    proxy.requests.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        FAQ.objects.create(
            category=category, question="سؤال؟", answer="<p>جواب</p>", slug="a-question"
        )
    uris = purged_uris(proxy)
    assert ("ar", "/api/v1/faqs/") in uris and ("en", "/api/v1/faqs/?locale=en") in uris


def test_purge_keys_follow_the_proxys_cache_key():
    backend = frontend_cache.NginxPurgeBackend(
        {"LOCATION": "http://127.0.0.1:1/purge", "SCHEMES": ["http", "https"]}
    )
    page = backend.keys("https://example.org:8443/ar/سياسة/?a=1")
    assert {k["X-Purge-Scheme"] for k in page} == {"http", "https"}
    assert {k["X-Purge-Language"] for k in page} == {"-"}
    assert page[0]["X-Purge-URI"] == "/ar/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/?a=1"
    assert page[0]["Host"] == "example.org:8443"
    api = backend.keys("https://example.org/api/v1/faqs/")
    assert {k["X-Purge-Language"] for k in api} == {"ar", "en"}
