"""What the public sees of a policy: the current version, its approval, history, differences."""

import datetime as dt
import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import PolicyPage
from cms.services import policy_withdraw
from portal.core.dates import HijriDate
from tests.cms.conftest import BODY, approve, make_policy

pytestmark = pytest.mark.django_db

URL = "/ar/policies/beneficiaries/"


def new_version(policy, secretary, term, *, change, meeting, body=None, day=dt.date(2024, 5, 21)):
    draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    if body is not None:
        draft.body_ar = body
    draft.summary_ar = change
    revision = draft.save_revision()
    return approve(
        policy,
        secretary,
        term,
        revision=revision,
        meeting_number=meeting,
        meeting_date=day,
        change_note_ar=change,
    )


@pytest.mark.parametrize(
    ("gregorian", "hijri"),
    [
        (dt.date(2024, 5, 21), "13/11/1445"),
        (dt.date(2022, 1, 6), "3/6/1443"),
        (dt.date(2024, 3, 11), "1/9/1445"),
    ],
)
def test_hijri_dates_follow_umm_al_qura(gregorian, hijri):
    assert HijriDate.from_gregorian(gregorian).numeric() == hijri
    assert HijriDate(*map(int, reversed(hijri.split("/")))).to_gregorian() == gregorian


def test_policy_page_shows_the_approval_line_in_both_calendars(client, approved_policy):
    arabic = client.get(URL).content.decode()
    english = client.get("/en/policies/beneficiaries/").content.decode()
    assert "الإصدار 1" in arabic and "21/5/2024" in arabic and "13/11/1445 هـ" in arabic
    assert "الدورة الثانية" in arabic
    assert (
        "Version 1 — approved by the board in meeting 1/9 (Term 2) on 21/5/2024 corresponding to 13/11/1445 AH"
        in english
    )


def test_policy_page_lists_members_and_roles(client, approved_policy):
    page = client.get(URL).content.decode()
    assert "عبدالله القحطاني" in page and "رئيس مجلس الإدارة" in page
    assert "نائب الرئيس" in page and "أمين السر" in page


def test_sections_have_a_table_of_contents_with_stable_anchors(client, approved_policy):
    page = client.get(URL).content.decode()
    for anchor in ("preamble", "channels", "procedure"):
        assert f'href="#{anchor}"' in page
        assert f'id="{anchor}"' in page
    assert "الاتصالات الهاتفية" in page


def test_a_draft_policy_is_not_public(client, draft_policy):
    assert client.get(URL).status_code == 404


def test_new_version_supersedes_the_previous_one_with_a_link(
    client, approved_policy, secretary, term
):
    new_version(approved_policy, secretary, term, change="تعديل المدة", meeting="3")
    page = client.get(URL).content.decode()
    assert "الإصدار 2" in page
    assert 'href="/ar/policies/beneficiaries/versions/1/"' in page


def test_old_version_has_a_stable_url_rendered_from_its_revision(
    client, approved_policy, secretary, term
):
    changed = [dict(BODY[0]), BODY[1], BODY[2]]
    changed[0] = {"type": "preamble", "value": {"heading": "", "paragraphs": ["نص التمهيد المعدل"]}}
    new_version(approved_policy, secretary, term, change="تعديل التمهيد", meeting="3", body=changed)
    old = client.get(URL + "versions/1/")
    assert old.status_code == 200
    html = old.content.decode()
    assert "تضع الجمعية السياسات التي تنظم علاقتها بالمستفيدين." in html
    assert "نص التمهيد المعدل" not in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert "banner--superseded" in html
    assert "نص التمهيد المعدل" in client.get(URL).content.decode()
    # The current version's own URL leads to the page itself.
    assert client.get(URL + "versions/2/")["Location"] == URL
    assert client.get(URL + "versions/9/").status_code == 404


def test_history_lists_every_approved_version_with_its_change_note(
    client, approved_policy, secretary, term
):
    new_version(approved_policy, secretary, term, change="تعديل المدة", meeting="3")
    html = client.get(URL + "history/").content.decode()
    assert html.count('class="history__item"') == 2
    assert "تعديل المدة" in html
    assert "?from=1&amp;to=2" in html


def test_difference_view_marks_additions_and_deletions_accessibly(
    client, approved_policy, secretary, term
):
    changed = [
        BODY[0],
        {"type": "channels", "value": {"heading": "", "items": ["المقابلة", "الموقع الإلكتروني"]}},
        BODY[2],
        {"type": "tools", "value": {"heading": "", "items": ["طلب دعم مستفيد"]}},
    ]
    new_version(approved_policy, secretary, term, change="قنوات جديدة", meeting="3", body=changed)
    html = client.get(URL + "compare/?from=1&to=2").content.decode()
    assert re.search(
        r'<del class="diff-del"><span class="visually-hidden">محذوف: </span>الاتصالات', html
    )
    assert re.search(
        r'<ins class="diff-ins"><span class="visually-hidden">مضاف: </span>الموقع', html
    )
    assert "قسم مضاف" in html  # the tools section is new
    assert "لا تغيير" in html  # the preamble did not change
    english = client.get("/en/policies/beneficiaries/compare/?from=2&to=1").content.decode()
    assert "Differences from version 1 to version 2" in english


def test_difference_view_with_bad_versions_is_a_normal_page(client, approved_policy):
    for query in ("?from=1&to=1", "?from=x&to=<script>", "?from=1&to=99"):
        response = client.get(URL + "compare/" + query)
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()


def test_withdrawn_policy_stays_readable_marked_withdrawn(client, approved_policy, secretary):
    policy_withdraw(
        policy=approved_policy,
        user=secretary,
        reason_ar="استبدلت بسياسة أشمل",
        reason_en="Replaced by a broader policy",
    )
    response = client.get(URL)
    assert response.status_code == 200
    assert "استبدلت بسياسة أشمل" in response.content.decode()
    assert "banner--withdrawn" in response.content.decode()
    english = client.get("/en/policies/").content.decode()
    assert "withdrawn" in english


def test_english_reader_of_an_arabic_only_policy_sees_the_label(client, approved_policy):
    html = client.get("/en/policies/beneficiaries/").content.decode()
    assert "This policy is available in Arabic only." in html
    assert '<div class="policy-body" lang="ar" dir="rtl">' in html


def test_catalogue_lists_policies_with_version_dates_and_filters_by_category(
    client, catalogue, approved_policy, secretary, term
):
    other = make_policy(
        catalogue,
        slug="conflict",
        title_ar="سياسة تعارض المصالح",
        title_en="Conflict of interest policy",
        category="conflict-of-interest",
    )
    approve(other, secretary, term, meeting_date=dt.date(2022, 1, 6))
    html = client.get("/ar/policies/").content.decode()
    assert "سياسة تعارض المصالح" in html and "سياسة تنظيم العلاقة مع المستفيدين" in html
    assert "3/6/1443" in html and "6/1/2022" in html
    filtered = client.get("/en/policies/?category=conflict-of-interest").content.decode()
    assert "Conflict of interest policy" in filtered
    assert "Beneficiary Relationship Policy" not in filtered
    assert client.get("/en/policies/?category=<b>").status_code == 200


def count_queries(client, url) -> int:
    client.get(url)  # warm caches that are per process, not per page
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_policy_page_queries_do_not_grow_with_versions(client, approved_policy, secretary, term):
    one_version = count_queries(client, URL)
    for number in range(2, 21):
        new_version(approved_policy, secretary, term, change=f"تعديل {number}", meeting=str(number))
    twenty_versions = count_queries(client, URL)
    assert one_version == twenty_versions
    assert twenty_versions <= 12
    assert count_queries(client, "/ar/policies/") <= 12
