"""Browser test on a phone (390 px): an anonymous suggestion and a named complaint are filed,
the complaints officer works and answers them in the inbox, and each sender reads the answer
by their secret link. Screenshots in Arabic (and the form in English, and on a desktop)."""

import time

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from forms import sms
from forms.models import Complaint
from tests.e2e.conftest import SCREENSHOTS, admin_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, locale="ar-SA", has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(30_000)  # time for a busy machine
    yield page
    context.close()


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    # Nothing of the page's own content sticks out sideways on a phone (the shared header is
    # the site's, not this page's).
    assert main_width(page) <= page.viewport_size["width"], name


def main_width(page) -> int:
    """How far the page's own visible content reaches sideways (the honeypot is off-screen on
    purpose)."""
    return page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".filter(e => !e.closest('.honeypot, .visually-hidden'))"
        ".map(e => e.getBoundingClientRect()).map(r => r.right - Math.min(0, r.left)))"
    )


def send(page):
    time.sleep(3.2)  # the minimum fill time
    page.locator("form.public-form button[value=next]").click()
    page.wait_for_load_state()


def next_step(page):
    page.locator("form.public-form button[value=next]").click()
    page.wait_for_load_state()


def login(page, base, username):
    page.context.clear_cookies()
    admin_sign_in(page, base, username, "sila-demo-admin")


def step(page, to_status, **fields):
    page.select_option("#id_to_status", to_status)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.click("form[data-inbox-transition] button[type=submit]")
    page.wait_for_load_state()


def test_anonymous_suggestion_and_named_complaint_on_a_phone(
    browser, phone, page, demo_site, screenshot
):
    base = demo_site
    page.set_default_timeout(30_000)
    sms.outbox.clear()

    # An anonymous suggestion: no name, no mobile; the receipt gives the reference and link.
    phone.goto(f"{base}/ar/")
    phone.locator("main a[href='/ar/complaint/']").first.click()
    phone.wait_for_url("**/ar/complaint/")
    shoot(phone, "complaint-form-phone-ar")
    # The form in short steps: what it is, the message, what it concerns, who, then send.
    phone.check("input[name=nature][value=suggestion]")
    phone.check("input[name=theme][value=access]")
    next_step(phone)
    phone.fill("#id_description", "نقترح تمديد ساعات الاستقبال إلى المساء للموظفات العاملات.")
    next_step(phone)
    next_step(phone)
    phone.check("#id_anonymous")
    next_step(phone)
    # Anonymous: no consent is asked on the last step.
    assert phone.locator("input[name^=consent_]").count() == 0
    send(phone)
    phone.wait_for_url("**/ar/complaint/received/**")
    suggestion = Complaint.objects.get(description__startswith="نقترح تمديد")
    assert suggestion.anonymous and suggestion.mobile == ""
    assert suggestion.reference in phone.locator(".receipt__reference").inner_text()
    assert suggestion.tracking_key in phone.locator(".receipt__link").inner_text()
    shoot(phone, "complaint-anonymous-receipt-phone-ar")
    anonymous_track = phone.url.replace("/complaint/received/", "/track/complaint/")

    # A named complaint with a mistake first: the error summary, values kept.
    phone.goto(f"{base}/ar/complaint/")
    phone.check("input[name=nature][value=complaint]")
    phone.check("input[name=theme][value=waiting]")
    next_step(phone)
    phone.fill("#id_description", "راجعت الفرع ثلاث مرات ولم أتلق ردًا على طلب السكن.")
    next_step(phone)
    next_step(phone)
    phone.fill("#id_full_name", "منيرة سعد الدوسري")
    phone.fill("#id_mobile", "٠٥٥١٢٣")
    next_step(phone)
    summary = phone.locator(".error-summary")
    assert summary.is_visible() and "جوال" in summary.inner_text()
    assert phone.locator("#id_full_name").input_value() == "منيرة سعد الدوسري"
    shoot(phone, "complaint-errors-phone-ar")
    phone.fill("#id_mobile", "٠٥٥١٢٣٤٥٦٧")
    next_step(phone)
    for name in ("declaration", "processing", "contact"):
        phone.check(f"#id_consent_{name}")
    send(phone)
    phone.wait_for_url("**/ar/complaint/received/**")
    complaint = Complaint.objects.get(nature="complaint", full_name="منيرة سعد الدوسري")
    assert complaint.mobile == "+966551234567"
    assert any(complaint.reference in message["message"] for message in sms.outbox)
    named_track = f"{base}/ar/track/complaint/{complaint.reference}/{complaint.tracking_key}/"

    # The complaints officer works both in the inbox: review, refer, answer.
    login(page, base, "complaints")
    page.goto(f"{base}/admin/inbox/complaints/")
    page.fill("input[name=q]", "الدوسري")
    page.keyboard.press("Enter")
    expect(page.locator("table.listing tbody tr")).to_have_count(1)  # no eval: the CSP forbids it
    screenshot("complaints-inbox-ar")
    page.click(f"text={complaint.reference}")
    page.wait_for_selector("form[data-inbox-transition]")
    step(page, "under_review")
    step(page, "referred", note="إلى مدير فرع الروضة.")
    answer = "اعتذرنا عن التأخير، وحُدِّد لك موعد مع الباحثة الاجتماعية يوم الأحد."
    step(page, "answered", message=answer)
    assert Complaint.objects.get(pk=complaint.pk).status == "answered"
    screenshot("complaint-worked-ar")
    page.goto(f"{base}/admin/inbox/complaints/inspect/{suggestion.pk}/")
    step(page, "under_review")
    thanks = "شكرًا لاقتراحك؛ سنمدد الاستقبال إلى السابعة مساءً ابتداءً من الشهر القادم."
    step(page, "resolved", message=thanks)
    step(page, "closed")
    assert Complaint.objects.get(pk=suggestion.pk).status == "closed"

    # Each sender reads the answer by their link; the anonymous one was sent nothing.
    phone.goto(named_track)
    assert answer in phone.content()
    shoot(phone, "complaint-tracked-phone-ar")
    phone.goto(anonymous_track)
    assert thanks in phone.content()
    shoot(phone, "suggestion-tracked-phone-ar")
    assert not any(message["to"] == "" for message in sms.outbox)

    # The annual report beside the service report, on a phone.
    phone.goto(f"{base}/ar/complaints-report/")
    assert phone.locator("table.catalogue").is_visible()
    shoot(phone, "complaints-report-phone-ar")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_form_and_the_report_on_a_phone_and_a_desktop(browser, demo_site, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", {"width": 1366, "height": 900})):
        context = browser.new_context(viewport=viewport, locale="ar-SA")
        page = context.new_page()
        for what, path in (("form", "complaint"), ("report", "complaints-report")):
            page.goto(f"{demo_site}/{language}/{path}/")
            html = page.locator("html")
            assert html.get_attribute("lang") == language
            assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            assert main_width(page) <= viewport["width"]
            page.screenshot(
                path=str(SCREENSHOTS / f"complaint-{what}-{name}-{language}.png"), full_page=True
            )
        context.close()
