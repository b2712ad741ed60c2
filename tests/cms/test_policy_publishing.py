"""A policy goes live only through a board approval: every publish path is tried here."""

import datetime as dt

import pytest

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from wagtail.models import Page, TaskState

from cms.governance import board_approval_workflow
from cms.models import BoardApproval, BoardApprovalMember, PolicyPage
from cms.models.policies import PolicyPublishRefused
from cms.services import policy_approval_correct, policy_approval_record
from tests.cms.conftest import approve, make_policy
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def live(policy) -> bool:
    return PolicyPage.objects.get(pk=policy.pk).live


def edit_form_data(client, url) -> dict:
    """The page editor's form as a browser would post it. StreamField inputs are drawn by
    JavaScript, so the body is posted as empty (these tests are about publishing, not sections)."""
    data = form_data(client.get(url).content.decode(), action_contains="/edit/")
    data.setdefault("body_ar-count", "0")
    data.setdefault("body_en-count", "0")
    return data


# --- paths that must not publish ---------------------------------------------------------


def test_a_policy_cannot_be_created_live(catalogue):
    with pytest.raises(PolicyPublishRefused):
        catalogue.add_child(instance=PolicyPage(title="x", title_ar="x", slug="x"))
    assert not PolicyPage.objects.exists()


def test_publishing_a_revision_directly_is_refused(draft_policy):
    revision = draft_policy.get_latest_revision()
    with pytest.raises(PolicyPublishRefused):
        revision.publish(skip_permission_checks=True)
    assert not live(draft_policy)


def test_setting_live_from_a_shell_is_refused(draft_policy):
    page = PolicyPage.objects.get(pk=draft_policy.pk)
    page.live = True
    page.live_revision = page.get_latest_revision()
    with pytest.raises(PolicyPublishRefused):
        page.save()
    assert not live(draft_policy)


@pytest.mark.parametrize("who", ["editor", "secretary", "superuser"])
def test_nobody_holds_the_publish_permission_on_a_policy(who, request, draft_policy):
    user = request.getfixturevalue(who)
    tester = draft_policy.permissions_for_user(user)
    assert not tester.can_publish()
    assert not tester.can_unpublish()
    assert not tester.can_unschedule()


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_the_editors_publish_button_does_not_publish(who, request, client, draft_policy):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = f"/admin/pages/{draft_policy.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="action-publish"' not in page.content.decode()
    data = edit_form_data(client, url)
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code in {200, 302}
    assert not live(draft_policy)
    assert not BoardApproval.objects.exists()


def test_an_editor_can_save_a_draft_and_submit_it(client, editor, draft_policy):
    client.force_login(editor)
    url = f"/admin/pages/{draft_policy.pk}/edit/"
    data = edit_form_data(client, url)
    data["title_en"] = "Beneficiary Relationship Policy (revised)"
    data["action-submit"] = "action-submit"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = PolicyPage.objects.get(pk=draft_policy.pk)
    assert policy.workflow_in_progress
    assert policy.current_workflow_task.specific.__class__.__name__ == "BoardApprovalTask"
    assert not policy.live


def test_bulk_publish_does_not_publish_policies(client, superuser, draft_policy):
    client.force_login(superuser)
    url = f"/admin/bulk/wagtailcore/page/publish/?id={draft_policy.pk}"
    client.post(url, {"include_descendants": ""})
    assert not live(draft_policy)


def test_scheduled_publishing_refuses_policies_and_publishes_the_rest(approved_policy, catalogue):
    import io

    from cms.models import ContentPage

    draft_policy = make_policy(catalogue, slug="scheduled-draft")
    past = timezone.now() - dt.timedelta(minutes=1)
    revision = draft_policy.get_latest_revision()
    revision.approved_go_live_at = past
    revision.save()
    PolicyPage.objects.filter(pk=approved_policy.pk).update(expire_at=past)
    other = ContentPage(title="صفحة", title_ar="صفحة", slug="scheduled", live=False)
    catalogue.get_parent().add_child(instance=other)
    other_revision = other.save_revision()
    other_revision.approved_go_live_at = past
    other_revision.save()
    errors = io.StringIO()
    call_command("publish_scheduled", verbosity=0, stdout=io.StringIO(), stderr=errors)
    assert not live(draft_policy)
    assert live(approved_policy)  # the expiry was refused too: withdrawal is the way out
    assert ContentPage.objects.get(pk=other.pk).live  # other pages are published as usual
    assert "Refused the scheduled publishing of policy" in errors.getvalue()
    call_command("publish_scheduled", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_apis_cannot_publish(client, superuser, draft_policy):
    client.force_login(superuser)
    assert client.post(f"/api/v2/pages/{draft_policy.pk}/", {"live": True}).status_code in {
        404,
        405,
    }
    assert client.post("/api/v1/policies/", {"slug": draft_policy.slug}).status_code in {
        403,
        404,
        405,
    }
    assert client.post(f"/api/v3/pages/{draft_policy.pk}/actions/publish/").status_code == 404
    assert not live(draft_policy)


def test_an_editor_cannot_record_an_approval(draft_policy, editor, term):
    with pytest.raises(PermissionDenied):
        approve(draft_policy, editor, term)
    assert not live(draft_policy)
    assert not BoardApproval.objects.exists()


def test_finishing_the_workflow_without_the_approval_form_does_not_publish(
    draft_policy, editor, superuser
):
    board_approval_workflow().start(PolicyPage.objects.get(pk=draft_policy.pk), editor)
    task_state = PolicyPage.objects.get(pk=draft_policy.pk).current_workflow_task_state
    with pytest.raises(PolicyPublishRefused), transaction.atomic():
        TaskState.approve(task_state, user=superuser)
    assert not live(draft_policy)


# --- the one path that publishes -----------------------------------------------------------


def test_approval_publishes_exactly_the_approved_revision(draft_policy, secretary, term):
    revision = draft_policy.get_latest_revision()
    approval = approve(draft_policy, secretary, term, revision=revision)
    policy = PolicyPage.objects.get(pk=draft_policy.pk)
    assert policy.live
    assert policy.live_revision_id == revision.pk == approval.revision_id
    assert approval.version == 1
    assert [m.role for m in approval.members.all()] == ["chair", "vice_chair", "secretary"]


def test_the_secretary_records_the_approval_through_the_workflow_task(
    client, draft_policy, editor, secretary, term
):
    board_approval_workflow().start(PolicyPage.objects.get(pk=draft_policy.pk), editor)
    policy = PolicyPage.objects.get(pk=draft_policy.pk)
    task_state = policy.current_workflow_task_state
    client.force_login(secretary)
    url = f"/admin/pages/workflow/action/{policy.pk}/approve/{task_state.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "meeting_number": "٢",
            "term": term.pk,
            "meeting_date": "٢١/٥/٢٠٢٤",
            "members": [m.pk for m in term.members.all()],
            "decision_text_ar": "اعتمد المجلس السياسة",
            "change_note_ar": "تحديث المدة",
            "change_note_en": "Response period updated",
        },
    )
    assert response.status_code == 302
    approval = BoardApproval.objects.get()
    policy = PolicyPage.objects.get(pk=policy.pk)
    assert policy.live and policy.live_revision_id == task_state.revision_id == approval.revision_id
    assert approval.meeting_date == dt.date(2024, 5, 21)
    assert approval.recorded_by == secretary
    assert not policy.workflow_in_progress


def test_an_editor_cannot_take_the_board_approval_action(client, draft_policy, editor):
    board_approval_workflow().start(PolicyPage.objects.get(pk=draft_policy.pk), editor)
    task_state = PolicyPage.objects.get(pk=draft_policy.pk).current_workflow_task_state
    client.force_login(editor)
    url = f"/admin/pages/workflow/action/{draft_policy.pk}/approve/{task_state.pk}/"
    assert client.get(url).status_code in {302, 403}
    client.post(url, {"meeting_number": "2"})
    assert not live(draft_policy)


def test_approval_form_errors_change_nothing(client, draft_policy, editor, secretary, term):
    board_approval_workflow().start(PolicyPage.objects.get(pk=draft_policy.pk), editor)
    task_state = PolicyPage.objects.get(pk=draft_policy.pk).current_workflow_task_state
    client.force_login(secretary)
    url = f"/admin/pages/workflow/action/{draft_policy.pk}/approve/{task_state.pk}/"
    response = client.post(
        url,
        {"meeting_number": "2", "term": term.pk, "meeting_date": "31/2/2024", "members": []},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    modal = response.json()["html"]
    assert "أدخل التاريخ بصيغة يوم/شهر/سنة" in modal  # the error, in Arabic
    assert not BoardApproval.objects.exists()
    assert not live(draft_policy)


def test_versions_are_numbered_by_the_system(approved_policy, secretary, term):
    draft = approved_policy.get_latest_revision_as_object()
    draft.summary_ar = "ملخص جديد"
    revision = draft.save_revision()
    second = approve(approved_policy, secretary, term, revision=revision, meeting_number="3")
    assert second.version == 2


def test_the_same_revision_cannot_be_approved_twice(approved_policy, secretary, term):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        approve(approved_policy, secretary, term, revision=approved_policy.live_revision)


def test_a_future_meeting_date_is_refused(draft_policy, secretary, term):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        approve(
            draft_policy, secretary, term, meeting_date=timezone.localdate() + dt.timedelta(days=1)
        )
    assert not live(draft_policy)


def test_editing_a_published_policy_makes_a_draft_and_the_approved_version_stays_live(
    client, approved_policy, editor
):
    client.force_login(editor)
    url = f"/admin/pages/{approved_policy.pk}/edit/"
    data = edit_form_data(client, url)
    data["summary_ar"] = "نص مسودة لم يعتمد بعد"
    assert client.post(url, data).status_code == 302
    policy = PolicyPage.objects.get(pk=approved_policy.pk)
    assert policy.has_unpublished_changes
    assert policy.live_revision_id == BoardApproval.objects.get().revision_id
    assert "نص مسودة لم يعتمد بعد" not in client.get("/ar/policies/beneficiaries/").content.decode()


# --- approvals are records ---------------------------------------------------------------


def test_an_approval_cannot_be_edited_or_deleted_through_the_orm(approved_policy):
    approval = BoardApproval.objects.get()
    approval.meeting_number = "99"
    with pytest.raises(PermissionDenied):
        approval.save()
    with pytest.raises(PermissionDenied):
        approval.delete()
    with pytest.raises(PermissionDenied):
        BoardApproval.objects.filter(pk=approval.pk).update(meeting_number="99")
    with pytest.raises(PermissionDenied):
        BoardApproval.objects.all().delete()
    with pytest.raises(PermissionDenied):
        BoardApprovalMember.objects.all().delete()
    assert BoardApproval.objects.get().meeting_number == "1/9"


def test_an_approval_cannot_be_edited_with_sql(approved_policy):
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE cms_boardapproval SET meeting_number = '99'")
    assert BoardApproval.objects.get().meeting_number == "1/9"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps deletes for its test flush"
)
def test_an_approval_cannot_be_deleted_with_sql_on_postgresql(approved_policy):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cms_boardapprovalmember")
    assert BoardApprovalMember.objects.count() == 3


def test_the_policy_of_an_approval_cannot_be_deleted(approved_policy):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Page.objects.get(pk=approved_policy.pk).delete()


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_the_admin_offers_no_edit_or_delete_of_an_approval(
    client, superuser, approved_policy, action
):
    client.force_login(superuser)
    approval = BoardApproval.objects.get()
    listing = client.get("/admin/governance/approvals/")
    assert listing.status_code == 200
    assert client.get(f"/admin/governance/approvals/inspect/{approval.pk}/").status_code == 200
    response = client.post(
        f"/admin/governance/approvals/{action}/{approval.pk}/", {"meeting_number": "99"}
    )
    assert response.status_code in {302, 403, 404}
    assert BoardApproval.objects.get().meeting_number == "1/9"


def test_a_correction_is_a_new_record_and_both_stay_visible(
    client, approved_policy, secretary, term
):
    original = BoardApproval.objects.get()
    correction = policy_approval_correct(
        approval=original,
        user=secretary,
        meeting_number="2/9",
        term=term,
        meeting_date=dt.date(2024, 5, 22),
        members=list(term.members.all()),
        decision_text_ar="تصحيح رقم الاجتماع",
        change_note_ar="إصدار جديد",
    )
    assert correction.corrects == original and correction.version == original.version
    assert BoardApproval.objects.count() == 2
    page = client.get("/ar/policies/beneficiaries/").content.decode()
    assert "2/9" in page  # the corrected record is the one in force
    assert "1/9" in page  # and the original stays visible


def test_policy_approval_record_refuses_non_policy_revisions(home, secretary, term):
    from django.core.exceptions import ValidationError

    revision = home.save_revision()
    with pytest.raises(ValidationError):
        policy_approval_record(
            revision=revision,
            user=secretary,
            meeting_number="1",
            term=term,
            meeting_date=dt.date(2024, 1, 1),
            members=list(term.members.all()),
        )


def test_a_new_policy_in_another_catalogue_position_also_needs_approval(catalogue):
    policy = make_policy(
        catalogue, slug="conflict", title_ar="سياسة تعارض المصالح", category="conflict-of-interest"
    )
    with pytest.raises(PolicyPublishRefused):
        policy.get_latest_revision().publish()
