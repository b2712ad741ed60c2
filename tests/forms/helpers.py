"""Builders for intake tests: valid Saudi IDs, form data, files of every kind."""

import io
import time

from PIL import Image

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from forms.public.forms import STARTED_SALT


def saudi_id(prefix: str = "1", body: str = "09876543") -> str:
    """A 10-digit ID with a correct check digit (Luhn over the first nine digits)."""
    first_nine = (prefix + body)[:9]
    for check in range(10):
        digits = first_nine + str(check)
        total = 0
        for index, char in enumerate(digits):
            number = int(char) * (2 if index % 2 == 0 else 1)
            total += number // 10 + number % 10
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def started_long_ago() -> str:
    return signing.dumps(time.time() - 60, salt=STARTED_SALT)


def help_form_data(**overrides) -> dict:
    from forms.models import SupportType

    data = {
        "support_type": overrides.get("support_type")
        or SupportType.objects.get(slug="financial").pk,
        "full_name": "فاطمة بنت علي الحربي",
        "national_id": saudi_id(),
        "date_of_birth": "15/3/1990",
        "gender": "female",
        "nationality": "سعودية",
        "marital_status": "widowed",
        "family_size": "5",
        "dependants": "4",
        "monthly_income": "2500",
        "income_sources": "ضمان اجتماعي",
        "city": "جدة",
        "district": "الروضة",
        "mobile": "0551234567",
        "email": "",
        "preferred_contact": "sms",
        "description": "أحتاج إلى مساعدة في دفع إيجار المسكن.",
        "consent_declaration": "on",
        "consent_processing": "on",
        "consent_contact": "on",
        "started": started_long_ago(),
        "submission_token": "token-1",
        "website": "",
    }
    data.update(overrides)
    return data


def pdf(name="report.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size:
        body += b"0" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def jpeg_with_exif(name="photo.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x013B] = "Applicant Name"  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def post_steps(client, url: str, data: dict, files: dict | None = None, *, stop_at=None):
    """File a stepped public form as a browser would: page after page (each page takes its own
    answers from `data`), the files on the last page. Returns the first answer that is not a
    move to the next page: the filed redirect, or a page with errors."""
    response = client.get(url)
    assert response.status_code == 200
    number = 1
    while True:
        last = response.context["last_step"] if response.context else False
        post = {**data, "step": number, "action": "next"}
        if last and files:
            post.update(files)
        response = client.post(url, post)
        if stop_at == number:
            return response
        location = response.get("Location", "") if response.status_code == 302 else ""
        if not location.endswith(f"?step={number + 1}"):
            return response
        number += 1
        response = client.get(location)


def document_files(support_type_slug: str = "financial") -> dict:
    """A PDF for each document the type of support needs, as the last page asks for them."""
    from forms.models import SupportType

    documents = SupportType.objects.get(slug=support_type_slug).document_list()
    return {f"document_{index}": pdf(f"document-{index}.pdf") for index in range(len(documents))}
