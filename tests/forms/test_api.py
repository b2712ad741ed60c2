"""The public submission API: multipart, Idempotency-Key, error shape, tracking by header."""

import pytest

from django.test import TestCase

from forms.models import HelpRequest
from tests.forms.helpers import help_form_data, pdf, saudi_id

pytestmark = pytest.mark.django_db


def api_data(**overrides):
    data = help_form_data(**overrides)
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    return data


def post(client, data, **headers):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/api/v1/help-requests/?locale=en", data, headers=headers)


def test_multipart_submission_returns_201_with_reference_tracking_url_and_date(client, home):
    response = post(client, {**api_data(), "attachments": [pdf()]})
    assert response.status_code == 201, response.content
    body = response.json()
    request = HelpRequest.objects.get()
    assert body["reference"] == request.reference
    assert body["tracking_url"].endswith(
        f"/en/track/help/{request.reference}/{request.tracking_key}/"
    )
    assert body["response_due"] == request.response_due.isoformat()
    assert body["response_due_hijri"]
    assert request.attachments.count() == 1


def test_the_same_idempotency_key_twice_files_one_request(client, home):
    first = post(client, api_data(), **{"Idempotency-Key": "abc-123"})
    second = post(client, api_data(), **{"Idempotency-Key": "abc-123"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert HelpRequest.objects.count() == 1


def test_invalid_input_is_a_400_with_translated_field_errors(client, home):
    response = client.post(
        "/api/v1/help-requests/?locale=ar", api_data(national_id="1234567890", mobile="12")
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "رقم الهوية أو الإقامة غير صحيح" in body["fields"]["national_id"][0]
    assert "mobile" in body["fields"]
    assert not HelpRequest.objects.exists()


def test_tracking_needs_the_key_in_a_header(client, home):
    post(client, api_data())
    request = HelpRequest.objects.get()
    url = f"/api/v1/track/help/{request.reference}/?locale=ar"
    ok = client.get(url, headers={"X-Tracking-Key": request.tracking_key})
    assert ok.status_code == 200
    assert ok.json()["status_label"] == "تم الاستلام"
    assert ok.json()["timeline"][0]["status"] == "received"
    wrong = client.get(url, headers={"X-Tracking-Key": "wrong"})
    unknown = client.get(
        "/api/v1/track/help/HR-2026-999999/", headers={"X-Tracking-Key": request.tracking_key}
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["code"] == unknown.json()["code"] == "not_found"


def test_one_applicant_cannot_read_another_applicants_request(client, home):
    post(client, api_data())
    post(client, api_data(national_id=saudi_id(body="33344455")))
    first, second = HelpRequest.objects.order_by("pk")
    response = client.get(
        f"/api/v1/track/help/{second.reference}/", headers={"X-Tracking-Key": first.tracking_key}
    )
    assert response.status_code == 404


def test_submission_endpoints_are_in_the_schema_with_their_errors(client, home):
    schema = client.get("/api/schema/", headers={"accept": "application/json"}).json()
    operation = schema["paths"]["/api/v1/help-requests/"]["post"]
    assert {"201", "400", "429"} <= set(operation["responses"])
    assert "/api/v1/volunteer-applications/" in schema["paths"]
    assert "/api/v1/track/{kind}/{reference}/" in schema["paths"]


def test_replaying_someone_elses_key_with_other_data_never_returns_their_receipt(client, home):
    first = post(client, api_data(), **{"Idempotency-Key": "guessable"})
    other = post(
        client, api_data(national_id=saudi_id(body="66677788")), **{"Idempotency-Key": "guessable"}
    )
    assert other.status_code == 201
    assert other.json()["tracking_url"] != first.json()["tracking_url"]
    assert HelpRequest.objects.count() == 2
