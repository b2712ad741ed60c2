"""Roles are groups holding exactly the permissions an app lists for them, made again after
every migrate, so a fresh install has them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission


def group_ensure(*, name: str, permissions: Iterable[tuple[str, str]]) -> Group:
    """The group `name` with (at least) these (app label, codename) permissions."""
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in permissions
        )
    )
    return group


def roles_after_migrate(app_label: str, ensure: Callable[[], None]) -> Callable:
    """A post_migrate receiver that makes an app's roles once that app is migrated. Migrate
    signals app by app, and roles take other apps' permissions too, so all of them are made
    first."""

    def receiver(sender, using="default", **kwargs) -> None:
        if sender.label != app_label:
            return
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0, using=using)
        ensure()

    return receiver


# --- Who must prove a second factor, whose grants are audited --------------------------------
# Apps declare the permissions that open personal data (each kind's view permission) and the
# ones that manage others (users, groups, the board's records). The kernel keeps the two lists
# so that sign-in, role granting and the admin's closures ask one place.

_PERSONAL_DATA_PERMISSIONS: set[str] = set()
_PRIVILEGED_PERMISSIONS: set[str] = {
    "auth.add_user",
    "auth.change_user",
    "auth.add_group",
    "auth.change_group",
}


def permissions_register(*, personal_data: Iterable[str] = (), privileged: Iterable[str] = ()):
    """Declare "app_label.codename" permissions that read personal data or manage others."""
    _PERSONAL_DATA_PERMISSIONS.update(personal_data)
    _PRIVILEGED_PERMISSIONS.update(privileged)


def personal_data_permissions() -> frozenset[str]:
    return frozenset(_PERSONAL_DATA_PERMISSIONS)


def sees_personal_data(user) -> bool:
    """Whether the user holds a permission that opens applicants' personal data."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or any(user.has_perm(p) for p in _PERSONAL_DATA_PERMISSIONS)


def needs_second_factor(user) -> bool:
    """Superusers, every role that sees personal data, and every role that manages others."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return sees_personal_data(user) or any(user.has_perm(p) for p in _PRIVILEGED_PERMISSIONS)


def group_sees_personal_data(group: Group) -> bool:
    labels = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    return bool(labels & _PERSONAL_DATA_PERMISSIONS)


# --- The roles an association has ---------------------------------------------------------------
# Apps declare each role once: its slug, the name of the default association's group (persisted:
# it never changes), what a member is called, and its permissions. Every association gets its own
# group per role (portal.accounts.associations makes them); page-tree roles also hold page
# permissions on their association's root page and collection permissions on its collection.


@dataclass(frozen=True)
class Role:
    slug: str
    group_name: str  # the default association's group; others are "<group name> — <association>"
    label: object  # what a member is called, in the admin's language (lazy)
    permissions: tuple[tuple[str, str], ...]
    page_permissions: tuple[str, ...] = ()  # wagtailcore codenames on the association's root page
    collection_permissions: tuple[tuple[str, str], ...] = ()  # on the association's collection


_ROLES: dict[str, Role] = {}


def role_declare(
    slug: str,
    *,
    group_name: str,
    label,
    permissions: Iterable[tuple[str, str]],
    page_permissions: Iterable[str] = (),
    collection_permissions: Iterable[tuple[str, str]] = (),
) -> Role:
    role = Role(
        slug=slug,
        group_name=group_name,
        label=label,
        permissions=tuple(permissions),
        page_permissions=tuple(page_permissions),
        collection_permissions=tuple(collection_permissions),
    )
    _ROLES[slug] = role
    return role


def declared_roles() -> dict[str, Role]:
    """{slug: role} of every role an association has, in the order they were declared."""
    return dict(_ROLES)
