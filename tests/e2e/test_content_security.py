"""The Content-Security-Policy in a real browser: the public pages and the sign-in page work under
the strict policy, the Wagtail admin under its own, and no page reports a violation."""

import pytest

from django.core.management import call_command

from wagtail.models import Page

from tests.e2e.conftest import admin_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


@pytest.fixture
def watched(page):
    """The page, with every CSP violation (from the page's event or the console) collected."""
    console = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def violations() -> list[str]:
        return page.evaluate("window.__violations || []") + console

    page.violations = violations
    page.csp_console = console
    return page


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status < 400, (url, response.status)
    assert page.violations() == [], (url, page.violations())
    return response


def test_public_pages_work_under_the_strict_policy(watched, demo_site, screenshot):
    policy = Page.objects.filter(depth=3).exclude(slug="").first()
    urls = ["/ar/", "/en/", "/ar/faq/", "/ar/help-request/", "/en/volunteer/"]
    urls += ["/ar/search/?q=سياسة", f"/ar/{policy.slug}/", "/admin/login/"]
    for url in urls:
        response = visit(watched, demo_site + url)
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    # The watch sees what the policy blocks: a script written into the page does not run.
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )
    watched.wait_for_timeout(200)
    assert watched.evaluate("window.injected") is None
    assert any("script-src" in violation for violation in watched.violations())
    watched.csp_console.clear()
    for width in (390, 1366):
        watched.set_viewport_size({"width": width, "height": 900})
        for language in ("ar", "en"):
            visit(watched, f"{demo_site}/{language}/help-request/")
            screenshot(f"csp-help-request-{language}-{width}")
            visit(watched, f"{demo_site}/{language}/")
            screenshot(f"csp-home-{language}-{width}")


def test_the_admin_works_under_its_own_policy(watched, demo_site, settings, screenshot):
    page = watched
    visit(page, f"{demo_site}/admin/login/")
    admin_sign_in(page, demo_site, "admin", settings.DEMO_ADMIN_PASSWORD)
    assert page.violations() == []
    home = Page.objects.get(depth=2)
    for url in [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        "/admin/inbox/help-requests/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/reports/site-history/",
        "/admin/users/",
    ]:
        visit(page, demo_site + url)
    # The editor's scripts ran: the side panels and the page's fields are there.
    visit(page, f"{demo_site}/admin/pages/{home.pk}/edit/")
    assert page.locator("[data-side-panel-toggle]").count() > 0
    screenshot("csp-admin-edit-ar")
