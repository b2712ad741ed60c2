"""Several associations on one install, Wagtail's other admin screens: the reports (site history,
locked pages, workflows) and their filters, the workflow task form, the group form's page and
collection permissions, and the page chooser show an association's staff only their own
association's people, groups and pages; superusers and platform administrators see all."""

import pytest

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    WorkflowState,
)

from cms.governance.setup import board_approval_workflow
from cms.models import BoardApprovalTask, PolicyIndexPage
from portal.accounts.associations import association_collection
from tests.cms.test_associations import HOST_A, HOST_B, login, people, two  # noqa: F401

pytestmark = pytest.mark.django_db


def _group(site, role):
    return Group.objects.get(association_role__site=site, association_role__role=role)


def _catalogue(site):
    return PolicyIndexPage.objects.descendant_of(site.root_page).get()


def _page_right(group, page, codename):
    GroupPagePermission.objects.get_or_create(
        group=group,
        page=page,
        permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
    )


# --- the site history -------------------------------------------------------------------------


def _history(client, host, **params):
    response = client.get(reverse("wagtailadmin_reports:site_history"), params, HTTP_HOST=host)
    assert response.status_code == 200
    authors = {user.username for user in response.context["filters"].form.fields["user"].queryset}
    labels = {entry.label for entry in response.context["object_list"]}
    return authors, labels


def test_the_site_history_shows_an_administrator_their_associations_people_only(
    two, people, client
):
    log(instance=people["only_a"], action="sila.role_grant", user=people["admin_a"])
    log(instance=people["only_b"], action="sila.role_grant", user=people["admin_b"])
    log(
        instance=_group(two["b"], "editor"), action="sila.group_permissions", user=people["admin_b"]
    )
    login(client, people["admin_a"], two["a"])
    authors, labels = _history(client, HOST_A)
    assert "admin-a" in authors and "deema-admin" not in authors
    assert people["only_a"].get_username() in labels
    assert people["only_b"].get_username() not in labels
    assert _group(two["b"], "editor").name not in labels
    # Filtering by another association's person finds nothing.
    assert "only-b" not in _history(client, HOST_A, user=people["admin_b"].pk)[1]
    # Each association's administrator: their own.
    login(client, people["admin_b"], two["b"])
    authors, labels = _history(client, HOST_B)
    assert "deema-admin" in authors and "admin-a" not in authors
    assert people["only_a"].get_username() not in labels


def test_the_site_history_shows_superusers_every_association(two, people, client):
    log(instance=people["only_a"], action="sila.role_grant", user=people["admin_a"])
    log(instance=people["only_b"], action="sila.role_grant", user=people["admin_b"])
    client.force_login(people["root"])
    authors, labels = _history(client, HOST_A)
    assert {"admin-a", "deema-admin"} <= authors
    assert {"only-a", "only-b"} <= labels


# --- page reports: locked pages, workflows ---------------------------------------------------


@pytest.fixture
def editor_of_both(two, people):
    """`shared` (an editor here, a secretary at Deema), also allowed to unlock in both."""
    _page_right(_group(two["a"], "editor"), two["a"].root_page, "unlock_page")
    _page_right(_group(two["b"], "secretary"), two["b"].root_page, "unlock_page")
    return people["shared"]


def test_the_locked_pages_report_keeps_to_the_hosts_association(
    two, people, editor_of_both, client
):
    page_a, page_b = _catalogue(two["a"]), _catalogue(two["b"])
    Page.objects.filter(pk=page_a.pk).update(locked=True, locked_by=people["only_a"])
    Page.objects.filter(pk=page_b.pk).update(locked=True, locked_by=people["only_b"])
    client.force_login(editor_of_both)
    url = reverse("wagtailadmin_reports:locked_pages")
    for host, mine in ((HOST_A, "a"), (HOST_B, "b")):
        response = client.get(url, HTTP_HOST=host)
        assert response.status_code == 200
        listed = {page.pk for page in response.context["object_list"]}
        assert listed == {_catalogue(two[mine]).pk}, host
        lockers = set(response.context["filters"].filters["locked_by"].queryset)
        assert lockers == {people[f"only_{mine}"]}, host
    client.force_login(people["root"])
    response = client.get(url, HTTP_HOST=HOST_A)
    assert set(response.context["filters"].filters["locked_by"].queryset) == {
        people["only_a"],
        people["only_b"],
    }


def test_the_workflow_reports_keep_to_the_hosts_association(two, people, editor_of_both, client):
    workflow = board_approval_workflow()
    page_type = ContentType.objects.get_for_model(Page)
    for side in ("a", "b"):
        page = _catalogue(two[side])
        WorkflowState.objects.create(
            content_type=ContentType.objects.get_for_model(type(page)),
            base_content_type=page_type,
            object_id=str(page.pk),
            workflow=workflow,
            status=WorkflowState.STATUS_IN_PROGRESS,
            requested_by=people[f"only_{side}"],
        )
    client.force_login(editor_of_both)
    response = client.get(reverse("wagtailadmin_reports:workflow"), HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert set(response.context["filters"].filters["requested_by"].queryset) == {people["only_a"]}
    assert {state.object_id for state in response.context["object_list"]} == {
        str(_catalogue(two["a"]).pk)
    }
    tasks = client.get(reverse("wagtailadmin_reports:workflow_tasks"), HTTP_HOST=HOST_B)
    assert tasks.status_code == 200
    client.force_login(people["root"])
    response = client.get(reverse("wagtailadmin_reports:workflow"), HTTP_HOST=HOST_A)
    assert set(response.context["filters"].filters["requested_by"].queryset) == {
        people["only_a"],
        people["only_b"],
    }


# --- the workflow task form ------------------------------------------------------------------


def test_the_approval_task_form_offers_the_hosts_groups_and_keeps_the_others(two, people, client):
    task = BoardApprovalTask.objects.get(active=True)
    assert {_group(two["a"], "secretary"), _group(two["b"], "secretary")} <= set(task.groups.all())
    # Someone given the workflow screens by the platform, who manages no other association.
    admin_a = people["admin_a"]
    admin_a.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=["add_task", "change_task"]
        )
    )
    login(client, admin_a, two["a"])
    url = reverse("wagtailadmin_workflows:edit_task", args=[task.pk])
    response = client.get(url, HTTP_HOST=HOST_A)
    assert response.status_code == 200
    offered = set(response.context["form"].fields["groups"].queryset)
    assert offered == set(Group.objects.filter(association_role__site=two["a"]))
    response = client.post(
        url, {"name": task.name, "groups": [_group(two["a"], "secretary").pk]}, HTTP_HOST=HOST_A
    )
    assert response.status_code == 302
    assert {_group(two["a"], "secretary"), _group(two["b"], "secretary")} <= set(task.groups.all())
    refused = client.post(
        url, {"name": task.name, "groups": [_group(two["b"], "editor").pk]}, HTTP_HOST=HOST_A
    )
    assert refused.status_code == 200 and "groups" in refused.context["form"].errors
    add = reverse("wagtailadmin_workflows:add_task", args=["cms", "boardapprovaltask"])
    offered = set(client.get(add, HTTP_HOST=HOST_A).context["form"].fields["groups"].queryset)
    assert _group(two["b"], "secretary") not in offered
    client.force_login(people["root"])
    offered = set(client.get(url, HTTP_HOST=HOST_A).context["form"].fields["groups"].queryset)
    assert {_group(two["a"], "secretary"), _group(two["b"], "secretary")} <= offered


# --- the group form's page and collection permissions ----------------------------------------


def _panel(response, prefix):
    return next(p for p in response.context["permission_panels"] if p.prefix == prefix)


def test_the_group_form_offers_the_hosts_pages_and_collections_only(two, people, client):
    site_a, site_b = two["a"], two["b"]
    editors_a = _group(site_a, "editor")
    # A right a platform administrator gave the group on Deema's pages: not shown here.
    _page_right(editors_a, site_b.root_page, "change_page")
    login(client, people["admin_a"], site_a)
    response = client.get(
        reverse("wagtailusers_groups:edit", args=[editors_a.pk]), HTTP_HOST=HOST_A
    )
    assert response.status_code == 200
    pages = _panel(response, "page_permissions")
    assert {row["page"].pk for row in pages.initial} == {site_a.root_page_id}
    offered = pages.empty_form.fields["page"].queryset
    assert offered.filter(pk=_catalogue(site_a).pk).exists()
    assert not offered.filter(pk__in=[site_b.root_page_id, _catalogue(site_b).pk]).exists()
    collections = _panel(response, "collection_permissions")
    offered = set(collections.empty_form.fields["collection"].queryset)
    assert association_collection(site_b) not in offered
    assert Collection.get_first_root_node() in offered
    client.force_login(people["root"])
    response = client.get(
        reverse("wagtailusers_groups:edit", args=[editors_a.pk]), HTTP_HOST=HOST_A
    )
    pages = _panel(response, "page_permissions")
    assert {row["page"].pk for row in pages.initial} == {site_a.root_page_id, site_b.root_page_id}
    offered = set(
        _panel(response, "collection_permissions").empty_form.fields["collection"].queryset
    )
    assert association_collection(site_b) in offered


def _save_group(client, host, group, page_rows):
    """The group form as the browser posts it: its permissions as they are, the page rights
    `page_rows` ([(page, [codename, ...])]) and no collection rights."""
    url = reverse("wagtailusers_groups:edit", args=[group.pk])
    form = client.get(url, HTTP_HOST=host)
    assert form.status_code == 200
    offered = form.context["form"].fields["permissions"].queryset
    data = {
        "name": group.name,
        "permissions": [p.pk for p in group.permissions.all() if p in offered],
    }
    for panel in form.context["permission_panels"]:
        rows = page_rows if panel.prefix == "page_permissions" else []
        data.update(
            {
                f"{panel.prefix}-TOTAL_FORMS": str(len(rows)),
                f"{panel.prefix}-INITIAL_FORMS": "0",
                f"{panel.prefix}-MIN_NUM_FORMS": "0",
                f"{panel.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, (page, codenames) in enumerate(rows):
            data[f"{panel.prefix}-{index}-page"] = str(page.pk)
            data[f"{panel.prefix}-{index}-permissions"] = codenames
    return client.post(url, data, HTTP_HOST=host)


def test_saving_a_group_keeps_its_rights_in_other_associations(two, people, client):
    site_a, site_b = two["a"], two["b"]
    editors_a = _group(site_a, "editor")
    # Rights a platform administrator gave the group on Deema's pages and collection.
    _page_right(editors_a, site_b.root_page, "change_page")
    theirs = association_collection(site_b)
    add_image = Permission.objects.get(
        content_type__app_label="wagtailimages", codename="add_image"
    )
    GroupCollectionPermission.objects.create(
        group=editors_a, collection=theirs, permission=add_image
    )
    # The administrator holds the page rights they give (the rule of grants).
    for codename in ("add_page", "change_page", "lock_page"):
        _page_right(_group(site_a, "administrator"), site_a.root_page, codename)
    login(client, people["admin_a"], site_a)
    # Another association's page is no choice here.
    refused = _save_group(client, HOST_A, editors_a, [(_catalogue(site_b), ["change_page"])])
    assert refused.status_code == 200 and not refused.context["form"].errors
    assert "page" in _panel(refused, "page_permissions").errors[0]
    assert not _catalogue(site_b).group_permissions.filter(group=editors_a).exists()
    saved = _save_group(
        client, HOST_A, editors_a, [(site_a.root_page, ["add_page", "change_page", "lock_page"])]
    )
    assert saved.status_code == 302
    rights = set(editors_a.page_permissions.values_list("page_id", "permission__codename"))
    assert rights == {
        (site_a.root_page_id, "add_page"),
        (site_a.root_page_id, "change_page"),
        (site_a.root_page_id, "lock_page"),
        (site_b.root_page_id, "change_page"),  # kept: not this association's to change
    }
    assert _save_group(client, HOST_A, editors_a, []).status_code == 302
    assert set(editors_a.page_permissions.values_list("page_id", flat=True)) == {
        site_b.root_page_id
    }
    kept = GroupCollectionPermission.objects.filter(group=editors_a, permission=add_image)
    assert set(kept.values_list("collection_id", flat=True)) == {theirs.pk}
    # A superuser changes them all.
    client.force_login(people["root"])
    assert _save_group(client, HOST_A, editors_a, []).status_code == 302
    assert not editors_a.page_permissions.exists()
    assert not GroupCollectionPermission.objects.filter(group=editors_a).exists()


def test_an_administrator_gives_a_group_only_the_page_rights_they_hold(two, people, client):
    site_a = two["a"]
    editors_a = _group(site_a, "editor")
    _page_right(_group(site_a, "administrator"), site_a.root_page, "change_page")

    def rights():
        return set(editors_a.page_permissions.values_list("page_id", "permission__codename"))

    before = rights()
    assert before == {(site_a.root_page_id, "add_page"), (site_a.root_page_id, "change_page")}
    login(client, people["admin_a"], site_a)
    refused = _save_group(
        client,
        HOST_A,
        editors_a,
        [(site_a.root_page, ["add_page", "change_page", "publish_page", "lock_page"])],
    )
    assert refused.status_code == 200
    errors = " ".join(_panel(refused, "page_permissions").non_form_errors())
    assert "publish_page" in errors and "lock_page" in errors and "change_page" not in errors
    assert rights() == before
    # Rights the group has already are kept, and one held above the page may be given on it.
    saved = _save_group(
        client,
        HOST_A,
        editors_a,
        [(_catalogue(site_a), ["change_page"]), (site_a.root_page, ["add_page", "change_page"])],
    )
    assert saved.status_code == 302
    assert rights() == {*before, (_catalogue(site_a).pk, "change_page")}
    # A superuser gives any.
    client.force_login(people["root"])
    saved = _save_group(client, HOST_A, editors_a, [(site_a.root_page, ["publish_page"])])
    assert saved.status_code == 302
    assert rights() == {(site_a.root_page_id, "publish_page")}


# --- the page chooser ------------------------------------------------------------------------


def test_the_page_chooser_lists_the_hosts_pages_only(two, people, client):
    site_a, site_b = two["a"], two["b"]
    login(client, people["admin_a"], site_a)
    root = Page.get_first_root_node()
    browse = client.get(reverse("wagtailadmin_choose_page_child", args=[root.pk]), HTTP_HOST=HOST_A)
    assert browse.status_code == 200
    html = browse.content.decode()
    assert f"/admin/choose-page/{site_a.root_page_id}/" in html
    assert f"/admin/choose-page/{site_b.root_page_id}/" not in html
    search = client.get(
        reverse("wagtailadmin_choose_page_search"),
        {"q": _catalogue(site_b).title},
        HTTP_HOST=HOST_A,
    )
    assert {page.pk for page in search.context["pages"]} <= set(
        Page.objects.descendant_of(site_a.root_page, inclusive=True).values_list("pk", flat=True)
    )
    assert _catalogue(site_b).pk not in {page.pk for page in search.context["pages"]}
    client.force_login(people["root"])
    browse = client.get(reverse("wagtailadmin_choose_page_child", args=[root.pk]), HTTP_HOST=HOST_A)
    assert f"/admin/choose-page/{site_b.root_page_id}/" in browse.content.decode()


def test_the_page_explorer_filters_offer_the_hosts_people_and_association(
    two, people, editor_of_both, client
):
    site_a, site_b = two["a"], two["b"]
    for side in ("a", "b"):
        Page.objects.filter(pk=_catalogue(two[side]).pk).update(owner=people[f"only_{side}"])
    client.force_login(editor_of_both)
    url = reverse("wagtailadmin_explore", args=[site_a.root_page_id])
    response = client.get(url, HTTP_HOST=HOST_A)
    assert response.status_code == 200
    fields = response.context["filters"].form.fields
    assert set(fields["owner"].queryset) == {people["only_a"]}
    assert set(fields["site"].queryset) == {site_a}
    listed = {page.pk for page in response.context["object_list"]}
    assert _catalogue(site_a).pk in listed
    # A search of the whole tree from here finds none of Deema's pages.
    searched = client.get(url, {"q": _catalogue(site_b).title}, HTTP_HOST=HOST_A)
    assert _catalogue(site_b).pk not in {page.pk for page in searched.context["object_list"]}
    client.force_login(people["root"])
    fields = client.get(url, HTTP_HOST=HOST_A).context["filters"].form.fields
    assert {people["only_a"], people["only_b"]} <= set(fields["owner"].queryset)
    assert {site_a, site_b} <= set(fields["site"].queryset)


def test_the_page_chooser_opens_and_returns_no_other_associations_page_by_id(two, people, client):
    site_a, site_b = two["a"], two["b"]
    browse_url = "wagtailadmin_choose_page_child"
    chosen_url = reverse("wagtailadmin_choose_page_chosen_multiple")
    login(client, people["admin_a"], site_a)
    for page in (site_b.root_page, _catalogue(site_b)):
        browse = client.get(reverse(browse_url, args=[page.pk]), HTTP_HOST=HOST_A)
        assert browse.status_code == 404
        assert page.title not in browse.content.decode()
        chosen = client.get(chosen_url, {"id": [page.pk]}, HTTP_HOST=HOST_A)
        assert chosen.status_code == 404
    mixed = client.get(
        chosen_url, {"id": [_catalogue(site_a).pk, _catalogue(site_b).pk]}, HTTP_HOST=HOST_A
    )
    assert mixed.status_code == 404
    # Its own pages, and the tree's root its breadcrumbs link to.
    root = Page.get_first_root_node()
    for page in (root, site_a.root_page):
        assert client.get(reverse(browse_url, args=[page.pk]), HTTP_HOST=HOST_A).status_code == 200
    chosen = client.get(chosen_url, {"id": [_catalogue(site_a).pk]}, HTTP_HOST=HOST_A)
    assert chosen.status_code == 200
    assert chosen.json()["result"][0]["id"] == _catalogue(site_a).pk
    # A superuser: every association's.
    client.force_login(people["root"])
    browse = client.get(reverse(browse_url, args=[site_b.root_page_id]), HTTP_HOST=HOST_A)
    assert browse.status_code == 200
    chosen = client.get(chosen_url, {"id": [_catalogue(site_b).pk]}, HTTP_HOST=HOST_A)
    assert chosen.status_code == 200


# --- adding people and roles: never into another association's groups --------------------------


def test_an_administrator_puts_no_one_into_another_associations_groups(two, people, client):
    site_a, site_b = two["a"], two["b"]
    User = type(people["only_a"])
    theirs = _group(site_b, "editor")
    members = set(theirs.user_set.values_list("pk", flat=True))
    login(client, people["admin_a"], site_a)
    add = reverse("wagtailusers_users:add")
    offered = set(client.get(add, HTTP_HOST=HOST_A).context["form"].fields["groups"].queryset)
    assert offered and all(group.association_role.site_id == site_a.pk for group in offered)
    data = {
        "username": "slipped-in",
        "email": "slipped@example.org",
        "first_name": "اسم",
        "last_name": "العائلة",
        "password1": "a long enough pass-phrase 42",
        "password2": "a long enough pass-phrase 42",
    }
    for groups in ([theirs.pk], [theirs.pk, _group(site_a, "administrator").pk]):
        refused = client.post(add, {**data, "groups": groups}, HTTP_HOST=HOST_A)
        assert refused.status_code == 200 and "groups" in refused.context["form"].errors
    assert not User.objects.filter(username="slipped-in").exists()
    # The bulk "assign role" action offers and takes none of them either.
    only_a = people["only_a"]
    bulk = f"/admin/bulk/wagtailusers/user/assign_role/?id={only_a.pk}"
    form = client.get(bulk, HTTP_HOST=HOST_A)
    if form.status_code == 200:
        assert theirs not in set(form.context["form"].fields["role"].queryset)
    client.post(bulk, {"role": theirs.pk, "action": "assign"}, HTTP_HOST=HOST_A)
    assert set(theirs.user_set.values_list("pk", flat=True)) == members
    # Nor may they make a group (which, named by no association, would count on every host).
    groups_before = Group.objects.count()
    made = client.post(reverse("wagtailusers_groups:add"), {"name": "x"}, HTTP_HOST=HOST_A)
    assert made.status_code in (302, 403, 404) and Group.objects.count() == groups_before
    # On the other association's host they are nobody: its people are not theirs to list.
    listing = client.get("/admin/users/", HTTP_HOST=HOST_B)
    assert listing.status_code in (302, 403, 404)
    assert people["only_b"].username not in listing.content.decode()
