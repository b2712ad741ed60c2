"""Nothing but a new approval changes what the public reads, and reading it stays cheap."""

import pytest

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail.models import Revision

from cms.models import BoardApproval, PolicyPage
from cms.services import policy_approval_correct, policy_withdraw
from tests.cms.conftest import approve, make_policy

pytestmark = pytest.mark.django_db

ORIGINAL = "تضع الجمعية السياسات التي تنظم علاقتها بالمستفيدين."
FORGED = "نص لم يعتمده مجلس الإدارة"


def public_texts(client) -> list[str]:
    return [
        client.get("/ar/policies/beneficiaries/").content.decode(),
        client.get("/ar/policies/").content.decode(),
        client.get("/api/v1/policies/beneficiaries/?locale=ar").content.decode(),
        client.get("/api/v1/policies/?locale=ar").content.decode(),
    ]


def forged_body():
    return [{"type": "preamble", "value": {"heading": "", "paragraphs": [FORGED]}}]


def assert_only_the_approved_text(client):
    for text in public_texts(client):
        assert FORGED not in text
        assert "عنوان مزور" not in text
    assert ORIGINAL in public_texts(client)[0]


def test_a_queryset_update_of_the_page_changes_nothing_public(client, approved_policy):
    import json

    PolicyPage.objects.filter(pk=approved_policy.pk).update(
        title="عنوان مزور",
        title_ar="عنوان مزور",
        summary_ar=FORGED,
        body_ar=json.dumps(forged_body()),
        response_period_days=90,
    )
    assert_only_the_approved_text(client)
    api = client.get("/api/v1/policies/beneficiaries/").json()
    assert api["response_period_days"] == 14


def test_raw_sql_on_the_page_columns_changes_nothing_public(client, approved_policy):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cms_policypage SET summary_ar = %s, response_period_days = 90 "
            "WHERE page_ptr_id = %s",
            [FORGED, approved_policy.pk],
        )
        cursor.execute(
            "UPDATE wagtailcore_page SET title = %s, title_ar = %s WHERE id = %s",
            ["عنوان مزور", "عنوان مزور", approved_policy.pk],
        )
    assert_only_the_approved_text(client)


def test_a_revision_without_approval_is_never_shown(client, approved_policy):
    draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
    draft.body_ar = forged_body()
    revision = draft.save_revision()
    # even pointing the live revision at it from a shell changes nothing public
    PolicyPage.objects.filter(pk=approved_policy.pk).update(live_revision=revision)
    assert_only_the_approved_text(client)


def test_a_new_approval_is_what_changes_the_public_text(client, approved_policy, secretary, term):
    draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
    draft.body_ar = [
        {"type": "preamble", "value": {"heading": "", "paragraphs": ["نص معتمد جديد"]}}
    ]
    approve(approved_policy, secretary, term, revision=draft.save_revision(), meeting_number="7")
    assert "نص معتمد جديد" in client.get("/ar/policies/beneficiaries/").content.decode()


def test_the_english_comparison_reads_english_only(client, approved_policy, secretary, term):
    draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
    draft.body_en = [
        {
            "type": "preamble",
            "value": {"heading": "", "paragraphs": ["The association sets policies."]},
        }
    ]
    approve(approved_policy, secretary, term, revision=draft.save_revision(), meeting_number="8")
    page = client.get("/en/policies/beneficiaries/compare/?from=1&to=2").content.decode()
    assert "English text added in version 2" in page
    assert "The association sets policies." in page
    assert "<del" not in page.split("diff-language", 1)[1]  # no Arabic fallback struck out
    assert 'lang="en" dir="ltr"' in page
    arabic = client.get("/ar/policies/beneficiaries/compare/?from=1&to=2").content.decode()
    assert 'lang="ar" dir="rtl"' in arabic


@pytest.mark.parametrize("policies", [1, 6])
def test_the_policy_page_and_catalogue_cost_a_fixed_number_of_queries(
    client, approved_policy, catalogue, secretary, term, policies, django_assert_max_num_queries
):
    for index in range(policies - 1):
        approve(make_policy(catalogue, slug=f"policy-{index}"), secretary, term)
    for url in ("/ar/policies/beneficiaries/", "/en/policies/beneficiaries/", "/ar/policies/"):
        client.get(url)  # warm each process's memory of the site
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


class DecodedRevisions:
    """Counts the stored revision content decoded (rows and characters) while it is active."""

    def __init__(self, monkeypatch):
        self.rows = 0
        self.characters = 0
        field = Revision._meta.get_field("content")
        decode = field.from_db_value

        def counting(value, expression, connection):
            if value is not None:
                self.rows += 1
                self.characters += len(value) if isinstance(value, str) else len(str(value))
            return decode(value, expression, connection)

        monkeypatch.setattr(field, "from_db_value", counting)

    def reset(self):
        self.rows = self.characters = 0


def read_costs(client, url, decoded) -> dict:
    """Queries and decoded revisions of the first read after a change (every process's memory
    forgotten) and of the next one."""
    costs = {}
    for name in ("first", "next"):
        decoded.reset()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        costs[name] = (len(queries), decoded.rows, decoded.characters)
    return costs


def approve_versions(policy, secretary, term, count: int, *, seed: int):
    for number in range(count):
        draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
        text = f"نص الإصدار {seed}-{number} " * (20 + number % 7)  # versions of unequal length
        draft.body_ar = [{"type": "preamble", "value": {"heading": "", "paragraphs": [text]}}]
        approve(
            policy,
            secretary,
            term,
            revision=draft.save_revision(),
            meeting_number=f"{seed}/{number}",
        )


@pytest.mark.parametrize("url", ["/ar/policies/beneficiaries/", "/en/policies/beneficiaries/"])
def test_a_long_history_costs_the_policy_page_nothing(
    client, approved_policy, secretary, term, monkeypatch, url
):
    decoded = DecodedRevisions(monkeypatch)
    client.get(url)  # the site's settings are made on the first read
    approve_versions(approved_policy, secretary, term, 1, seed=1)  # the same last text length
    one = read_costs(client, url, decoded)
    approve_versions(approved_policy, secretary, term, 49, seed=2)
    fifty = read_costs(client, url, decoded)
    assert PolicyPage.objects.get(pk=approved_policy.pk).approvals.count() == 51
    # the first read after an approval decodes at most the shown version's text, never the
    # history's; the next reads decode nothing
    assert one["first"][:2] == fifty["first"][:2]
    assert fifty["first"][1] <= 1
    assert one["next"] == fifty["next"]
    assert fifty["next"][0] <= 6
    assert fifty["next"][1] == 0  # kept per process once read


class FetchedRows:
    """Each statement run while active (placeholders, not values) with the rows fetched from it."""

    def __init__(self):
        self.statements: list[list] = []

    def __call__(self, execute, sql, params, many, context):
        entry = [sql, 0]
        self.statements.append(entry)
        cursor = context["cursor"]
        cursor.__dict__["counted_into"] = entry
        if "counting" not in cursor.__dict__:  # a cursor can run several statements
            cursor.__dict__["counting"] = True
            for name in ("fetchone", "fetchmany", "fetchall"):
                setattr(cursor, name, self.counting(cursor, getattr(cursor, name), name))
        return execute(sql, params, many, context)

    @staticmethod
    def counting(cursor, fetch, name):
        def fetch_and_count(*args, **kwargs):
            rows = fetch(*args, **kwargs)
            if name == "fetchone":
                cursor.counted_into[1] += rows is not None
            else:
                cursor.counted_into[1] += len(rows)
            return rows

        return fetch_and_count


def page_reads(client, url) -> dict:
    """The statements, with their rows, of the first read after a change and of the next."""
    reads = {}
    for name in ("first", "next"):
        fetched = FetchedRows()
        with connection.execute_wrapper(fetched):
            assert client.get(url).status_code == 200
        reads[name] = fetched.statements
    return reads


@pytest.mark.parametrize("url", ["/ar/policies/beneficiaries/", "/en/policies/beneficiaries/"])
def test_the_policy_page_reads_the_same_rows_with_one_version_and_thirty(
    client, draft_policy, secretary, term, url
):
    client.get(url.rsplit("/policies/", 1)[0] + "/")  # the site's settings made on a first read
    approve(draft_policy, secretary, term)
    one = page_reads(client, url)
    approve_versions(draft_policy, secretary, term, 29, seed=3)
    thirty = page_reads(client, url)
    assert BoardApproval.objects.filter(policy=draft_policy).count() == 30
    # the same statements fetching the same number of rows: nothing read grows with the history
    assert one == thirty


def test_a_correction_a_version_an_archive_and_a_withdrawal_show_at_once(
    client, approved_policy, secretary, term, monkeypatch
):
    from cms.governance import archive as archives

    url = "/ar/policies/beneficiaries/"
    assert "1/9" in client.get(url).content.decode()
    assert "1/9" in client.get(url).content.decode()  # now read from each process's memory
    policy_approval_correct(
        approval=BoardApproval.objects.get(),
        user=secretary,
        meeting_number="2/9",
        term=term,
        meeting_date=approved_policy.current_version.approval.meeting_date,
        members=list(term.members.all()),
    )
    assert "2/9" in client.get(url).content.decode()
    draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
    draft.body_ar = [{"type": "preamble", "value": {"heading": "", "paragraphs": ["نص ثان"]}}]
    approve(approved_policy, secretary, term, revision=draft.save_revision(), meeting_number="3")
    page = client.get(url).content.decode()
    assert "نص ثان" in page
    assert 'href="/ar/policies/beneficiaries/versions/1/"' in page  # the version it supersedes
    assert 'href="/ar/policies/beneficiaries/compare/"' in page
    assert "versions/2/archive/" not in page
    monkeypatch.setattr(archives, "archive_pdf", lambda approval: b"%PDF-1.4 archive")
    archives.approval_archive_create(approval=BoardApproval.objects.get(version=2))
    assert "versions/2/archive/" in client.get(url).content.decode()
    policy_withdraw(policy=approved_policy, user=secretary, reason_ar="استبدلت بسياسة أشمل")
    assert "استبدلت بسياسة أشمل" in client.get(url).content.decode()


def test_a_version_read_in_a_transaction_rolled_back_is_not_kept(
    client, approved_policy, secretary, term
):
    url = "/ar/policies/beneficiaries/"
    client.get(url)
    draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
    draft.body_ar = forged_body()
    with pytest.raises(RuntimeError), transaction.atomic():
        approve(approved_policy, secretary, term, revision=draft.save_revision())
        assert PolicyPage.objects.get(pk=approved_policy.pk).current_version.number == 2
        raise RuntimeError("the rest of the recording failed")
    # the token drawn by the approval stays (the shared cache is no transaction), and what was
    # read under it inside the transaction was never kept
    assert_only_the_approved_text(client)
    assert PolicyPage.objects.get(pk=approved_policy.pk).current_version.number == 1
