"""Browser test of a message that did not arrive: the SMS gateway (a real one on the loopback
interface) refuses the receipt past the last retry; the officer sees the request flagged in
the inbox and the failed message with its reason on the timeline, and sends it again once the
gateway is back. Screenshots at 390 and 1366 px, in Arabic and English."""

import datetime as dt

import pytest

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from wagtail.users.models import UserProfile

from forms.kinds.help import help_request_submit
from forms.models import Notification, SupportType
from forms.notifications import notifications_retry_due
from tests.e2e.conftest import admin_sign_in
from tests.forms.helpers import saudi_id
from tests.loopback import Gateway

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


@pytest.fixture
def gateway(settings):
    server = Gateway(failures=10_000)
    settings.SMS_BACKEND = "forms.sms.HTTPGatewayBackend"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = server.url, "secret"
    yield server
    server.close()


def login(page, base, username):
    page.context.clear_cookies()
    admin_sign_in(page, base, username, "sila-demo-admin")  # with the role's second factor


def shots(page, screenshot, name, focus=None):
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if focus is not None:
            focus.scroll_into_view_if_needed()
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_officer_sees_a_failed_message_and_sends_it_again(page, demo_site, gateway, screenshot):
    base = demo_site
    with TestCase.captureOnCommitCallbacks(execute=True):
        request, _ = help_request_submit(
            data={
                "support_type": SupportType.objects.get(slug="housing"),
                "full_name": "نورة سالم العتيبي",
                "national_id": saudi_id(body="66655544"),
                "date_of_birth": dt.date(1985, 9, 12),
                "gender": "female",
                "nationality": "سعودية",
                "marital_status": "widowed",
                "family_size": 3,
                "dependants": 2,
                "monthly_income": 1500,
                "income_sources": "",
                "city": "مكة المكرمة",
                "district": "العزيزية",
                "mobile": "+966571234588",
                "email": "",
                "preferred_contact": "sms",
                "description": "أحتاج إلى مساعدة في سداد الإيجار.",
            },
            consents={"declaration": True, "processing": True, "contact": True},
        )
    # The worker's sweep tries on the back-off until the last retry.
    for hours in (1, 2, 4, 8, 16):
        notifications_retry_due(now=timezone.now() + dt.timedelta(hours=hours))
    (failed,) = Notification.objects.of(request)
    assert failed.status == "failed" and "503" in failed.last_error
    gateway.failures = len(gateway.received)  # the gateway is back

    login(page, base, "officer")
    page.goto(f"{base}/admin/inbox/help-requests/")
    row = page.locator("table.listing tbody tr", has_text=request.reference)
    assert row.locator("[data-message-failed]").count() == 1
    assert "تعذّر إرسال رسالة" in row.inner_text()
    shots(page, screenshot, "messages-inbox-flag-ar")

    page.goto(f"{base}/admin/inbox/help-requests/inspect/{request.pk}/")
    message = page.locator(f"[data-message='{failed.pk}']")
    assert message.get_attribute("data-message-status") == "failed"
    text = message.inner_text()
    assert "تعذّر الإرسال بعد 6 محاولات" in text
    assert "503" in text and request.reference in text
    shots(page, screenshot, "messages-timeline-failed-ar", message)

    message.get_by_role("button", name="إعادة الإرسال").click()
    page.wait_for_selector("text=يجري إرسال الرسالة مرة أخرى.")
    copy = Notification.objects.of(request).exclude(pk=failed.pk).get()
    assert (copy.status, copy.copy_of_id, copy.resent_by.username) == ("sent", failed.pk, "officer")
    assert request.reference in gateway.received[-1]["message"]
    resent = page.locator(f"[data-message='{copy.pk}']")
    assert resent.get_attribute("data-message-status") == "sent"
    assert "أُعيد إرسال الرسالة" in resent.inner_text()
    shots(page, screenshot, "messages-timeline-resent-ar", resent)
    page.goto(f"{base}/admin/inbox/help-requests/")
    row = page.locator("table.listing tbody tr", has_text=request.reference)
    assert row.locator("[data-message-failed]").count() == 0

    # The same page in English.
    profile = UserProfile.get_for_user(copy.resent_by)
    profile.preferred_language = "en"
    profile.save()
    page.goto(f"{base}/admin/inbox/help-requests/inspect/{request.pk}/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    failed_item = page.locator(f"[data-message='{failed.pk}']")
    assert "Failed after 6 attempts" in failed_item.inner_text()
    assert "Message sent again" in page.locator(f"[data-message='{copy.pk}']").inner_text()
    shots(page, screenshot, "messages-timeline-en", failed_item)
