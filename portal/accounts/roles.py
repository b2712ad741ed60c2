"""Granting roles: nobody changes their own roles, nobody hands out a permission they do not
hold (superusers excepted), and every grant, withdrawal and change of a group's permissions is
in the audit log, marked when the role sees personal data.

The user and group screens check these rules in their forms (portal.accounts.users); the
signal receivers below hold them for every other door (bulk actions, a shell with an actor)."""

import contextlib
import contextvars
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.signals import m2m_changed, pre_save
from django.utils.translation import gettext as _

from wagtail.log_actions import log
from wagtail.models import GroupPagePermission

from portal.accounts.associations import manages_every_association
from portal.core.associations import current_or_default_site
from portal.core.roles import group_sees_personal_data

_actor: contextvars.ContextVar = contextvars.ContextVar("sila_actor", default=None)


@contextlib.contextmanager
def acting(user):
    """Within this block, changes of roles are made by `user` (None: the system itself, such as
    migrations, the demo loader or a command)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    return _actor.get()


def _labels(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def grantable_groups(actor):
    """The groups `actor` may hand out: every group for a superuser, else those of the current
    association whose every permission the actor holds — never another association's, whatever
    their permissions. Platform-wide groups (which count on every host) are only for platform
    administrators to hand out."""
    groups = Group.objects.all()
    if actor.is_superuser:
        return groups
    site = current_or_default_site()
    site_id = site.pk if site else None
    if manages_every_association(actor):
        groups = groups.filter(
            Q(association_role__isnull=True) | Q(association_role__site_id=site_id)
        )
    else:
        groups = groups.filter(association_role__site_id=site_id)
    held = actor.get_all_permissions()
    allowed = [
        group.pk
        for group in groups.prefetch_related("permissions__content_type")
        if _labels(group.permissions.all()) <= held
    ]
    return groups.filter(pk__in=allowed)


def role_grant_errors(*, actor, user, groups: Iterable[Group]) -> list[str]:
    """Why `actor` may not add `groups` to `user` (empty when they may)."""
    groups = list(groups)
    if not groups or actor is None:
        return []
    if user.pk is not None and actor.pk == user.pk:
        return [_("You cannot change your own roles. Ask another administrator.")]
    allowed = set(grantable_groups(actor).values_list("pk", flat=True))
    return [
        _("You cannot grant “%(group)s”: it holds permissions you do not have. Ask a superuser.")
        % {"group": group.name}
        for group in groups
        if group.pk not in allowed
    ]


def permission_grant_errors(*, actor, permissions: Iterable[Permission]) -> list[str]:
    """Why `actor` may not add `permissions` to a group (empty when they may)."""
    if actor is None or actor.is_superuser:
        return []
    missing = sorted(_labels(permissions) - actor.get_all_permissions())
    if not missing:
        return []
    return [
        _("You cannot give a group permissions you do not have: %(permissions)s.")
        % {"permissions": ", ".join(missing)}
    ]


def page_permission_grant_errors(*, actor, rights: Iterable[tuple]) -> list[str]:
    """Why `actor` may not give a group the page rights `rights` ((page, Permission) pairs):
    a right on a page counts as held when one of the actor's groups counting on this host holds
    it on that page or above it (empty when they may; superusers may give any)."""
    rights = list(rights)
    if not rights or actor is None or actor.is_superuser:
        return []
    site = current_or_default_site()
    held = GroupPagePermission.objects.filter(
        Q(group__association_role__isnull=True)
        | Q(group__association_role__site_id=site.pk if site else None),
        group__user=actor,
    ).values_list("page__path", "permission__codename")
    held = list(held) if actor.is_active else []
    missing = sorted(
        {
            f"{permission.codename} ({page.get_admin_display_title()})"
            for page, permission in rights
            if not any(
                page.path.startswith(path) and permission.codename == codename
                for path, codename in held
            )
        }
    )
    if not missing:
        return []
    return [
        _("You cannot give a group page permissions you do not have: %(permissions)s.")
        % {"permissions": ", ".join(missing)}
    ]


# --- every door: refuse and audit at the database's edge -------------------------------------


def _user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("pre_add", "post_add", "post_remove", "pre_clear"):
        return
    User = get_user_model()
    if reverse:  # group.user_set.add(users)
        pairs = [(user, instance) for user in User.objects.filter(pk__in=pk_set or ())]
        if action == "pre_clear":
            pairs = [(user, instance) for user in instance.user_set.all()]
    else:
        groups = Group.objects.filter(pk__in=pk_set or ())
        if action == "pre_clear":
            groups = instance.groups.all()
        pairs = [(instance, group) for group in groups]
    actor = current_actor()
    if action == "pre_add":
        for user, group in pairs:
            errors = role_grant_errors(actor=actor, user=user, groups=[group])
            if errors:
                raise PermissionDenied(errors[0])
        return
    for user, group in pairs:
        log(
            instance=user,
            action="sila.role_grant" if action == "post_add" else "sila.role_withdraw",
            user=actor,
            data={"group": group.name, "personal_data": group_sees_personal_data(group)},
        )


def _group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or action not in ("pre_add", "post_add", "post_remove"):
        return
    permissions = Permission.objects.filter(pk__in=pk_set or ()).select_related("content_type")
    actor = current_actor()
    if action == "pre_add":
        errors = permission_grant_errors(actor=actor, permissions=permissions)
        if errors:
            raise PermissionDenied(errors[0])
        return
    if actor is None:
        return  # the roles every install has, made again after each migrate
    log(
        instance=instance,
        action="sila.group_permissions",
        user=actor,
        data={
            "added" if action == "post_add" else "removed": sorted(_labels(permissions)),
            "personal_data": group_sees_personal_data(instance),
        },
    )


def _superuser_granted(sender, instance, raw=False, **kwargs):
    actor = current_actor()
    if raw or actor is None or actor.is_superuser or not instance.is_superuser:
        return
    was = (
        sender.objects.filter(pk=instance.pk, is_superuser=True).exists() if instance.pk else False
    )
    if not was:
        raise PermissionDenied(_("Only a superuser can make someone a superuser."))


def connect_signals() -> None:
    User = get_user_model()
    m2m_changed.connect(
        _user_groups_changed, sender=User.groups.through, dispatch_uid="sila-role-grant"
    )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="sila-group-permissions",
    )
    pre_save.connect(_superuser_granted, sender=User, dispatch_uid="sila-superuser-grant")
