"""Roles per association: each association has its own group per role, and a role's
permissions count only on its association's host."""

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory

from wagtail.models import GroupPagePermission, Site

from forms import groups
from portal.accounts.associations import association_roles_create, roles_in
from portal.accounts.roles import grantable_groups, role_grant_errors
from portal.core.associations import (
    CurrentAssociationMiddleware,
    association,
    current_site,
    site_for_request,
)
from portal.core.roles import declared_roles
from portal.models import RoleGroup
from tests.associations import OTHER_HOST, association_add, member_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "officer",
    "researcher",
    "committee",
    "coordinator",
    "complaints",
    "administrator",
    "editor",
    "secretary",
]


@pytest.fixture
def two(db):
    groups.ensure_inbox_groups()
    return Site.objects.get(is_default_site=True), association_add()


def test_every_declared_role_has_a_group_per_association(two):
    default, other = two
    assert set(declared_roles()) == set(ROLES)
    for site in two:
        links = RoleGroup.objects.filter(site=site)
        assert set(links.values_list("role", flat=True)) == set(ROLES)
    # The default association keeps today's (persisted) names; the other's carry its name.
    officers = Group.objects.get(association_role__site=default, association_role__role="officer")
    assert officers.name == groups.OFFICERS
    theirs = Group.objects.get(association_role__site=other, association_role__role="officer")
    assert theirs.name == f"{groups.OFFICERS} — جمعية أخرى"


@pytest.mark.parametrize("role", ROLES)
def test_the_groups_of_a_role_hold_the_same_permissions(two, role):
    default, other = two
    mine, theirs = (
        set(
            Group.objects.get(
                association_role__site=site, association_role__role=role
            ).permissions.values_list("content_type__app_label", "codename")
        )
        for site in two
    )
    assert mine == theirs
    assert mine >= set(declared_roles()[role].permissions)


def test_making_the_roles_again_changes_nothing(two):
    _default, other = two
    before = {slug: group.pk for slug, group in association_roles_create(other).items()}
    assert {slug: group.pk for slug, group in association_roles_create(other).items()} == before
    assert RoleGroup.objects.filter(site=other).count() == len(ROLES)


def test_page_tree_roles_hold_page_rights_on_their_association_only(two):
    _default, other = two
    editors = Group.objects.get(association_role__site=other, association_role__role="editor")
    pages = set(GroupPagePermission.objects.filter(group=editors).values_list("page_id", flat=True))
    assert pages == {other.root_page_id}


@pytest.mark.parametrize("role", ROLES)
def test_a_role_counts_only_on_its_association_host(two, role):
    default, other = two
    user = member_of(other, role)
    permissions = declared_roles()[role].permissions
    with association(other):
        assert all(user.has_perm(f"{app}.{code}") for app, code in permissions)
    with association(default):
        assert not any(user.has_perm(f"{app}.{code}") for app, code in permissions)
    assert roles_in(user, other) == {role} and roles_in(user, default) == set()


def test_a_user_with_roles_in_two_associations_holds_each_on_its_own_host(two):
    default, other = two
    user = member_of(default, "officer")
    member_of(other, "coordinator", user=user)
    with association(default):
        assert user.has_perm("intake.view_helprequest")
        assert not user.has_perm("intake.view_volunteerapplication")
    with association(other):
        assert user.has_perm("intake.view_volunteerapplication")
        assert not user.has_perm("intake.view_helprequest")


def test_platform_wide_groups_count_everywhere(two):
    default, other = two
    platform = Group.objects.create(name="مديرو المنصة")
    user = member_of(default, "officer")
    user.groups.add(platform)
    platform.permissions.add(
        *Group.objects.get(name=groups.ADMINISTRATORS).permissions.filter(codename="view_user")
    )
    for site in two:
        with association(site):
            assert user.has_perm("auth.view_user")


def test_with_perm_finds_only_the_current_association_members(two):
    default, other = two
    mine, theirs = member_of(default, "officer"), member_of(other, "officer")
    with association(other):
        found = set(
            get_user_model().objects.with_perm(
                "intake.view_helprequest", backend="portal.accounts.associations.SiteRoleBackend"
            )
        )
    assert theirs in found and mine not in found


def test_the_middleware_makes_the_host_association_current(two):
    default, other = two
    seen = {}

    def view(request):
        seen["site"] = current_site()
        return None

    middleware = CurrentAssociationMiddleware(view)
    middleware(RequestFactory().get("/", HTTP_HOST=OTHER_HOST))
    assert seen["site"] == other
    assert current_site() is None  # nothing is left behind for the next piece of work
    middleware(RequestFactory().get("/", HTTP_HOST="unknown.example.org"))
    assert seen["site"] == default
    assert site_for_request(RequestFactory().get("/", HTTP_HOST=OTHER_HOST)) == other


def test_an_administrator_grants_no_group_of_another_association(two):
    default, other = two
    admin = member_of(default, "administrator")
    their_admins = Group.objects.get(
        association_role__site=other, association_role__role="administrator"
    )
    my_admins = Group.objects.get(
        association_role__site=default, association_role__role="administrator"
    )
    with association(default):
        grantable = set(grantable_groups(admin))
    assert my_admins in grantable and their_admins not in grantable
    with association(default):
        errors = role_grant_errors(actor=admin, user=UserFactory(), groups=[their_admins])
    assert errors
