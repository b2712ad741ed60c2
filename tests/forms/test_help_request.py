"""Filing a help request through the public form: receipt, privacy, files, retries, tracking."""

import io
import re

import pytest
from PIL import Image

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from forms import sms
from forms.models import Attachment, Consent, HelpRequest, Notification, StatusEvent
from forms.notifications import notifications_retry_due
from tests.forms.helpers import (
    document_files,
    help_form_data,
    jpeg_with_exif,
    pdf,
    post_steps,
    saudi_id,
)

pytestmark = pytest.mark.django_db
URL = "/ar/help-request/"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def submit(client, language="ar", files=None, documents=True, **overrides):
    """File the form page by page; the receipts queued after the commit are run as the commit
    would. The required documents are attached unless `documents` is False."""
    data = help_form_data(**overrides)
    uploads = document_files() if documents else {}
    if files is not None:
        uploads["attachments"] = files
    with TestCase.captureOnCommitCallbacks(execute=True):
        return post_steps(client, f"/{language}/help-request/", data, uploads)


def main_text(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_form_shows_the_privacy_notice_and_documents_first(client, home):
    html = client.get(URL).content.decode()
    assert html.index("خصوصيتك") < html.index('class="public-form"')
    assert "صورة من الحساب البنكي (الآيبان)" in html  # required documents of the financial type
    assert "الخطوة 1 من 6" in html
    about_you = post_steps(client, URL, help_form_data(), stop_at=1)
    html = client.get(about_you["Location"]).content.decode()
    assert 'autocomplete="name"' in html and 'inputmode="numeric"' in html
    assert "الخطوة 2 من 6" in html


def test_a_valid_request_is_filed_with_a_reference_and_a_receipt(client, home):
    response = submit(client, files=[pdf()], email="fatima@example.org")
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert re.fullmatch(r"HR-\d{4}-000001", request.reference)
    assert request.mobile == "+966551234567"
    assert (
        request.status == "received" and request.channel == "website" and request.language == "ar"
    )
    assert (request.response_due - timezone.localtime(request.submitted_at).date()).days == 14
    receipt = client.get(response["Location"]).content.decode()
    assert request.reference in receipt and "لجنة البحث" in receipt
    assert "هـ" in receipt  # the Hijri date is shown too
    assert len(sms.outbox) == 1 and request.reference in sms.outbox[0]["message"]
    assert sms.outbox[0]["to"] == "+966551234567"
    assert len(mail.outbox) == 1 and request.reference in mail.outbox[0].subject
    assert StatusEvent.objects.of(request).filter(to_status="received", public=True).exists()


def test_declaration_and_consents_are_stored_with_text_version_and_language(client, home):
    submit(client, language="en", consent_future_programmes="on")
    consents = {c.purpose: c for c in Consent.objects.all()}
    assert set(consents) == {"declaration", "processing", "contact", "future_programmes"}
    assert all(c.given for c in consents.values())
    assert consents["declaration"].language == "en"
    assert consents["declaration"].text_version
    assert "directly responsible" in consents["declaration"].text


def test_missing_declaration_is_an_error_and_nothing_is_stored(client, home):
    data = help_form_data()
    del data["consent_declaration"]
    response = post_steps(client, URL, data, document_files())
    assert response.status_code == 400
    assert response.context["last_step"]
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "arabic", "english", "kept"),
    [
        (
            "national_id",
            "1234567890",
            "رقم الهوية أو الإقامة غير صحيح",
            "is not valid",
            'value="فاطمة بنت علي الحربي"',
        ),
        (
            "mobile",
            "0112345678",
            "أدخل رقم جوال صحيحًا",
            "Enter a valid mobile number",
            'value="الروضة"',
        ),
        (
            "date_of_birth",
            "31/2/1990",
            "أدخل التاريخ بصيغة يوم/شهر/سنة",
            "Enter a date as day/month/year",
            'value="فاطمة بنت علي الحربي"',
        ),
    ],
)
def test_invalid_input_gets_a_field_error_in_both_languages_and_stores_nothing(
    client, home, field, value, arabic, english, kept
):
    for language, message in (("ar", arabic), ("en", english)):
        client.cookies.clear()
        response = submit(client, language=language, **{field: value})
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert f'href="#id_{field}"' in html  # the error summary links to the field
        assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html
        assert f'id="id_{field}_error"' in html and f'id="id_{field}_helptext"' in html
        assert 'aria-invalid="true"' in html
        assert kept in html  # the other values on the page are kept
        title = html[html.index("<title>") : html.index("</title>")]
        assert title.startswith("<title>خطأ:" if language == "ar" else "<title>Error:")
        assert html.index('class="error-summary"') < html.index("<h1")
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
        ),  # .exe named .pdf
        SimpleUploadedFile("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        SimpleUploadedFile(
            "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ),
        pdf("huge.pdf", size=6 * 1024 * 1024),
    ],
    ids=["exe-renamed-pdf", "html", "svg", "oversized"],
)
def test_dangerous_or_oversized_files_are_refused(client, home, upload):
    response = submit(client, files=[upload])
    assert response.status_code == 400
    assert "ليس بصيغة PDF" in response.content.decode() or "أكبر من" in response.content.decode()
    assert (
        "ملفات المرفقة" in response.content.decode()
    )  # the page says files must be attached again
    assert not HelpRequest.objects.exists() and not Attachment.objects.exists()


def test_too_many_files_are_refused(client, home):
    response = submit(client, files=[pdf(f"{i}.pdf") for i in range(6)])
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


def test_files_are_renamed_kept_private_and_images_lose_their_metadata(client, home, settings):
    submit(client, files=[jpeg_with_exif(), pdf("كشف حساب.pdf")])
    photo, statement = Attachment.objects.filter(document="").order_by("pk")
    assert photo.original_name == "photo.jpg" and photo.content_type == "image/jpeg"
    assert "photo" not in photo.file.name and statement.file.name.endswith(".pdf")
    assert str(settings.PRIVATE_MEDIA_ROOT) in photo.file.path
    with photo.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert not stored.getexif()
    # Nothing under media/private has a public URL.
    assert client.get(f"/media/{photo.file.name}").status_code == 404
    assert client.get(f"/media/private/{photo.file.name}").status_code == 404


def test_a_double_click_files_one_request(client, home):
    first = submit(client, submission_token="same-token")
    second = submit(client, submission_token="same-token")
    assert HelpRequest.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert len(sms.outbox) == 1


def test_honeypot_and_instant_submissions_store_nothing(client, home):
    import time

    from django.core import signing

    from forms.public.forms import STARTED_SALT

    assert submit(client, website="http://spam.example").status_code == 200
    too_fast = signing.dumps(time.time(), salt=STARTED_SALT)
    assert submit(client, started=too_fast).status_code == 400
    assert not HelpRequest.objects.exists()


def test_submissions_are_rate_limited_per_national_id(client, home):
    national_id = saudi_id(body="11122233")
    for attempt in range(3):
        assert (
            submit(client, national_id=national_id, submission_token=f"t{attempt}").status_code
            == 302
        )
    blocked = submit(client, national_id=national_id, submission_token="t4")
    assert blocked.status_code == 400
    assert HelpRequest.objects.count() == 3


def test_tracking_shows_status_and_reveals_nothing_without_the_key(client, home):
    receipt_url = submit(client)["Location"]
    request = HelpRequest.objects.get()
    track_url = f"/ar/track/help/{request.reference}/{request.tracking_key}/"
    page = client.get(track_url)
    assert page.status_code == 200
    assert "تم الاستلام" in page.content.decode()
    assert request.full_name not in page.content.decode()  # the status page shows no personal data
    wrong_key = client.get(f"/ar/track/help/{request.reference}/not-the-key/")
    missing = client.get(f"/ar/track/help/HR-2026-999999/{request.tracking_key}/")
    assert wrong_key.status_code == missing.status_code == 404
    assert main_text(wrong_key) == main_text(missing)
    assert receipt_url.startswith(f"/ar/help-request/received/{request.reference}/")


def test_one_applicant_cannot_open_another_applicants_request(client, home):
    submit(client, submission_token="a")
    submit(client, submission_token="b", national_id=saudi_id(body="22233344"))
    first, second = HelpRequest.objects.order_by("pk")
    assert client.get(f"/ar/track/help/{second.reference}/{first.tracking_key}/").status_code == 404


def test_tracking_is_rate_limited(client, home):
    for _ in range(30):
        client.get("/ar/track/help/HR-2026-000001/guess/")
    assert client.get("/ar/track/help/HR-2026-000001/guess/").status_code == 429


def test_failing_sms_and_mail_keep_the_request_and_retry(client, home, settings):
    settings.SMS_BACKEND = "tests.forms.test_help_request.BrokenSMS"
    settings.EMAIL_BACKEND = "tests.forms.test_help_request.BrokenMail"
    response = submit(client, email="fatima@example.org")
    assert response.status_code == 302
    assert HelpRequest.objects.count() == 1
    pending = Notification.objects.filter(status="pending")
    assert pending.count() == 2 and all(n.attempts == 1 for n in pending)
    assert all("fatima" not in n.last_error and "0551234567" not in n.last_error for n in pending)
    settings.SMS_BACKEND = "forms.sms.LocmemBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.update(next_attempt_at="2000-01-01T00:00:00Z")
    assert notifications_retry_due() == (2, 0)
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1


class BrokenSMS(sms.BaseBackend):
    def send(self, *, to, message):
        raise sms.SMSError("gateway down")


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")
