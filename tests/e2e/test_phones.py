"""Phones first: every public page type at 390 px and 1366 px, in Arabic and English, fits the
window and passes axe-core (WCAG 2.2 AA); and the public journeys work on a phone: filing with
an error then fixing it, saving then resuming in another browser, finding a request with the
code sent by SMS, and volunteering after reading the charter."""

import re
import time

import pytest

from django.core.management import call_command

from forms import sms
from forms.public.forms import MIN_FILL_SECONDS
from tests.e2e.conftest import DESKTOP, PHONE, page_width, shoot
from tests.forms.helpers import saudi_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sms.outbox.clear()
    return live_server.url


def _wait_past_minimum_fill(opened: float) -> None:
    """A person takes longer than the form's minimum fill time; a fast browser may not."""
    time.sleep(max(0.0, MIN_FILL_SECONDS + 0.5 - (time.monotonic() - opened)))


def _public_pages(language: str) -> dict[str, str]:
    from cms.models import PolicyPage

    policy = PolicyPage.objects.live().first()
    return {
        "home": f"/{language}/",
        "content": f"/{language}/about/",
        "policies": f"/{language}/policies/",
        "policy": policy.get_url().replace("/ar/", f"/{language}/", 1),
        "faq": f"/{language}/faq/",
        "search": f"/{language}/search/?q=" + ("مساعدة" if language == "ar" else "help"),
        "help-form": f"/{language}/help-request/",
        "volunteer-form": f"/{language}/volunteer/",
        "track-lookup": f"/{language}/track/",
        "service-report": f"/{language}/service-report/",
        "not-found": f"/{language}/no-such-page/",
        "api-docs": "/api/docs/",
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_public_page_type_fits_and_passes_axe(new_page, axe, demo_site, language, viewport):
    page = new_page(viewport, locale="ar-SA" if language == "ar" else "en-US")
    found = {}
    for name, path in _public_pages(language).items():
        if name == "api-docs":
            page.goto(f"{demo_site}{path}?locale={language}")
        else:
            page.goto(f"{demo_site}{path}")
        width = page_width(page)
        violations = axe(page)
        if width > viewport["width"] or violations:
            found[name] = {"width": width, "violations": violations}
        shoot(page, f"phones-{name}-{language}-{viewport['width']}")
    # the help form with errors: the first step sent empty
    page.goto(f"{demo_site}/{language}/help-request/")
    page.locator("button[value=next]").click()
    page.wait_for_selector(".error-summary")
    errors = {"width": page_width(page), "violations": axe(page)}
    if errors["width"] > viewport["width"] or errors["violations"]:
        found["help-form-errors"] = errors
    shoot(page, f"phones-help-form-errors-{language}-{viewport['width']}")
    assert found == {}


def _fill_about_you(page, national_id):
    page.fill("#id_full_name", "فاطمة بنت علي الحربي")
    page.fill("#id_national_id", national_id)
    page.fill("#id_date_of_birth", "١٥/٣/١٤١٠")
    page.check("input[name=gender][value=female]")
    page.fill("#id_nationality", "سعودية")
    page.check("input[name=marital_status][value=widowed]")


def _next(page):
    page.locator("button[value=next]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_file_on_a_phone_with_an_error_then_fix_it(new_page, demo_site, language):
    from forms.models import HelpRequest

    page = new_page(PHONE, locale="ar-SA" if language == "ar" else "en-US")
    page.goto(f"{demo_site}/{language}/help-request/")
    opened = time.monotonic()
    assert page_width(page) <= PHONE["width"]
    # "Request support" is above the fold on a phone
    assert page.locator(".site-header").bounding_box()["height"] < 200
    page.locator("input[name=support_type]").nth(1).check()
    _next(page)
    _fill_about_you(page, "1234567890")  # a wrong check digit
    _next(page)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("خطأ:" if language == "ar" else "Error:")
    assert page.locator("#id_national_id").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_full_name").input_value() == "فاطمة بنت علي الحربي"
    shoot(page, f"journey-file-error-{language}-390")
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_national_id"
    national_id = saudi_id(body="55566677" if language == "ar" else "66677788")
    page.fill("#id_national_id", national_id)
    _next(page)
    page.fill("#id_family_size", "٥")
    page.fill("#id_dependants", "٤")
    page.fill("#id_monthly_income", "٢٥٠٠")
    _next(page)
    page.fill("#id_city", "جدة")
    page.fill("#id_district", "الروضة")
    page.fill("#id_mobile", "٠٥٥١٢٣٤٥٦٧")
    page.check("input[name=preferred_contact][value=sms]")
    _next(page)
    page.fill("#id_description", "أحتاج إلى مساعدة في دفع إيجار المسكن.")
    _next(page)
    assert "6" in page.locator(".steps-progress").inner_text()
    page.set_input_files(
        "#id_document_0", files=[{"name": "id.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.check("#id_documents_later")
    for name in ("consent_declaration", "consent_processing", "consent_contact"):
        page.check(f"#id_{name}")
    shoot(page, f"journey-file-last-step-{language}-390")
    _wait_past_minimum_fill(opened)
    _next(page)
    page.wait_for_url(f"**/{language}/help-request/received/**")
    request = HelpRequest.objects.get(national_id=national_id)
    assert request.status == "information_needed"
    assert page_width(page) <= PHONE["width"]
    shoot(page, f"journey-file-receipt-{language}-390")
    page.locator("a.button[href*='/track/help/']").click()
    page.wait_for_url(f"**/track/help/{request.reference}/**")
    assert page.locator(".stages [aria-current=step]").count() == 1
    shoot(page, f"journey-tracking-{language}-390")


def test_save_on_one_phone_and_resume_on_another(new_page, demo_site):
    first = new_page(PHONE)
    first.goto(f"{demo_site}/ar/help-request/")
    first.locator("input[name=support_type]").first.check()
    _next(first)
    _fill_about_you(first, saudi_id(body="77788899"))
    first.wait_for_timeout(1500)  # saved as typed, before any button
    first.fill("#id_resume_mobile", "0551234567")
    first.locator("button[value=resume_link]").click()
    first.wait_for_load_state()
    assert "أرسلنا الرابط" in first.locator("main").inner_text()
    link = re.search(r"https?://\S+", sms.outbox[-1]["message"])[0]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    second = new_page(PHONE)
    second.goto(f"{demo_site}{path}")
    second.wait_for_url("**/ar/help-request/?step=2")
    assert second.locator("#id_full_name").input_value() == "فاطمة بنت علي الحربي"
    assert second.locator("input[name=marital_status][value=widowed]").is_checked()
    shoot(second, "journey-resume-ar-390")


def test_find_a_request_with_the_code_sent_by_sms(new_page, demo_site):
    from forms.models import HelpRequest

    request = HelpRequest.objects.exclude(mobile="").order_by("pk").first()
    page = new_page(PHONE)
    page.goto(f"{demo_site}/ar/")
    page.locator(".header-button--menu").click()
    page.get_by_role("link", name="متابعة طلب").first.click()
    page.wait_for_url("**/ar/track/")
    page.fill("#id_reference", request.reference)
    page.fill("#id_mobile", request.mobile)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/ar/track/code/")
    assert request.mobile not in page.url
    shoot(page, "journey-track-code-ar-390")
    code = re.search(r"\d{6}", sms.outbox[-1]["message"])[0]
    page.fill("#id_code", code)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**/ar/track/{request.kind.slug}/{request.reference}/**")
    assert request.reference in page.locator("main").inner_text()
    assert page_width(page) <= PHONE["width"]


def test_volunteer_on_a_phone_after_reading_the_charter(new_page, demo_site):
    from forms.models import VolunteerApplication

    page = new_page(PHONE)
    page.goto(f"{demo_site}/ar/")
    page.locator(".header-button--menu").click()
    page.locator("#site-nav").get_by_role("link", name="تطوّع معنا").click()
    page.wait_for_url("**/ar/volunteer/")
    form_opened = time.monotonic()
    page.fill("#id_full_name", "خالد الزهراني")
    page.fill("#id_national_id", saudi_id("2", "55566677"))
    page.fill("#id_date_of_birth", "١/١/١٤١٥")
    page.check("input[name=gender][value=male]")
    page.fill("#id_city", "جدة")
    page.fill("#id_mobile", "0551234567")
    page.fill("#id_email", "khalid@example.org")
    _next(page)
    page.fill("#id_education", "بكالوريوس")
    page.check("input[name=interests][value=education]")
    page.check("input[name=skills][value=other]")
    _next(page)  # "other" without words: an error that says what to do
    assert "صف الاختيار الآخر" in page.locator(".error-summary").inner_text()
    page.fill("#id_skills_other", "الخط العربي")
    _next(page)
    page.check("input[name=availability][value=weekends]")
    page.fill("#id_hours_per_week", "٦")
    _next(page)
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile("ميثاق التطوع")).click()
    charter = opened.value
    charter.wait_for_load_state()
    assert "التزامات المتطوع" in charter.locator("main").inner_text()
    assert page_width(charter) <= PHONE["width"]
    shoot(charter, "journey-charter-ar-390")
    charter.close()
    for name in ("consent_declaration", "consent_processing", "consent_charter"):
        page.check(f"#id_{name}")
    shoot(page, "journey-volunteer-last-step-ar-390")
    _wait_past_minimum_fill(form_opened)
    _next(page)
    page.wait_for_url("**/ar/track/volunteer/**")
    application = VolunteerApplication.objects.get(full_name="خالد الزهراني")
    assert application.charter_accepted and application.skills == "other"
    assert application.interests == "education" and application.skills_other == "الخط العربي"
    shoot(page, "journey-volunteer-tracking-ar-390")
