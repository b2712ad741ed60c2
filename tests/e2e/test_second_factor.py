"""Browser test of two-step verification: an officer signs in for the first time, scans the
code (here: types the key shown, as an app would read it), keeps the backup codes, reaches the
inbox; the next sign-in asks for a code. On a phone in Arabic and on a desktop in English."""

import base64

import pytest
from django_otp.oath import TOTP

from wagtail.users.models import UserProfile

from tests.accounts.conftest import PASSWORD
from tests.inbox.conftest import member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def app_code(key_text: str, ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in (groups of four, base 32)."""
    key = key_text.replace(" ", "")
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key))
    totp.drift = ahead
    return f"{totp.token():06d}"


@pytest.mark.parametrize(
    "language,width", [("ar", 390), ("en", 1366)], ids=["phone-ar", "desktop-en"]
)
def test_first_sign_in_sets_up_the_app_and_the_next_asks_for_a_code(
    browser, live_server, language, width
):
    from tests.e2e.conftest import SCREENSHOTS

    officer = member("officer")
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = language
    profile.save()
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="ar-SA" if language == "ar" else "en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{width}.png"), full_page=True)

    base = live_server.url
    page.goto(f"{base}/admin/inbox/help-requests/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/two-factor/setup/**")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator(".qr svg").is_visible()
    # Nothing overflows a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot("second-factor-setup")

    key = page.locator("#sila-key").inner_text()
    page.fill("input[name=code]", app_code(key))
    page.locator("form button[type=submit]:not([data-sila-logout])").click()
    codes = page.locator("[data-sila-backup-codes] li")
    codes.first.wait_for()
    assert codes.count() == 10
    shot("second-factor-backup-codes")
    page.locator("main a.button").click()
    page.wait_for_url("**/admin/inbox/help-requests/")

    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.fill("input[name=code]", "000000" if app_code(key) != "000000" else "111111")
    page.locator("form button[type=submit]:not([data-sila-logout])").click()
    page.locator(".error-message, .w-field__errors").first.wait_for()
    shot("second-factor-verify-error")
    # After a wrong code django-otp waits a second before it checks another (throttling).
    page.wait_for_timeout(2_000)
    page.fill("input[name=code]", app_code(key, ahead=1))
    page.locator("form button[type=submit]:not([data-sila-logout])").click()
    page.wait_for_url(f"{base}/admin/")
    context.close()
