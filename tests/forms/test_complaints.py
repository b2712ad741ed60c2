"""Complaints and suggestions through the public doors: the web form (named or anonymous), the
API, the receipt and tracking by the secret link."""

import pytest

from django.test import TestCase

from forms import sms
from forms.models import Complaint, Consent, Notification
from tests.forms.helpers import pdf, post_steps, saudi_id, started_long_ago

pytestmark = pytest.mark.django_db


def form_data(*, anonymous=False, **overrides) -> dict:
    data = {
        "nature": "complaint", "theme": "staff", "description": "لم يرد الموظف على اتصالاتي طوال أسبوع.",
        "support_type": "", "policy": "", "full_name": "", "mobile": "", "email": "", "national_id": "",
        "preferred_contact": "", "started": started_long_ago(), "submission_token": "c1", "website": "",
    }  # fmt: skip
    if anonymous:
        data["anonymous"] = "on"
    else:
        data.update(
            full_name="منيرة سعد الدوسري", mobile="٠٥٥١٢٣٤٥٦٧", preferred_contact="sms",
            consent_declaration="on", consent_processing="on", consent_contact="on",
        )  # fmt: skip
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client, data, language="ar", files=None):
    """File it through the stepped form, page after page (the files on the last page)."""
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return post_steps(client, f"/{language}/complaint/", data, files)


def step_page(client, language: str, number: int) -> str:
    """The page of step `number`, reached by answering the ones before it."""
    before = post_steps(client, f"/{language}/complaint/", form_data(), stop_at=number - 1)
    assert before["Location"].endswith(f"?step={number}")
    return client.get(before["Location"]).content.decode()


def test_the_form_is_offered_in_both_languages(client, home):
    arabic = client.get("/ar/complaint/")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.content.decode()
    assert "/ar/complaint/" in client.get("/ar/").content.decode()
    page = step_page(client, "en", 4)
    assert "Send it without my name" in page and 'inputmode="tel"' in page
    last = step_page(client, "en", 5)
    assert "PDF, JPEG, PNG or HEIC; up to 5 files" in last  # the reader's language, not Arabic
    assert "ملفات PDF" in step_page(client, "ar", 5)


def test_a_named_complaint_gets_a_reference_an_sms_and_its_consents(client, home):
    response = post(client, form_data(national_id=saudi_id(body="71234567")))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.reference.startswith("CS-") and complaint.status == "received"
    assert complaint.mobile == "+966551234567" and not complaint.anonymous
    assert complaint.response_due > complaint.submitted_at.date()
    assert set(
        Consent.objects.of(complaint).filter(given=True).values_list("purpose", flat=True)
    ) == {
        "declaration",
        "processing",
        "contact",
    }
    assert sms.outbox and complaint.reference in sms.outbox[-1]["message"]
    receipt = client.get(response["Location"]).content.decode()
    assert complaint.reference in receipt and complaint.tracking_key in receipt
    wrong = f"/ar/track/complaint/{complaint.reference}/{'x' * 32}/"
    assert client.get(wrong).status_code == 404
    assert (
        client.get(response["Location"].replace(complaint.tracking_key, "x" * 32)).status_code
        == 404
    )


def test_an_anonymous_suggestion_keeps_nothing_that_names_its_sender(client, home):
    typed = form_data(anonymous=True, nature="suggestion", theme="access")
    typed.update(full_name="اسم كتبه ثم تراجع", mobile="0551234567", national_id="123")
    response = post(client, typed)
    assert response.status_code == 302
    suggestion = Complaint.objects.get()
    assert suggestion.anonymous and suggestion.nature == "suggestion"
    assert (suggestion.full_name, suggestion.mobile, suggestion.national_id) == ("", "", "")
    assert not Notification.objects.exists() and not sms.outbox  # no SMS tracking
    assert not Consent.objects.of(suggestion).filter(given=True).exists()
    receipt = client.get(response["Location"]).content.decode()
    # The receipt is the only place the secret link is given: it is printed in full.
    assert (
        suggestion.tracking_key in receipt
        and "without your name"
        in client.get(response["Location"].replace("/ar/", "/en/")).content.decode()
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"full_name": ""}, "full_name"),
        ({"mobile": ""}, "mobile"),
        ({"mobile": "12345"}, "mobile"),
        ({"consent_processing": None}, "consent_processing"),
        ({"description": ""}, "description"),
        ({"theme": "nonsense"}, "theme"),
        ({"national_id": "1234567890"}, "national_id"),
    ],
)
def test_bad_input_gets_a_translated_error_and_changes_nothing(client, home, overrides, field):
    data = form_data()
    for key, value in overrides.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    response = post(client, data)
    assert response.status_code == 400
    page = response.content.decode()
    # the stepped form's summary links to the input itself (a choice's first option)
    assert f'href="#id_{field}' in page and 'class="error-summary"' in page
    assert not Complaint.objects.exists() and not sms.outbox


def test_documents_follow_the_same_rules(client, home):
    data = form_data(anonymous=True)
    assert post(client, data, files={"attachments": [pdf("صورة.pdf")]}).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.attachments.count() == 1
    page = client.get(
        f"/ar/track/complaint/{complaint.reference}/{complaint.tracking_key}/"
    ).content.decode()
    link = f"/ar/track/complaint/{complaint.reference}/{complaint.tracking_key}/files/"
    assert link in page
    attachment = complaint.attachments.get()
    assert client.get(f"{link}{attachment.pk}/").status_code == 200
    assert (
        client.get(f"{link.replace(complaint.tracking_key, 'x' * 32)}{attachment.pk}/").status_code
        == 404
    )


def test_the_api_files_named_and_anonymous_ones(client, home):
    named = client.post(
        "/api/v1/complaints/",
        {
            "nature": "complaint",
            "theme": "service",
            "description": "تأخر صرف السلة الغذائية.",
            "full_name": "علي حسن",
            "mobile": "0551112222",
            "consent_declaration": True,
            "consent_processing": True,
            "consent_contact": True,
        },  # fmt: skip
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )
    assert named.status_code == 201, named.content
    anonymous = client.post(
        "/api/v1/complaints/",
        {"nature": "suggestion", "theme": "other", "description": "اقتراح", "anonymous": True},
        content_type="application/json",
    )
    assert anonymous.status_code == 201 and anonymous.json()["reference"].startswith("CS-")
    refused = client.post(
        "/api/v1/complaints/",
        {"nature": "complaint", "theme": "service", "description": "x", "full_name": "علي"},
        content_type="application/json",
        headers={"Accept-Language": "ar"},
    )
    assert refused.status_code == 400 and set(refused.json()["fields"]) >= {"mobile"}
    assert Complaint.objects.count() == 2
    tracked = client.get(
        f"/api/v1/track/complaint/{anonymous.json()['reference']}/",
        headers={"x-tracking-key": anonymous.json()["tracking_url"].rstrip("/").split("/")[-1]},
    )
    assert tracked.status_code == 200 and tracked.json()["status"] == "received"
