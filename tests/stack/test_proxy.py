"""Through the real nginx: what the cache keeps, what it never keeps, addresses, TLS, purges."""

import http.client
import json
import threading
import time
import uuid
from urllib.parse import quote, urlsplit

import pytest

from tests.stack.conftest import Client, file_request, manage

pytestmark = [pytest.mark.stack, pytest.mark.xdist_group("stack")]


@pytest.fixture(scope="session")
def filed(stack, demo):
    """One help request filed through the proxy: its reference and secret tracking key."""
    client = Client(stack, "127.0.0.9")
    response = file_request(client, demo, 77_000_001)
    client.close()
    assert response.status == 201, response.body
    receipt = json.loads(response.body)
    parts = urlsplit(receipt["tracking_url"]).path.strip("/").split("/")
    return {
        "reference": receipt["reference"],
        "key": parts[-1],
        "path": "/" + "/".join(parts) + "/",
    }


def cache_status(response) -> str:
    return response.getheader("X-Cache-Status") or "-"


def test_public_policy_page_is_a_cache_hit_on_the_second_request(client, demo):
    browser = client()
    browser.get(demo["policy_url"])
    response = browser.get(demo["policy_url"])
    assert response.status == 200
    assert cache_status(response) == "HIT"
    assert "s-maxage" in response.getheader("Cache-Control")


def test_a_cached_page_keeps_its_security_headers(client, demo):
    browser = client()
    first = browser.get(demo["policy_url"])
    cached = browser.get(demo["policy_url"])
    assert cache_status(cached) == "HIT"
    for name in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "Cross-Origin-Resource-Policy",
        "Cross-Origin-Opener-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Strict-Transport-Security",
    ):
        assert cached.getheader(name), name
        assert cached.getheader(name) == first.getheader(name), name
    assert "'unsafe-inline'" not in cached.getheader("Content-Security-Policy")


def test_files_served_by_nginx_are_not_sniffed(client):
    response = client().get("/static/portal/css/sila.css")
    assert response.status == 200
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Cross-Origin-Resource-Policy") == "same-origin"


def test_documents_are_never_served_as_files_by_nginx(stack, client):
    """A document's file (board minutes among them) goes out only through the application's
    document view, which holds its collection's restriction and its association's host."""
    public = stack.media_root / "public"
    name = f"sealed-{uuid.uuid4().hex}"
    document, image = public / "documents" / f"{name}.pdf", public / "images" / f"{name}.png"
    for path in (document, image):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 board minutes")
        path.chmod(0o644)
    try:
        for path in (f"/media/documents/{name}.pdf", f"/media/images/../documents/{name}.pdf"):
            assert client().get(path).status == 404, path
        # (an image's file still is: it is on the association's public pages)
        assert client().get(f"/media/images/{name}.png").status == 200
    finally:
        document.unlink(missing_ok=True)
        image.unlink(missing_ok=True)


# --- documents: the application decides, nginx sends the bytes (X-Accel-Redirect) ---------------

DOCUMENT_BYTES = bytes(range(256)) * 1200  # 300 KiB, every byte value


@pytest.fixture(scope="session")
def documents(stack):
    """A public document with an Arabic name in the default association's collection, and one
    in a collection with a password restriction, plus a session that has passed it."""
    out = manage(
        stack,
        "import json; from django.core.files.base import ContentFile; "
        "from django.contrib.sessions.backends.db import SessionStore; "
        "from wagtail.documents import get_document_model; "
        "from wagtail.models import Collection, CollectionViewRestriction, Site; "
        "from portal.accounts.associations import association_collection; "
        "Document = get_document_model(); content = bytes(range(256)) * 1200; "
        "root = association_collection(Site.objects.get(is_default_site=True)); "
        "public = Document.objects.create(title='محضر', collection=root, "
        "file=ContentFile(content, name='محضر الاجتماع.pdf')); "
        "closed = root.add_child(instance=Collection(name='مقيدة-' + str(public.pk))); "
        "rule = CollectionViewRestriction.objects.create(collection=closed, "
        "restriction_type=CollectionViewRestriction.PASSWORD, password='s3cret-minutes'); "
        "restricted = Document.objects.create(title='مقيد', collection=closed, "
        "file=ContentFile(content, name='minutes.pdf')); "
        "session = SessionStore(); "
        "session['passed_collection_view_restrictions'] = [rule.pk]; session.create(); "
        "print(json.dumps({'public': public.url, 'public_name': public.filename, "
        "'restricted': restricted.url, 'restricted_name': restricted.filename, "
        "'session': session.session_key}))",
    )
    return json.loads(out.strip().splitlines()[-1])


def test_a_public_document_is_sent_by_nginx_with_its_bytes_and_headers(client, documents):
    reader = client()
    for _ in range(2):
        response = reader.get(documents["public"])
        assert response.status == 200
        assert response.body == DOCUMENT_BYTES
        assert cache_status(response) != "HIT"
    name = documents["public_name"]
    assert name == "محضر_الاجتماع.pdf"
    assert response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("Content-Length") == str(len(DOCUMENT_BYTES))
    disposition = response.getheader("Content-Disposition")
    assert disposition.startswith("inline; filename=")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Security-Policy") == "default-src 'none'"
    assert "no-store" in response.getheader("Cache-Control")
    assert response.getheader("Cross-Origin-Resource-Policy") == "cross-origin"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert "max-age=" in response.getheader("Strict-Transport-Security")
    assert response.getheader("X-Request-ID")
    assert response.getheader("Accept-Ranges") == "bytes"  # nginx's static file answer
    assert response.getheader("X-Accel-Redirect") is None
    assert response.getheader("Content-Encoding") is None


def test_gunicorn_answers_a_document_with_x_accel_redirect_and_no_body(stack, documents):
    """The application's own answer (straight to gunicorn, as nginx sees it): no byte of the
    file, an empty body that says so, and the file named under the internal location."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.app_port, timeout=30)
    headers = {"Host": stack.host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
    try:
        connection.request("GET", documents["public"], headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200
    assert response.getheader("X-Accel-Redirect") == (
        "/sila-internal/documents/" + quote(documents["public_name"])
    )
    assert body == b""
    assert response.getheader("Content-Length") == "0"
    assert response.getheader("Content-Type") == "application/pdf"


def test_a_range_of_a_document_is_answered_206(client, documents):
    response = client().get(documents["public"], headers={"Range": "bytes=1000-1999"})
    assert response.status == 206
    assert response.getheader("Content-Range") == f"bytes 1000-1999/{len(DOCUMENT_BYTES)}"
    assert response.body == DOCUMENT_BYTES[1000:2000]
    assert "no-store" in response.getheader("Cache-Control")


def test_a_restricted_document_is_refused_without_the_right_and_never_cached(client, documents):
    stranger, holder = client("127.0.0.41"), client("127.0.0.42")
    passed = {"Cookie": f"sessionid={documents['session']}"}
    for _ in range(2):
        refused = stranger.get(documents["restricted"])
        assert refused.status == 200  # Wagtail's password form, not the file
        assert refused.body != DOCUMENT_BYTES
        assert refused.getheader("Content-Type").startswith("text/html")
        assert "no-store" in refused.getheader("Cache-Control")
        assert cache_status(refused) != "HIT"
        allowed = holder.get(documents["restricted"], headers=passed)
        assert allowed.status == 200 and allowed.body == DOCUMENT_BYTES
        assert "no-store" in allowed.getheader("Cache-Control")
        assert "private" in allowed.getheader("Cache-Control")
    # and the one who passed it does not leave the file in the proxy for the next stranger
    again = stranger.get(documents["restricted"])
    assert again.body != DOCUMENT_BYTES and cache_status(again) != "HIT"


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_the_documents_internal_location_cannot_be_requested_directly(client, documents, scheme):
    browser = client(scheme=scheme)
    for name in (documents["public_name"], documents["restricted_name"]):
        for path in (
            f"/sila-internal/documents/{quote(name)}",
            f"/sila-internal/documents/../documents/{quote(name)}",
        ):
            response = browser.get(path)
            assert response.status == 404, path
            assert response.body != DOCUMENT_BYTES


def test_public_content_api_is_cached_per_language(client, demo):
    reader = client()
    path = f"/api/v1/policies/{demo['policy_slug']}/"
    for language in ("ar", "en"):
        reader.get(path, headers={"Accept-Language": language})
        response = reader.get(path, headers={"Accept-Language": f"{language};q=0.9"})
        assert cache_status(response) == "HIT"
        assert response.getheader("Content-Language") == language


@pytest.mark.parametrize(
    "path",
    [
        "/ar/help-request/",
        "/ar/volunteer/",
        "/admin/login/",
        "/api/v1/staff/help-requests/",
        "/api/v1/staff/search/?q=x",
    ],
)
def test_forms_admin_and_staff_api_are_never_served_from_cache(client, path):
    browser = client()
    statuses = [cache_status(browser.get(path)) for _ in range(3)]
    assert "HIT" not in statuses, statuses
    response = browser.get(path)
    assert "no-store" in (response.getheader("Cache-Control") or "")


def test_tracking_pages_and_rating_link_are_never_served_from_cache(client, filed):
    browser = client()
    for path in (filed["path"], filed["path"] + "rate/"):
        answers = [browser.get(path) for _ in range(3)]
        assert all(cache_status(a) != "HIT" for a in answers)
        assert all("no-store" in a.getheader("Cache-Control") for a in answers)
    assert answers[0].status in (200, 302)


def test_tracking_api_without_or_with_a_wrong_key_gets_nothing(client, filed):
    applicant, stranger = client("127.0.0.10"), client("127.0.0.11")
    path = f"/api/v1/track/help/{filed['reference']}/"
    mine = applicant.get(path, headers={"X-Tracking-Key": filed["key"]})
    assert mine.status == 200 and filed["reference"].encode() in mine.body
    for headers in ({}, {"X-Tracking-Key": "wrong"}, {"X-Tracking-Key": filed["key"][:-1] + "x"}):
        answer = stranger.get(path, headers=headers)
        assert answer.status == 404
        assert b"timeline" not in answer.body and cache_status(answer) != "HIT"
    # and the applicant is not handed a stranger's cached 404
    again = applicant.get(path, headers={"X-Tracking-Key": filed["key"]})
    assert again.status == 200
    wrong_page = stranger.get(filed["path"].replace(filed["key"], "0" * len(filed["key"])))
    assert wrong_page.status == 404


def test_a_cookie_or_authorization_never_gets_a_cached_answer(client, demo):
    reader = client()
    reader.get(demo["policy_url"])
    assert cache_status(reader.get(demo["policy_url"])) == "HIT"
    for headers in ({"Cookie": "sessionid=abc"}, {"Authorization": "Token abc"}):
        assert cache_status(reader.get(demo["policy_url"], headers=headers)) != "HIT"


def test_two_clients_have_separate_limits_and_a_forged_forwarded_for_changes_nothing(client, filed):
    first, second = client("127.0.0.21"), client("127.0.0.22")
    path = f"/api/v1/track/help/{filed['reference']}/"
    wrong = {"X-Tracking-Key": "wrong"}
    statuses = [first.get(path, headers=wrong).status for _ in range(30)]
    assert statuses.count(429) == 0
    assert first.get(path, headers=wrong).status == 429
    for forged in ("203.0.113.7", "198.51.100.1, 127.0.0.99", "127.0.0.22"):
        answer = first.get(path, headers={**wrong, "X-Forwarded-For": forged})
        assert answer.status == 429, forged
    assert second.get(path, headers=wrong).status == 404


def test_https_through_the_tls_front_gets_hsts_and_no_redirect_loop(client):
    secure = client()
    response = secure.get("/ar/")
    assert response.status == 200
    assert "max-age=" in response.getheader("Strict-Transport-Security")
    plain = client(scheme="http").get("/ar/")
    assert plain.status == 301
    location = urlsplit(plain.getheader("Location"))
    assert location.scheme == "https"
    followed = secure.get(location.path)
    assert followed.status == 200


def test_a_publish_is_visible_through_the_proxy_within_a_second(stack, client, demo):
    reader = client()
    page, history = demo["policy_url"], demo["policy_url"] + "history/"
    api = f"/api/v1/policies/{demo['policy_slug']}/?locale=en"
    for path in (page, history, api, page.replace("/ar/", "/en/")):
        reader.get(path)
        assert cache_status(reader.get(path)) == "HIT"
    marker = f"marker-{uuid.uuid4().hex[:10]}"
    seen = []

    def watch():  # polls the page while the publish runs, like a reader would
        watcher = Client(stack, "127.0.0.31")
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline:
            if marker.encode() in watcher.get(page).body:
                seen.append(time.time())
            time.sleep(0.02)
        watcher.close()

    thread = threading.Thread(target=watch)
    thread.start()
    out = manage(
        stack,
        "import time, datetime as dt; from django.contrib.auth import get_user_model; "
        "from cms.models import PolicyPage, BoardMember; "
        "from cms.services import policy_approval_record; "
        f"p = PolicyPage.objects.get(pk={demo['policy_id']}); "
        "d = p.get_latest_revision_as_object(); "
        f"d.summary_ar = {marker!r}; d.summary_en = {marker!r}; r = d.save_revision(); "
        "a = policy_approval_record(revision=r, user=get_user_model().objects.get(username='secretary'), "
        "meeting_number='99', term=None, meeting_date=dt.date.today(), "
        "members=list(BoardMember.objects.filter(term__site__is_default_site=True)[:3]), "
        "change_note_ar='تعديل'); "
        "print('committed', time.time(), a.version)",
    )
    thread.join()
    committed_at = float(out.split("committed")[1].split()[0])
    version = int(out.split("committed")[1].split()[1])
    assert seen, "the new version never showed through the proxy"
    latency = max(0.0, seen[0] - committed_at)
    print(f"\n[stack] publish visible through the proxy {latency:.3f}s after the commit")
    assert latency < 1.0
    assert f"versions/{version - 1}/".encode() in reader.get(history).body
    assert marker.encode() in reader.get(page.replace("/ar/", "/en/")).body
    assert json.loads(reader.get(api).body)["current_version"]["number"] == version


def test_health_and_readiness_are_never_cached_and_hold_no_personal_data(client):
    prober = client()
    for path in ("/healthz", "/readyz"):
        answers = [prober.get(path) for _ in range(2)]
        assert all(a.status == 200 for a in answers)
        assert all(a.getheader("Cache-Control") == "no-store" for a in answers)
    body = json.loads(answers[-1].body)
    assert set(body["checks"]) == {"database", "cache", "task_queue", "search"}
