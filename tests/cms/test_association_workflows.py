"""Several associations on one install, the moderation of pages: another association's page in
the board-approval workflow is not found by an association's staff — its workflow actions
(approve, request changes, cancel), lock and unlock, workflow history, revision preview,
comparison and revert — on their own host or by a person holding roles in both, on the wrong
host; and nothing of it changes."""

import pytest

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wagtail.models import Page, Revision, TaskState, WorkflowState

from cms.governance.setup import board_approval_workflow
from cms.models import (
    BoardApproval,
    BoardApprovalTask,
    PolicyIndexPage,
    PolicyPage,
    PolicyWithdrawal,
)
from portal.core.associations import association
from tests.associations import member_of
from tests.cms.conftest import make_policy
from tests.cms.test_associations import HOST_A, HOST_B, login, people, two  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_moderation(two):
    """Deema's starter policy, submitted by its editor to the board-approval workflow."""
    policy = PolicyPage.objects.descendant_of(two["b"].root_page).get()
    state = board_approval_workflow().start(policy, member_of(two["b"], "editor", username="ed-b"))
    return policy, state


def _urls(policy, state):
    task_state = state.current_task_state
    revision = policy.get_latest_revision()
    page = policy.pk
    action = "wagtailadmin_pages:workflow_action"
    return {
        "approve": reverse(action, args=[page, "approve", task_state.pk]),
        "reject": reverse(action, args=[page, "reject", task_state.pk]),
        "collect": reverse(
            "wagtailadmin_pages:collect_workflow_action_data",
            args=[page, "approve", task_state.pk],
        ),
        "confirm_cancel": reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[page]),
        "preview": reverse("wagtailadmin_pages:workflow_preview", args=[page, task_state.task_id]),
        "workflow_history": reverse("wagtailadmin_pages:workflow_history", args=[page]),
        "workflow_history_detail": reverse(
            "wagtailadmin_pages:workflow_history_detail", args=[page, state.pk]
        ),
        "history": reverse("wagtailadmin_pages:history", args=[page]),
        "revision": reverse("wagtailadmin_pages:revisions_view", args=[page, revision.pk]),
        "revert": reverse("wagtailadmin_pages:revisions_revert", args=[page, revision.pk]),
        "compare": reverse(
            "wagtailadmin_pages:revisions_compare", args=[page, "earliest", revision.pk]
        ),
        "edit": reverse("wagtailadmin_pages:edit", args=[page]),
        "lock": reverse("wagtailadmin_pages:lock", args=[page]),
        "unlock": reverse("wagtailadmin_pages:unlock", args=[page]),
    }


def _snapshot(policy):
    page = Page.objects.get(pk=policy.pk)
    states = WorkflowState.objects.filter(object_id=str(policy.pk))
    return (
        page.live,
        page.locked,
        page.locked_by_id,
        page.latest_revision_id,
        Revision.page_revisions.filter(object_id=str(policy.pk)).count(),
        sorted(states.values_list("pk", "status")),
        BoardApproval.objects.count(),
        PolicyWithdrawal.objects.count(),
    )


def _probe(client, host, urls, policy):
    """Every screen and action on `policy` from `host`: each status, and the data unchanged."""
    before = _snapshot(policy)
    answers = {name: client.get(url, HTTP_HOST=host).status_code for name, url in urls.items()}
    for name in ("approve", "reject", "lock", "unlock"):
        answers[f"POST {name}"] = client.post(urls[name], {}, HTTP_HOST=host).status_code
    answers["POST cancel"] = client.post(
        urls["edit"], {"action-cancel-workflow": "1"}, HTTP_HOST=host
    ).status_code
    assert _snapshot(policy) == before
    return answers


@pytest.mark.parametrize("role", ["secretary", "editor", "administrator"])
def test_another_associations_page_in_moderation_is_not_found(
    two, people, in_moderation, client, role
):
    policy, state = in_moderation
    user = people["admin_a"] if role == "administrator" else member_of(two["a"], role)
    login(client, user, two["a"])
    answers = _probe(client, HOST_A, _urls(policy, state), policy)
    assert set(answers.values()) == {404}, answers


def test_a_person_of_both_associations_moderates_each_on_its_own_host_only(
    two, people, in_moderation, client
):
    """`shared`: an editor of the default association and a secretary of Deema."""
    policy, state = in_moderation
    shared = people["shared"]
    urls = _urls(policy, state)
    login(client, shared, two["a"])
    answers = _probe(client, HOST_A, urls, policy)
    assert set(answers.values()) == {404}, answers
    # The task itself, asked on the default association's host: no action for Deema's policy.
    task = BoardApprovalTask.objects.get(active=True)
    with association(two["a"]):
        assert task.get_actions(policy, shared) == []
        assert not task.user_can_access_editor(policy, shared)
        assert not task.user_can_lock(policy, shared)
        assert not policy.permissions_for_user(shared).can_edit()
    # On Deema's host they are its secretary.
    with association(two["b"]):
        assert [name for name, *_ in task.get_actions(policy, shared)] == ["approve", "reject"]
        assert policy.permissions_for_user(shared).can_edit()
    login(client, shared, two["b"])
    for name in ("workflow_history", "revision", "compare", "preview", "history"):
        assert client.get(urls[name], HTTP_HOST=HOST_B).status_code == 200, name
    rejected = client.post(urls["reject"], {"comment": ""}, HTTP_HOST=HOST_B)
    assert rejected.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_the_board_approval_actions_find_no_other_associations_policy(
    two, people, in_moderation, client
):
    policy, _state = in_moderation
    login(client, member_of(two["a"], "secretary"), two["a"])
    before = _snapshot(policy)
    withdraw = reverse("cms_policy_withdraw", args=[policy.pk])
    assert client.get(withdraw, HTTP_HOST=HOST_A).status_code == 404
    refused = client.post(withdraw, {"reason_ar": "سحب", "reason_en": "x"}, HTTP_HOST=HOST_A)
    assert refused.status_code == 404
    assert _snapshot(policy) == before


def test_a_workflow_action_on_ones_own_page_reaches_no_other_pages_task(
    two, people, in_moderation, client
):
    """Wagtail finds an action's task state by its id: asked on the default association's own
    policy, it must not act on Deema's task state."""
    policy_b, state_b = in_moderation
    catalogue_a = PolicyIndexPage.objects.descendant_of(two["a"].root_page).get()
    policy_a = make_policy(catalogue_a, slug="own")
    secretary_a = member_of(two["a"], "secretary")
    state_a = board_approval_workflow().start(policy_a, member_of(two["a"], "editor"))
    theirs = state_b.current_task_state
    before = _snapshot(policy_b)
    login(client, secretary_a, two["a"])
    for view in ("workflow_action", "collect_workflow_action_data"):
        url = reverse(f"wagtailadmin_pages:{view}", args=[policy_a.pk, "reject", theirs.pk])
        assert client.get(url, HTTP_HOST=HOST_A).status_code == 404, view
        assert client.post(url, {"comment": "x"}, HTTP_HOST=HOST_A).status_code == 404, view
    assert _snapshot(policy_b) == before
    theirs.refresh_from_db()
    assert theirs.status == TaskState.STATUS_IN_PROGRESS
    # The task itself refuses, whichever door asks.
    task = BoardApprovalTask.objects.get(active=True)
    with association(two["a"]), pytest.raises(PermissionDenied):
        task.on_action(theirs.specific, secretary_a, "reject")
    assert _snapshot(policy_b) == before
    # Its own task state, on its own page: taken.
    own = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[policy_a.pk, "reject", state_a.current_task_state.pk],
    )
    assert client.post(own, {"comment": ""}, HTTP_HOST=HOST_A).status_code == 302
    state_a.refresh_from_db()
    assert state_a.status == WorkflowState.STATUS_NEEDS_CHANGES
