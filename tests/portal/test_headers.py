"""Security headers of the public pages, the admin's sign-in page and the API, scored with the
rules of the MDN HTTP Observatory; `check --deploy` is clean with production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.test import Client

from tests.factories import UserFactory
from tests.search.test_site_search import faqs  # noqa: F401

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = [
    "/ar/",
    "/en/",
    "/ar/faq/",
    "/ar/help-request/",
    "/ar/search/?q=سياسة",
    "/admin/login/",
    "/admin/password_reset/",
]
API = ["/api/v1/faqs/", "/api/v1/association/", "/api/v2/pages/", "/api/schema/"]
TOOLS = ["/admin/", "/admin/pages/", "/admin/inbox/help-requests/", "/api/docs/"]
PRIVATE_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def observatory_score(response) -> int:
    """The MDN HTTP Observatory's score for one answer (its tests as published: a base of 100,
    penalties for what is missing or unsafe, bonuses only once nothing is failing)."""
    score, bonus = 100, 0
    csp = policy(response) if "Content-Security-Policy" in response else None
    if csp is None:
        score -= 25
    else:
        scripts = csp.get("script-src", csp.get("default-src", []))
        styles = csp.get("style-src", csp.get("default-src", []))
        if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
            score -= 20
        elif "'unsafe-inline'" in styles:
            score -= 0  # csp-implemented-with-unsafe-inline-in-style-src-only
        elif csp.get("default-src") == ["'none'"]:
            bonus += 10
        if csp.get("frame-ancestors") in (["'none'"], ["'self'"]):
            bonus += 5  # x-frame-options-implemented-via-csp
    if response.get("X-Content-Type-Options") != "nosniff":
        score -= 5
    if "X-Frame-Options" not in response and "frame-ancestors" not in (csp or {}):
        score -= 20
    referrer = response.get("Referrer-Policy")
    if referrer in PRIVATE_REFERRERS:
        bonus += 5
    elif referrer:
        score -= 5
    hsts = response.get("Strict-Transport-Security", "")
    if not hsts or "max-age=" not in hsts:
        score -= 20
    elif int(hsts.split("max-age=")[1].split(";")[0]) < 15768000:
        score -= 10
    for cookie in response.cookies.values():
        if not cookie["secure"]:
            score -= 20
        elif cookie.key == "sessionid" and not cookie["httponly"]:
            score -= 30
        elif cookie["samesite"]:
            bonus += 5
            break
    return score + (bonus if score >= 90 else 0)


class HttpsClient(Client):
    def get(self, path, *args, **kwargs):
        return super().get(path, *args, secure=True, **kwargs)


@pytest.fixture
def https(settings):
    """Production's transport settings, asked over HTTPS."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return HttpsClient()


def common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in PRIVATE_REFERRERS
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("url", PUBLIC + API)
def test_public_pages_and_the_api_have_a_strict_policy(https, faqs, url):  # noqa: F811
    response = https.get(url)
    assert response.status_code == 200, url
    common_headers(response)
    csp = policy(response)
    assert csp["default-src"] == ["'none'"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "https:", "data:"} & set(
        csp["script-src"] + csp["style-src"]
    )
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert observatory_score(response) >= 115


@pytest.mark.parametrize("url", TOOLS)
def test_the_admin_and_the_api_docs_have_their_own_policy(https, home, url):
    https.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = https.get(url)
    assert response.status_code == 200
    if url != "/api/docs/":  # Swagger UI opens its OAuth window itself (drf-spectacular)
        common_headers(response)
    csp = policy(response)
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert not any(source.startswith("'nonce-") for source in csp["script-src"])
    # What the Observatory would say: 'unsafe-inline' scripts cost 20 points (B).
    assert observatory_score(response) >= 80


def test_a_template_that_asks_for_a_nonce_gets_it_in_the_header(rf, home):
    from django.template import engines

    from portal.middleware import SecurityHeadersMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({"request": request}))

    request = rf.get("/ar/")
    response = SecurityHeadersMiddleware(view)(request)
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]
    assert len(nonce) >= 22


def test_a_page_without_inline_scripts_sends_no_nonce(https, home):
    assert "'nonce-" not in https.get("/ar/")["Content-Security-Policy"]


def test_public_images_and_documents_may_be_shown_elsewhere(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    response = client.get("/media/logo.png")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_check_deploy_with_production_settings_is_clean():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG"}
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"  # set by the browser tests for their own thread
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="production-secret-" + "k7Qz" * 12,
        ALLOWED_HOSTS="example.org",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_policy_without_a_nonce_is_built_once_and_a_nonce_page_gets_its_own(
    client, rf, home, monkeypatch
):
    import csp.middleware
    import csp.utils

    from django.http import HttpResponse
    from django.template import engines

    from portal import middleware

    built = []

    def counting(**kwargs):
        built.append(kwargs)
        return csp.utils.build_policy(**kwargs)

    # (django-csp's own middleware builds it with the name it imported)
    monkeypatch.setattr(csp.middleware, "build_policy", counting)
    monkeypatch.setattr(middleware, "build_policy", counting, raising=False)
    first = client.get("/api/v1/association/")
    built.clear()
    second = client.get("/api/v1/association/")
    assert built == []
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    # an answer that used the nonce: its policy is built for it, with its own nonce
    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')
    handler = middleware.SecurityHeadersMiddleware(
        lambda request: HttpResponse(template.render({"request": request}))
    )
    nonces = []
    for _ in range(2):
        response = handler(rf.get("/ar/"))
        nonce = response.content.decode().split('nonce="')[1].split('"')[0]
        assert f"'nonce-{nonce}'" in policy(response)["script-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert len([kwargs for kwargs in built if not kwargs.get("report_only")]) == 2
