"""The policies API: only approved, live content, in the language asked for."""

import datetime as dt

import pytest

from cms.models import PolicyPage
from tests.cms.conftest import approve, make_policy

pytestmark = pytest.mark.django_db


def test_list_shows_only_published_policies_with_their_current_version(
    client, catalogue, approved_policy
):
    make_policy(catalogue, slug="draft-only", title_ar="مسودة لم تعتمد")
    data = client.get("/api/v1/policies/?locale=en").json()
    assert [item["slug"] for item in data] == ["beneficiaries"]
    item = data[0]
    assert item["title"] == "Beneficiary Relationship Policy"
    assert item["current_version"]["number"] == 1
    assert item["current_version"]["meeting_date"] == "2024-05-21"
    assert item["current_version"]["meeting_date_hijri"] == "13/11/1445"
    assert item["category"] == {"code": "beneficiary-relations", "label": "Beneficiary relations"}
    assert item["content_language"] == "ar"  # no English text yet


def test_detail_has_sections_approval_members_and_versions(client, approved_policy):
    data = client.get("/api/v1/policies/beneficiaries/?locale=ar").json()
    assert [s["kind"] for s in data["sections"]] == ["preamble", "channels", "procedure"]
    assert data["sections"][1]["lines"] == ["1. المقابلة", "2. الاتصالات الهاتفية"]
    assert data["approval"]["meeting_number"] == "1/9"
    assert data["approval"]["term_label"] == "الدورة الثانية"
    assert [m["role"] for m in data["approval"]["members"]] == ["chair", "vice_chair", "secretary"]
    assert data["approval"]["members"][0]["role_label"] == "رئيس مجلس الإدارة"
    assert [v["number"] for v in data["versions"]] == [1]


def test_version_endpoint_returns_the_approved_revision(client, approved_policy, secretary, term):
    draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
    draft.body_ar = [{"type": "preamble", "value": {"heading": "", "paragraphs": ["نص جديد"]}}]
    approve(
        approved_policy,
        secretary,
        term,
        revision=draft.save_revision(),
        meeting_number="5",
        meeting_date=dt.date(2024, 6, 1),
    )
    old = client.get("/api/v1/policies/beneficiaries/versions/1/").json()
    new = client.get("/api/v1/policies/beneficiaries/versions/2/").json()
    assert old["is_current"] is False and new["is_current"] is True
    assert "تضع الجمعية" in old["sections"][0]["lines"][0]
    assert new["sections"][0]["lines"] == ["نص جديد"]
    assert old["html_url"].endswith("/ar/policies/beneficiaries/versions/1/")


def test_drafts_unknown_versions_and_bad_categories(client, catalogue, draft_policy):
    assert client.get("/api/v1/policies/beneficiaries/").status_code == 404
    assert client.get("/api/v1/policies/beneficiaries/versions/1/").json()["code"] == "not_found"
    bad = client.get("/api/v1/policies/?category=nope&locale=en")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert "category" in bad.json()["fields"]


def test_unpublished_changes_never_leak_into_the_api(client, approved_policy):
    draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
    draft.summary_ar = "مسودة سرية"
    draft.save_revision()
    assert "مسودة سرية" not in client.get("/api/v1/policies/beneficiaries/").content.decode()


def test_policy_endpoints_are_in_the_schema(client, home):
    paths = client.get("/api/schema/", headers={"accept": "application/json"}).json()["paths"]
    assert {
        "/api/v1/policies/",
        "/api/v1/policies/{slug}/",
        "/api/v1/policies/{slug}/versions/{number}/",
    } <= set(paths)


def test_arabic_slugs_round_trip_through_the_list_detail_versions_and_sitemap(
    client, catalogue, secretary, term
):
    """The importer and Wagtail make Arabic slugs from Arabic titles: every link the API hands
    out must open."""
    policy = make_policy(catalogue, slug="سياسة-تعارض-المصالح", title_ar="سياسة تعارض المصالح")
    approve(policy, secretary, term)
    listed = client.get("/api/v1/policies/?locale=ar").json()
    item = next(item for item in listed if item["slug"] == "سياسة-تعارض-المصالح")
    assert item["url"].isascii() and item["current_version"]["url"].isascii()
    detail = client.get(item["url"])
    assert detail.status_code == 200, detail.content
    assert detail.json()["title"] == "سياسة تعارض المصالح"
    version = client.get(item["current_version"]["url"])
    assert version.status_code == 200 and version.json()["number"] == 1
    assert client.get(item["html_url"]).status_code == 200
    sitemap = client.get("/sitemap.xml").content.decode()
    encoded = item["html_url"].split("/ar/", 1)[1]
    assert encoded in sitemap
