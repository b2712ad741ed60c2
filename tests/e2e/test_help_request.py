"""Browser test: file a help request in Arabic with an attachment, see the reference, track it."""

import time

import pytest

from django.core.management import call_command

from forms.models import HelpRequest
from tests.forms.helpers import saudi_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def fill(page, national_id):
    page.fill("#id_full_name", "فاطمة بنت علي الحربي")
    page.fill("#id_national_id", national_id)
    page.fill("#id_date_of_birth", "١٥/٣/١٤١٠")
    page.check("input[name=gender][value=female]")
    page.fill("#id_nationality", "سعودية")
    page.select_option("#id_marital_status", "widowed")
    page.fill("#id_family_size", "٥")
    page.fill("#id_dependants", "٤")
    page.fill("#id_monthly_income", "٢٥٠٠")
    page.fill("#id_city", "جدة")
    page.fill("#id_district", "الروضة")
    page.fill("#id_mobile", "٠٥٥١٢٣٤٥٦٧")
    page.check("input[name=support_type] >> nth=1")
    page.fill("#id_description", "أحتاج إلى مساعدة في دفع إيجار المسكن.")
    page.check("#id_consent_declaration")
    page.check("#id_consent_processing")
    page.check("#id_consent_contact")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_errors_then_a_filed_request_then_tracking(page, demo_site, screenshot, tmp_path, language):
    page.goto(f"{demo_site}/{language}/help-request/")
    fill(page, "1234567890")  # a wrong check digit
    time.sleep(3.2)  # the minimum fill time
    page.get_by_role(
        "button", name="أرسل الطلب" if language == "ar" else "Send the request"
    ).click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    expected = (
        "رقم الهوية أو الإقامة غير صحيح"
        if language == "ar"
        else "national ID or iqama number is not valid"
    )
    assert expected in summary.inner_text()
    assert page.locator("#id_full_name").input_value() == "فاطمة بنت علي الحربي"  # values are kept
    screenshot(f"help-request-errors-{language}")

    national_id = saudi_id(body="44455566" if language == "ar" else "77788899")
    page.fill("#id_national_id", national_id)
    document = tmp_path / "تقرير.pdf"
    document.write_bytes(PDF)
    page.set_input_files("#id_attachments", str(document))
    for name in ("consent_declaration", "consent_processing", "consent_contact"):
        page.check(f"#id_{name}")
    page.get_by_role(
        "button", name="أرسل الطلب" if language == "ar" else "Send the request"
    ).click()
    page.wait_for_url(f"**/{language}/help-request/received/**")
    request = HelpRequest.objects.get(national_id=national_id)
    assert request.reference in page.locator(".receipt__reference").inner_text()
    assert request.attachments.count() == 1 and request.language == language
    screenshot(f"help-request-receipt-{language}")

    page.locator("a.button[href*='/track/help/']").click()
    page.wait_for_url(f"**/{language}/track/help/{request.reference}/**")
    assert ("تم الاستلام" if language == "ar" else "Received") in page.locator("main").inner_text()
    screenshot(f"help-request-tracking-{language}")
