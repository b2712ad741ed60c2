"""A real headless Chromium (Debian's package, driven by Playwright) against a live server.

Locally, without Chromium, these tests skip with a reason; under CI (CI=true) a missing
browser is a failure. Screenshots go to var/screenshots/, which git ignores.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
# from the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "Chromium is not installed (Debian package: chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar-SA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def admin_sign_in(page, base: str, username: str, password: str) -> None:
    """The admin's sign-in as staff do it: the password, then the code of their authenticator
    app when their role needs one (the app is set up for them here beforehand)."""
    from django.contrib.auth import get_user_model

    from portal.core.roles import needs_second_factor
    from tests.accounts_helpers import app_device, fresh_code

    user = get_user_model().objects.get(username=username)
    device = app_device(user) if needs_second_factor(user) else None
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").click()
    if device is not None:
        page.wait_for_url("**/admin/two-factor/verify/**")
        page.fill("input[name=code]", fresh_code(device))
        page.locator("form button[type=submit]:not([data-sila-logout])").click()
    page.wait_for_url(f"{base}/admin/")


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA and everything below it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def new_page(browser):
    """Pages at a given size and language, each in its own context (cookies included)."""
    contexts = []

    def make(viewport=None, locale="ar-SA"):
        # axe-core is injected as an inline script, which the site's CSP rightly refuses; the
        # CSP itself is checked by tests/portal/test_headers.py.
        context = browser.new_context(viewport=viewport or PHONE, locale=locale, bypass_csp=True)
        contexts.append(context)
        opened = context.new_page()
        opened.set_default_timeout(20_000)
        return opened

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def axe():
    """Run axe-core (installed from npm, see package.json) on a page: its violations of WCAG 2.2
    AA, as "rule: target" strings."""
    if not AXE.exists():
        message = "axe-core is not installed: run `npm ci`"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    source = AXE.read_text(encoding="utf-8")

    def check(on_page) -> list[str]:
        if not on_page.evaluate("typeof window.axe !== 'undefined'"):
            on_page.add_script_tag(content=source)
        result = on_page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [
            f"{violation['id']}: {node['target']}"
            for violation in result["violations"]
            for node in violation["nodes"]
        ]

    return check


def page_width(on_page) -> int:
    """How wide the page really is (wider than the window: it scrolls sideways)."""
    return on_page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )


def shoot(on_page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    on_page.screenshot(path=str(path), full_page=True)
    return path
