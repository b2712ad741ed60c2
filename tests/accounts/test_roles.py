"""Granting roles: nobody changes their own roles or hands out a permission they do not hold,
and every grant is in the audit log, marked when the role sees personal data."""

import pytest

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction

from wagtail.models import ModelLogEntry

from cms.governance.setup import COMMUNICATIONS_STAFF
from forms import groups
from portal.accounts.roles import acting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def edit_user(client, user, group_names, **extra):
    data = {
        "username": user.username,
        "email": user.email or f"{user.username}@example.org",
        "first_name": user.first_name or "اسم",
        "last_name": user.last_name or "العائلة",
        "is_active": "on",
        "groups": [Group.objects.get(name=name).pk for name in group_names],
        **extra,
    }
    return client.post(f"/admin/users/edit/{user.pk}/", data)


def colleague_of_the_association(username, **fields):
    """A person of the default association (an administrator manages only those who hold one of
    its roles): one of its communications staff."""
    colleague = UserFactory(username=username, **fields)
    colleague.groups.add(Group.objects.get(name=COMMUNICATIONS_STAFF))
    return colleague


def names(user):
    return set(user.groups.values_list("name", flat=True))


def test_an_administrator_cannot_add_themselves_to_the_officers(client, roles):
    admin = roles["administrator"]
    client.force_login(admin)
    response = edit_user(client, admin, [groups.ADMINISTRATORS, groups.OFFICERS])
    assert names(admin) == {groups.ADMINISTRATORS}
    assert response.status_code in (200, 302)
    # And the data stays closed to them.
    assert client.get("/admin/inbox/help-requests/").status_code == 403


@pytest.mark.parametrize(
    "role", [groups.OFFICERS, groups.RESEARCHERS, groups.COMMITTEE, groups.VOLUNTEER_COORDINATORS]
)
def test_an_administrator_cannot_grant_roles_that_read_submissions(client, roles, role):
    colleague = colleague_of_the_association("colleague", first_name="سعد", last_name="القحطاني")
    client.force_login(roles["administrator"])
    form = client.get(f"/admin/users/edit/{colleague.pk}/").content.decode()
    offered = Group.objects.get(name=groups.ADMINISTRATORS).pk
    refused = Group.objects.get(name=role).pk
    assert f'value="{offered}"' in form and f'value="{refused}"' not in form
    response = edit_user(client, colleague, [role])
    assert response.status_code == 200  # the form again, with the reason
    assert names(colleague) == {COMMUNICATIONS_STAFF}


def test_an_administrator_grants_roles_within_their_own_and_it_is_audited(client, roles):
    colleague = colleague_of_the_association("colleague2", first_name="منى", last_name="الشهري")
    admin = roles["administrator"]
    client.force_login(admin)
    response = edit_user(client, colleague, [groups.ADMINISTRATORS])
    assert response.status_code == 302
    assert names(colleague) == {groups.ADMINISTRATORS}
    entry = ModelLogEntry.objects.for_instance(colleague).get(action="sila.role_grant", user=admin)
    assert entry.user == admin
    assert entry.data == {"group": groups.ADMINISTRATORS, "personal_data": False}


def test_a_superuser_grant_of_a_role_that_sees_personal_data_is_marked(client, roles, superuser):
    colleague = UserFactory(username="newofficer", first_name="هند", last_name="الزهراني")
    client.force_login(superuser)
    assert edit_user(client, colleague, [groups.OFFICERS]).status_code == 302
    entry = ModelLogEntry.objects.for_instance(colleague).get(action="sila.role_grant")
    assert entry.data["personal_data"] is True and entry.user == superuser
    # Withdrawing is recorded too.
    assert edit_user(client, colleague, []).status_code == 302
    assert ModelLogEntry.objects.for_instance(colleague).filter(action="sila.role_withdraw")


def test_nobody_changes_their_own_roles_even_a_superuser_through_the_form(client, superuser):
    client.force_login(superuser)
    edit_user(client, superuser, [groups.OFFICERS])
    assert names(superuser) == set()


def test_the_bulk_role_action_refuses_self_escalation(client, roles):
    admin = roles["administrator"]
    client.force_login(admin)
    officers = Group.objects.get(name=groups.OFFICERS)
    client.post(
        f"/admin/bulk/wagtailusers/user/assign_role/?id={admin.pk}",
        {"role": officers.pk},
    )
    assert names(admin) == {groups.ADMINISTRATORS}


def test_an_administrator_cannot_give_their_group_permissions_they_lack(client, roles):
    group = Group.objects.get(name=groups.ADMINISTRATORS)
    view_help = Permission.objects.get(codename="view_helprequest")
    client.force_login(roles["administrator"])
    # The database's edge refuses, whatever the door.
    with pytest.raises(PermissionDenied), transaction.atomic(), acting(roles["administrator"]):
        group.permissions.add(view_help)
    assert not group.permissions.filter(pk=view_help.pk).exists()
    assert (
        not roles["administrator"]
        .__class__.objects.get(pk=roles["administrator"].pk)
        .has_perm("intake.view_helprequest")
    )


def test_only_a_superuser_makes_a_superuser(client, roles):
    colleague = UserFactory(username="ambitious", first_name="ماجد", last_name="الغامدي")
    client.force_login(roles["administrator"])
    edit_user(client, colleague, [], is_superuser="on")
    colleague.refresh_from_db()
    assert not colleague.is_superuser
    colleague.is_superuser = True
    with pytest.raises(PermissionDenied), transaction.atomic(), acting(roles["administrator"]):
        colleague.save()
