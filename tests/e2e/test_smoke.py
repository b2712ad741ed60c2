"""Smoke test in a real browser: Arabic RTL, English LTR, the switcher keeps the page."""

import pytest

from django.core.management import call_command

from tests.e2e.conftest import admin_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_arabic_and_english_home_pages_and_the_switcher(page, demo_site, screenshot):
    page.goto(f"{demo_site}/")
    assert page.url == f"{demo_site}/ar/"  # an Arabic browser lands on Arabic
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    # Right to left for real: the brand sits at the right edge of the header.
    brand = page.locator(".site-brand").bounding_box()
    assert brand["x"] > 1280 / 2
    assert screenshot("home-ar").stat().st_size > 10_000

    page.get_by_role("link", name="عن الجمعية").first.click()
    page.wait_for_url(f"{demo_site}/ar/about/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{demo_site}/en/about/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "About the association"

    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_url(f"{demo_site}/ar/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "عن الجمعية"

    page.goto(f"{demo_site}/en/")
    brand = page.locator(".site-brand").bounding_box()
    assert brand["x"] < 1280 / 2
    assert screenshot("home-en").stat().st_size > 10_000


def test_skip_link_is_the_first_stop_and_visible_on_focus(page, demo_site):
    page.goto(f"{demo_site}/ar/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0  # moved on screen when focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_translated_404_in_the_browser(page, demo_site, screenshot):
    response = page.goto(f"{demo_site}/ar/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "الصفحة غير موجودة"
    screenshot("not-found-ar")


def test_arabic_admin_for_the_demo_administrator(page, demo_site, screenshot, settings):
    admin_sign_in(page, demo_site, "admin", settings.DEMO_ADMIN_PASSWORD)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    screenshot("admin-dashboard-ar")


def test_arabic_fields_are_right_to_left_in_an_english_admin(page, demo_site, screenshot, settings):
    from django.contrib.auth import get_user_model

    from wagtail.users.models import UserProfile

    from cms.models import ContentPage

    admin = get_user_model().objects.get(username="admin")
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"
    profile.save()
    about = ContentPage.objects.get(slug="about")

    admin_sign_in(page, demo_site, "admin", settings.DEMO_ADMIN_PASSWORD)
    page.goto(f"{demo_site}/admin/pages/{about.pk}/edit/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    direction = "el => getComputedStyle(el).direction"
    assert page.locator("input[name=title_ar]").evaluate(direction) == "rtl"
    assert page.locator("input[name=title_en]").evaluate(direction) == "ltr"
    assert page.locator("textarea[name=intro_ar]").evaluate(direction) == "rtl"
    screenshot("admin-page-editor-en")
