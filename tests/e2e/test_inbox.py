"""Browser test of the inbox: an officer finds a request, asks for information, the applicant
answers on the tracking page, the committee accepts, the officer closes, the applicant rates,
and the dashboard shows it. Screenshots of the inbox and dashboard in Arabic."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from django.core.management import call_command
from django.test import TestCase

from forms.kinds.help import help_request_submit
from forms.models import HelpRequest, SatisfactionRating, SupportType
from tests.e2e.conftest import admin_sign_in
from tests.forms.helpers import saudi_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def login(page, base, username):
    page.context.clear_cookies()
    admin_sign_in(page, base, username, "sila-demo-admin")


def step(page, to_status, **fields):
    page.select_option("#id_to_status", to_status)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.click("form[data-inbox-transition] button[type=submit]")
    page.wait_for_load_state()


def test_a_request_worked_from_first_look_to_rating(browser, page, demo_site, screenshot):
    base = demo_site
    with TestCase.captureOnCommitCallbacks(execute=True):
        request, _ = help_request_submit(
            data={
                "support_type": SupportType.objects.get(slug="housing"),
                "full_name": "أمل عبدالله الجهني",
                "national_id": saudi_id(body="55544433"),
                "date_of_birth": dt.date(1988, 4, 2),
                "gender": "female",
                "nationality": "سعودية",
                "marital_status": "divorced",
                "family_size": 4,
                "dependants": 3,
                "monthly_income": 1800,
                "income_sources": "",
                "city": "جدة",
                "district": "السلامة",
                "mobile": "+966561234599",
                "email": "",
                "preferred_contact": "sms",
                "description": "انتهى عقد الإيجار وأحتاج إلى مساعدة في السكن.",
            },
            consents={"declaration": True, "processing": True, "contact": True},
        )

    # The officer finds it by the phone number as the applicant said it on the phone.
    login(page, base, "officer")
    page.goto(f"{base}/admin/inbox/help-requests/")
    page.fill("input[name=q]", "٠٥٦١٢٣٤٥٩٩")
    page.keyboard.press("Enter")
    # A locator, not a string of JavaScript: the admin's policy allows no eval.
    expect(page.locator("table.listing tbody tr")).to_have_count(1)
    assert request.reference in page.locator("table.listing tbody").inner_text()
    screenshot("inbox-list-ar")
    page.click(f"text={request.reference}")
    page.wait_for_selector("form[data-inbox-transition]")
    step(page, "under_review")
    step(page, "information_needed", message="نرجو إرفاق صورة من إشعار انتهاء عقد الإيجار.")
    assert HelpRequest.objects.get(pk=request.pk).status == "information_needed"
    screenshot("inbox-request-ar")

    # The applicant answers on the tracking page.
    applicant = browser.new_context(locale="ar-SA").new_page()
    applicant.goto(f"{base}/ar/track/help/{request.reference}/{request.tracking_key}/")
    assert "نرجو إرفاق صورة" in applicant.content()
    applicant.fill("#id_answer", "أرفقت الإشعار، وهو باسمي.")
    applicant.click("form.public-form button[type=submit]")
    applicant.wait_for_load_state()
    assert HelpRequest.objects.get(pk=request.pk).status == "under_review"

    # Back to the officer, who refers the file to the committee.
    page.reload()
    assert "أرفقت الإشعار" in page.content()
    step(page, "referred", note="الحالة مستحقة حسب الدراسة.")

    # The committee decides.
    login(page, base, "committee")
    page.goto(f"{base}/admin/inbox/help-requests/?status=referred")
    page.click(f"text={request.reference}")
    step(page, "accepted", meeting="الاجتماع ٤ لعام ١٤٤٨")
    assert HelpRequest.objects.get(pk=request.pk).status == "accepted"

    # The officer delivers and closes.
    login(page, base, "officer")
    page.goto(f"{base}/admin/inbox/help-requests/inspect/{request.pk}/")
    step(page, "delivered")
    step(page, "closed")
    assert HelpRequest.objects.get(pk=request.pk).status == "closed"

    # The applicant rates the service from the link on their tracking page.
    applicant.goto(f"{base}/ar/track/help/{request.reference}/{request.tracking_key}/")
    applicant.click("text=قيّم خدمتنا")
    applicant.check("input[name=score][value='5']")
    applicant.check("input[name=courteous][value=yes]")
    applicant.check("input[name=on_time][value=yes]")
    applicant.check("input[name=clear][value=yes]")
    applicant.click("form.public-form button[type=submit]")
    applicant.wait_for_selector("text=شكراً لك")
    assert SatisfactionRating.objects.of(request).get().score == 5
    applicant.context.close()

    page.goto(f"{base}/admin/")
    panel = page.locator(".inbox-panel")
    assert panel.count() == 1
    assert "بانتظار قرار اللجنة" in panel.inner_text()
    screenshot("inbox-dashboard-ar")
