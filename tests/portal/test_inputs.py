"""Input that no endpoint can use answers 400 in the request's language, never 500: NUL bytes and
oversized values in the query, JSON bodies that are not objects, and JSON values of the wrong
type, which are refused rather than coerced."""

import json

import pytest

from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from forms.casework import registry
from forms.models import Consent, HelpRequest
from tests.factories import UserFactory
from tests.forms.helpers import help_form_data
from tests.inbox.conftest import file_request, roles  # noqa: F401

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = {
    "nul in a value": "q=%00&search=x%00y&category=%00",
    "nul in a key": "a%00b=1",
    "nul alone": "status=%00",
    "oversized value": "q=" + "ا" * 2100,
}


def concrete_paths() -> list[str]:
    """Every route of the project without a parameter: the admin's, the APIs', the public
    pages' (in Arabic), enumerated from the URL configuration."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                cleaned = route.replace("^", "").replace("$", "").replace("\\Z", "")
                if not any(mark in cleaned for mark in "<>()[]?*+\\"):
                    found.add("/" + cleaned)

    walk(get_resolver().url_patterns, "")
    return sorted(found | {"/ar/", "/en/", "/ar/faq/", "/ar/search/", "/ar/help-request/"})


PATHS = concrete_paths()


def test_the_enumeration_reaches_every_door():
    assert len(PATHS) > 100
    for expected in ("/admin/", "/api/v1/faqs/", "/api/v2/pages/", "/api/v1/staff/search/"):
        assert expected in PATHS


@pytest.mark.parametrize("query", sorted(HOSTILE_QUERIES))
def test_every_route_answers_hostile_query_values_with_a_400(client, home, query):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    for user in (None, admin):
        if user:
            client.force_login(user)
        for path in PATHS:
            response = client.get(f"{path}?{HOSTILE_QUERIES[query]}")
            assert response.status_code == 400, (path, response.status_code)
            if path.startswith("/api/"):
                assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    "url",
    [
        "/ar/faq/?category=%00",
        "/api/v2/pages/?search=%00",
        "/api/v1/faqs/?category=%00",
        "/api/v1/search/?q=%00",
        "/admin/inbox/help-requests/?q=%00",
        "/admin/inbox/help-requests/?status=%00",
        "/api/v1/staff/help-requests/?q=%00",
        "/ar/faq%00/",
    ],
)
def test_the_reported_nul_bytes_answer_400_in_arabic(client, roles, url):  # noqa: F811
    client.force_login(roles["officer"])
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {"code": "bad_request", "message": "الطلب غير صحيح."}
    else:
        assert "الطلب غير صحيح" in response.content.decode()


def test_the_api_answers_400_in_english_when_asked(client, home):
    response = client.get("/api/v1/faqs/?locale=en&category=%00")
    assert response.json()["message"] == "The request is not valid."


def api_json(**overrides):
    data = help_form_data()
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    for key in ("consent_declaration", "consent_processing", "consent_contact"):
        data[key] = True
    data["family_size"], data["dependants"] = 5, 4
    return {**data, **overrides}


def post_json(client, url, body, **headers):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


FILING_URLS = [f"/api/v1/{kind.api_slug}/" for kind in registry.kinds() if kind.fields]


@pytest.mark.parametrize("body", [[1, 2, 3], "text", 5, None, True, []])
def test_a_json_body_that_is_not_an_object_is_a_translated_400(client, roles, body):  # noqa: F811
    request = file_request()
    client.force_login(roles["officer"])
    staff = f"/api/v1/staff/help-requests/{request.reference}/"
    for url in [*FILING_URLS, staff + "transitions/", staff + "notes/", staff + "assignee/"]:
        response = post_json(client, url + "?locale=ar", body)
        assert response.status_code == 400, url
        assert response.json()["code"] == "not_an_object"
        assert response.json()["message"] == "يجب أن يكون متن الطلب كائن JSON."


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        '{"full_name": "' + "x" * 3_000_000 + '"}',
        '{"full_name": "فاطمة"',
        "\x00",
    ],
    ids=["deep-list", "deep-object", "oversized", "truncated", "nul"],
)
def test_unreadable_or_oversized_json_is_a_400(client, home, body):
    response = client.post(
        "/api/v1/help-requests/?locale=en", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"parse_error", "bad_request"}


def test_a_valid_json_request_is_filed_with_its_consents(client, home):
    response = post_json(client, "/api/v1/help-requests/?locale=en", api_json())
    assert response.status_code == 201, response.content
    assert Consent.objects.filter(purpose="declaration", given=True).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent_declaration", 12345),
        ("consent_declaration", "true"),
        ("consent_declaration", 1),
        ("consent_processing", [True]),
        ("full_name", ["فاطمة", "علي"]),
        ("full_name", 12345),
        ("full_name", {"first": "فاطمة"}),
        ("national_id", 1098765432),
        ("city", True),
        ("family_size", True),
        ("family_size", [5]),
        ("attachments", ["a.pdf"]),
    ],
)
def test_json_values_of_the_wrong_type_are_refused_not_coerced(client, home, field, value):
    response = post_json(client, "/api/v1/help-requests/?locale=ar", api_json(**{field: value}))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == [field]
    assert not HelpRequest.objects.exists()


def test_a_nul_byte_in_a_json_string_is_a_field_error(client, home):
    response = post_json(client, "/api/v1/help-requests/", api_json(full_name="فاطمة\x00"))
    assert response.status_code == 400 and "full_name" in response.json()["fields"]


def test_a_repeated_multipart_field_is_refused_not_joined(client, home):
    data = api_json()
    data["full_name"] = ["فاطمة", "علي"]
    data = {key: ("on" if value is True else value) for key, value in data.items()}
    response = client.post("/api/v1/help-requests/?locale=en", data)
    assert response.status_code == 400
    assert response.json()["fields"] == {"full_name": ["Send one value for this field."]}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("transitions/", {"to_status": 5}, "to_status"),
        ("transitions/", {"to_status": "under_review", "notify": "yes"}, "notify"),
        ("transitions/", {"to_status": "under_review", "notify": 1}, "notify"),
        ("notes/", {"text": ["a", "b"]}, "text"),
        ("notes/", {"text": 42}, "text"),
        ("assignee/", {"assignee": True}, "assignee"),
        ("assignee/", {"assignee": [1]}, "assignee"),
    ],
)
def test_the_staff_api_refuses_values_of_the_wrong_type(client, roles, path, body, field):  # noqa: F811
    request = file_request()
    client.force_login(roles["officer"])
    url = f"/api/v1/staff/help-requests/{request.reference}/{path}?locale=ar"
    response = post_json(client, url, body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    request.refresh_from_db()
    assert request.status == "received" and not request.notes.exists()
