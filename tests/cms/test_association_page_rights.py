"""Several associations on one install, page rights given above an association's home: a right
on the tree's root (or on another association's home) counts, for an association's staff, only
within the host's association. The admin search, the admin pages API, the bulk actions and the
copy form's destination (screens that ask Wagtail's permission policy alone) never reach another
association's pages through it; superusers and platform administrators keep the whole tree. The
dashboard's panels of a person with roles in two associations show each one's on its own host."""

import pytest

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.timezone import now

from wagtail.models import GroupPagePermission, Page, PageLogEntry, TaskState, WorkflowState

from cms.governance.setup import board_approval_workflow
from cms.models import PolicyIndexPage
from portal.onboarding import platform_administrators_ensure
from tests.associations import member_of
from tests.cms.test_associations import HOST_A, HOST_B, login, people, two  # noqa: F401

pytestmark = pytest.mark.django_db

RIGHTS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page")
THEIR_TITLE = "سياسات-الجمعية-الأولى"


def _grant(group, page):
    for codename in RIGHTS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


def _catalogue(site):
    return PolicyIndexPage.objects.descendant_of(site.root_page).get()


def _theirs(two):
    """The default association's catalogue, under a title no page of Deema's has."""
    page = _catalogue(two["a"])
    page.title = page.title_ar = THEIR_TITLE
    page.save_revision().publish()
    return Page.objects.get(pk=page.pk)


def _reached(client, two, host=HOST_B) -> dict[str, bool]:
    """What a user signed in on `host` reaches of the default association's catalogue."""
    page, home = _theirs(two), two["a"].root_page
    mine = _catalogue(two["b"])
    reached = {}
    api = "/admin/api/main/pages/"
    response = client.get(f"{api}{page.pk}/", HTTP_HOST=host)
    reached["admin api: the page"] = response.status_code == 200
    response = client.get(api, {"child_of": home.pk, "for_explorer": 1}, HTTP_HOST=host)
    reached["admin api: its parent's children"] = response.status_code == 200 and any(
        item["id"] == page.pk for item in response.json()["items"]
    )
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": THEIR_TITLE}, HTTP_HOST=host)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    reached["admin search"] = edit in response.content.decode()
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "unpublish"))
    response = client.get(bulk, {"id": page.pk}, HTTP_HOST=host)
    reached["bulk action: its form"] = THEIR_TITLE in response.content.decode()
    response = client.get(bulk, {"id": "all", "childOf": home.pk}, HTTP_HOST=host)
    reached["bulk action: all of its listing"] = THEIR_TITLE in response.content.decode()
    client.post(f"{bulk}?id={page.pk}", {}, HTTP_HOST=host)
    reached["bulk action: unpublished"] = not Page.objects.get(pk=page.pk).live
    client.post(
        reverse("wagtailadmin_pages:copy", args=[mine.pk]),
        {
            "new_title": "نسخة",
            "new_slug": "copied-across",
            "new_parent_page": home.pk,
            "copy_subpages": "",
            "publish_copies": "",
            "alias": "",
        },
        HTTP_HOST=host,
    )
    reached["copy into it"] = Page.objects.child_of(home).filter(slug="copied-across").exists()
    return reached


@pytest.mark.parametrize("where", ["tree root", "other home"])
def test_a_right_above_the_hosts_home_reaches_no_other_associations_page(two, client, where):
    group = Group.objects.get(association_role__site=two["b"], association_role__role="editor")
    _grant(group, Page.get_first_root_node() if where == "tree root" else two["a"].root_page)
    user = member_of(two["b"], "editor", username="rooted")
    login(client, user, two["b"])
    reached = _reached(client, two)
    assert not any(reached.values()), reached


def test_a_right_on_the_tree_root_counts_on_the_hosts_own_pages(two, client):
    group = Group.objects.get(association_role__site=two["b"], association_role__role="officer")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    _grant(group, Page.get_first_root_node())
    user = member_of(two["b"], "officer", username="rooted")
    login(client, user, two["b"])
    mine = _catalogue(two["b"])
    response = client.get(f"/admin/api/main/pages/{mine.pk}/", HTTP_HOST=HOST_B)
    assert response.status_code == 200
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk]), HTTP_HOST=HOST_B)
    assert edit.status_code == 200
    # (nothing new at the tree's top: only a platform administrator adds an association)
    root = Page.get_first_root_node()
    assert not root.permissions_for_user(user).can_add_subpage()


def test_platform_administrators_keep_their_rights_on_the_whole_tree(two, client):
    operator = member_of(two["b"], "editor", username="operator")
    group = platform_administrators_ensure()
    operator.groups.add(group)
    _grant(group, Page.get_first_root_node())
    login(client, operator, two["b"])
    page = _theirs(two)
    assert client.get(f"/admin/api/main/pages/{page.pk}/", HTTP_HOST=HOST_B).status_code == 200


# --- the dashboard ----------------------------------------------------------------------------


def _dashboard(client, host) -> str:
    response = client.get(reverse("wagtailadmin_home"), HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_shows_a_person_of_two_associations_each_ones_pages_on_its_host(
    two, people, client
):
    shared = people["shared"]  # an editor here, a secretary at Deema
    theirs, mine = _theirs(two), _catalogue(two["b"])
    mine.title = mine.title_ar = "سياسات-ديمة"
    mine.save_revision().publish()
    for page in (theirs, mine):
        Page.objects.filter(pk=page.pk).update(locked=True, locked_by=shared, locked_at=now())
        PageLogEntry.objects.log_action(page, "wagtail.edit", user=shared)
    login(client, shared, two["b"])
    body = _dashboard(client, HOST_B)
    assert "سياسات-ديمة" in body
    assert THEIR_TITLE not in body
    login(client, shared, two["a"])
    body = _dashboard(client, HOST_A)
    assert THEIR_TITLE in body
    assert "سياسات-ديمة" not in body


def test_the_dashboard_shows_the_workflows_a_person_started_on_the_hosts_association_only(
    two, people, client
):
    shared = people["shared"]
    theirs, mine = _theirs(two), _catalogue(two["b"])
    mine.title = mine.title_ar = "سياسات-ديمة"
    mine.save_revision().publish()
    workflow = board_approval_workflow()
    task = workflow.workflow_tasks.first().task
    for page in (theirs, mine):
        state = WorkflowState.objects.create(
            content_type=ContentType.objects.get_for_model(type(page.specific)),
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(page.pk),
            workflow=workflow,
            status=WorkflowState.STATUS_IN_PROGRESS,
            requested_by=shared,
        )
        state.current_task_state = TaskState.objects.create(
            workflow_state=state,
            revision=page.latest_revision,
            task=task,
            status=TaskState.STATUS_IN_PROGRESS,
        )
        state.save()
    login(client, shared, two["b"])
    body = _dashboard(client, HOST_B)
    assert "سياسات-ديمة" in body and THEIR_TITLE not in body
    login(client, shared, two["a"])
    body = _dashboard(client, HOST_A)
    assert THEIR_TITLE in body and "سياسات-ديمة" not in body
