"""The register of approvals: records refuse change on every backend; a hash chain finds tampering."""

import datetime as dt
import io

import pytest

from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from cms.governance.hashing import content_hash
from cms.governance.records import records_unlocked
from cms.governance.register import register_verify
from cms.models import BoardApproval, BoardApprovalMember, PolicyPage, PolicyWithdrawal
from cms.services import policy_approval_correct, policy_withdraw
from tests.cms.conftest import approve, make_policy

pytestmark = pytest.mark.django_db

REFUSED = (IntegrityError, DatabaseError)


@pytest.fixture
def register(approved_policy, catalogue, secretary, term):
    """Four entries: two versions of one policy, a correction, another policy; and a withdrawal."""
    draft = approved_policy.get_latest_revision_as_object()
    draft.summary_ar = "ملخص الإصدار الثاني"
    approve(approved_policy, secretary, term, revision=draft.save_revision(), meeting_number="3")
    policy_approval_correct(
        approval=BoardApproval.objects.get(version=1),
        user=secretary,
        meeting_number="2/9",
        term=term,
        meeting_date=dt.date(2024, 5, 22),
        members=list(term.members.all())[:2],
        decision_text_ar="تصحيح رقم الاجتماع",
    )
    other = make_policy(catalogue, slug="conflict", category="conflict-of-interest")
    approve(other, secretary, term, meeting_number="4")
    policy_withdraw(policy=other, user=secretary, reason_ar="دمجت في سياسة أخرى")
    return BoardApproval.objects.order_by("sequence")


def sql(statement, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_output() -> str:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_approvals", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_each_approval_is_a_link_of_its_associations_chain(register):
    entries = list(register)
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].previous_hash == ""
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.record_hash
    assert len({e.record_hash for e in entries}) == 4
    assert all(len(e.record_hash) == 64 for e in entries)
    revision = entries[0].revision
    assert entries[0].content_hash == content_hash(revision.content)
    out = io.StringIO()
    call_command("verify_approvals", stdout=out)
    assert "intact: 4 entries" in out.getvalue()


@pytest.mark.parametrize(
    "table", ["cms_boardapproval", "cms_boardapprovalmember", "cms_policywithdrawal"]
)
def test_raw_sql_cannot_update_or_delete_a_record(register, table):
    counts = (
        BoardApproval.objects.count(),
        BoardApprovalMember.objects.count(),
        PolicyWithdrawal.objects.count(),
    )
    with pytest.raises(REFUSED):
        sql(f"UPDATE {table} SET id = id")
    with pytest.raises(REFUSED):
        sql(f"DELETE FROM {table}")
    assert counts == (
        BoardApproval.objects.count(),
        BoardApprovalMember.objects.count(),
        PolicyWithdrawal.objects.count(),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.parametrize(
    "table", ["cms_boardapproval", "cms_boardapprovalmember", "cms_policywithdrawal"]
)
def test_truncate_of_a_record_table_is_refused(register, table):
    with pytest.raises(REFUSED):
        sql(f"TRUNCATE {table} CASCADE")
    assert BoardApproval.objects.count() == 4


def test_the_content_of_an_approved_revision_cannot_be_changed_with_sql(register):
    revision = register.first().revision
    with pytest.raises(REFUSED):
        sql(
            "UPDATE wagtailcore_revision SET content = %s WHERE id = %s",
            ['{"title_ar": "نص مزور"}', revision.pk],
        )
    assert register_verify().intact


def test_a_changed_fact_is_reported(register):
    target = register.get(sequence=2)
    with records_unlocked():
        sql("UPDATE cms_boardapproval SET meeting_number = '99' WHERE id = %s", [target.pk])
    report = register_verify()
    assert not report.intact
    assert [(p.sequence, "facts or members" in p.problem) for p in report.problems] == [(2, True)]
    assert "entry 2" in verify_output()


def test_a_changed_member_is_reported(register):
    member = BoardApprovalMember.objects.filter(approval__sequence=1).first()
    with records_unlocked():
        sql("UPDATE cms_boardapprovalmember SET role = 'member' WHERE id = %s", [member.pk])
    assert [p.sequence for p in register_verify().problems] == [1]


def test_a_deleted_entry_is_reported(register):
    target = register.get(sequence=3)
    with records_unlocked():
        sql("DELETE FROM cms_boardapprovalmember WHERE approval_id = %s", [target.pk])
        sql("DELETE FROM cms_boardapproval WHERE id = %s", [target.pk])
    problems = register_verify().problems
    assert {p.sequence for p in problems} == {4}
    assert any("missing" in p.problem for p in problems)


def test_a_rewritten_hash_still_breaks_the_next_link(register):
    """Someone who recomputes one record's hash after changing it breaks its successor."""
    from cms.governance import hashing
    from cms.governance.register import _record_fields

    target = register.get(sequence=2)
    with records_unlocked():
        sql("UPDATE cms_boardapproval SET change_note_ar = 'مزور' WHERE id = %s", [target.pk])
        changed = BoardApproval.objects.get(pk=target.pk)
        forged = hashing.record_hash(_record_fields(changed, list(changed.members.all())))
        sql("UPDATE cms_boardapproval SET record_hash = %s WHERE id = %s", [forged, target.pk])
    assert [p.sequence for p in register_verify().problems] == [3]


def test_changed_revision_content_is_reported(register):
    revision = register.get(sequence=1).revision
    with records_unlocked():
        sql(
            "UPDATE wagtailcore_revision SET content = %s WHERE id = %s",
            [
                '{"title_ar": "نص مزور", "slug": "beneficiaries"}',
                revision.pk,
            ],
        )
    problems = register_verify().problems
    assert any(p.sequence == 1 and "content" in p.problem for p in problems)


def test_a_missing_trigger_is_reported(register):
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER cms_boardapproval_no_delete")
        name = "cms_boardapproval_no_delete"
    else:
        sql("DROP TRIGGER cms_boardapproval_no_truncate ON cms_boardapproval")
        name = "cms_boardapproval_no_truncate"
    assert any(name in p.problem for p in register_verify().problems)


def test_approval_binds_the_content_it_was_shown(draft_policy, secretary, term):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        approve(draft_policy, secretary, term, reviewed_content_hash="0" * 64)
    assert not PolicyPage.objects.get(pk=draft_policy.pk).live
    revision = draft_policy.get_latest_revision()
    approval = approve(
        draft_policy, secretary, term, reviewed_content_hash=content_hash(revision.content)
    )
    assert approval.content_hash == content_hash(revision.content)


def test_the_public_register_lists_every_entry_with_its_hashes(client, register):
    page = client.get("/ar/policies/register/")
    assert page.status_code == 200
    html = page.content.decode()
    for entry in register:
        assert entry.record_hash in html and entry.content_hash in html
    assert 'id="entry-4"' in html
    english = client.get("/en/policies/register/").content.decode()
    assert "Register of board approvals" in english
    assert "Beneficiary Relationship Policy" in english  # the approved English title
    assert "/ar/policies/register/" in client.get("/ar/policies/").content.decode()


def test_the_register_api_lists_the_chain(client, register):
    data = client.get("/api/v1/approvals/?locale=en").json()
    assert [row["sequence"] for row in data] == [4, 3, 2, 1]
    by_sequence = {row["sequence"]: row for row in data}
    for entry in register:
        row = by_sequence[entry.sequence]
        assert row["record_hash"] == entry.record_hash
        assert row["previous_hash"] == entry.previous_hash
        assert row["content_hash"] == entry.content_hash
    assert by_sequence[3]["corrects"] == 1
    assert by_sequence[1]["html_url"].endswith("/policies/beneficiaries/versions/1/")
