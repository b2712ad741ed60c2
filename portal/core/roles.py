"""Roles are groups holding exactly the permissions an app lists for them, made again after
every migrate, so a fresh install has them."""

from collections.abc import Callable, Iterable

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
