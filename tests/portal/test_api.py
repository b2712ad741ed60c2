"""The API home: Wagtail API v2, REST API v1, schema, docs, and one error shape."""

import pytest

pytestmark = pytest.mark.django_db


def test_association_answers_in_the_language_asked_by_locale(client, profile):
    english = client.get("/api/v1/association/?locale=en").json()
    arabic = client.get("/api/v1/association/?locale=ar").json()
    assert english["name"] == "Test Charity Association"
    assert english["language"] == "en"
    assert arabic["name"] == "جمعية الاختبار الخيرية"
    assert arabic["licence_number"] == "722"


def test_association_falls_back_to_accept_language(client, profile):
    response = client.get("/api/v1/association/", headers={"accept-language": "en"})
    assert response.json()["name"] == "Test Charity Association"
    assert response["Content-Language"] == "en"


def test_locale_parameter_wins_over_accept_language(client, profile):
    response = client.get("/api/v1/association/?locale=ar", headers={"accept-language": "en"})
    assert response.json()["language"] == "ar"
    assert response["Content-Language"] == "ar"


def test_unknown_locale_is_ignored_not_an_error(client, profile):
    response = client.get("/api/v1/association/?locale=xx")
    assert response.status_code == 200
    assert response.json()["language"] == "ar"


def test_wagtail_pages_api_answers_in_the_requested_language(client, about_page):
    english = client.get("/api/v2/pages/?type=cms.ContentPage&fields=intro&locale=en").json()
    arabic = client.get("/api/v2/pages/?type=cms.ContentPage&fields=intro&locale=ar").json()
    assert [item["title"] for item in english["items"]] == ["About us"]
    assert english["items"][0]["intro"] == "About the association"
    assert [item["title"] for item in arabic["items"]] == ["عن الجمعية"]


def test_wagtail_pages_api_uses_accept_language_without_locale(client, about_page):
    response = client.get(f"/api/v2/pages/{about_page.pk}/", headers={"accept-language": "en"})
    assert response.json()["title"] == "About us"
    assert response.json()["meta"]["html_url"].endswith("/en/about/")


def test_wagtail_pages_api_lists_only_live_pages(client, about_page):
    about_page.unpublish()
    response = client.get("/api/v2/pages/?type=cms.ContentPage")
    assert response.json()["meta"]["total_count"] == 0


def test_unknown_api_url_is_json_with_a_stable_code(client, home):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": "لم يُعثر على المورد المطلوب."}


def test_api_errors_are_translated(client, home):
    response = client.get("/api/v1/no-such-thing/?locale=en")
    assert response.json()["message"] == "The requested resource was not found."


def test_wagtail_api_errors_use_the_same_shape(client, home):
    missing = client.get("/api/v2/pages/999999/?locale=en")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    bad = client.get("/api/v2/pages/?no_such_parameter=1")
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_request"
    assert "no_such_parameter" in bad.json()["message"]


def test_method_not_allowed_has_the_error_shape(client, home):
    response = client.post("/api/v1/association/?locale=en")
    assert response.status_code in {403, 405}
    assert set(response.json()) >= {"code", "message"}


def test_openapi_schema_documents_the_project_api(client, home):
    response = client.get("/api/schema/", headers={"accept": "application/json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/association/" in schema["paths"]
    assert not [path for path in schema["paths"] if path.startswith("/api/v2/")]


def test_api_docs_page_is_served_from_installed_static_files(client, home):
    response = client.get("/api/docs/try/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_api_root_lists_the_resources(client, home):
    data = client.get("/api/v1/").json()
    assert data["association"].endswith("/api/v1/association/")
    assert data["schema"].endswith("/api/schema/")


def test_the_api_reference_is_a_plain_page_in_the_requested_language(client, home):
    html = client.get("/api/docs/?locale=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "/api/v1/association/" in html and "/api/docs/try/" in html
    assert "<h1>" in html and "swagger-ui-bundle" not in html
    english = client.get("/api/docs/?locale=en").content.decode()
    assert '<html lang="en" dir="ltr">' in english and "API reference" in english
