"""The admin's sidebar, kept per person, association and language, and drawn again when what it
shows may have changed.

Wagtail draws the sidebar (`{% sidebar_props %}`) on every admin page: each menu item and search
area asks its permission policy (pages, collections, sites, roles: six queries) and the menu is
packed for the browser, about a third of the time of a page such as an inbox's list. What it
shows depends on the person (their roles, groups and permissions, name, avatar, dismissed
notices), the association whose host serves the page, the language, and the page tree (the
policy catalogue's import item): a change to any of them clears every kept sidebar (a version,
as the site's menu does, portal.menu). A change made past the models' signals (a queryset's
`update`) shows within `SECONDS` at most. The menu only leads to views: each view still asks
its permissions."""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Site,
    get_page_models,
)
from wagtail.signals import post_page_move
from wagtail.users.models import UserProfile

from portal.core.associations import current_site_id
from portal.models import RoleGroup

VERSION_KEY = "sila:admin-sidebar:version"
SECONDS = 120


def sidebar_key(user_id: int, site_id: int, language: str) -> str:
    return f"sila:admin-sidebar:{user_id}:{site_id}:{language}"


def cached_sidebar_props(draw, context) -> str:
    """What `draw(context)` (Wagtail's `sidebar_props`) writes for the request's user, drawn
    again only when the version has moved since, or after `SECONDS`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return draw(context)
    key = sidebar_key(user.pk, current_site_id() or 0, get_language() or "")
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = _new_version()
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return mark_safe(kept[1])  # noqa: S308 - what Wagtail's tag wrote (json_script), kept
    props = draw(context)
    cache.set(key, (version, str(props)), SECONDS)
    return props


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def forget_sidebars(**kwargs) -> None:
    _new_version()


def connect_signals() -> None:
    """Every model whose rows change what a sidebar shows: roles, groups and their permissions,
    people and their profiles, associations, collections and the page tree."""
    user_model = get_user_model()
    models = [
        user_model,
        UserProfile,
        Group,
        RoleGroup,
        GroupPagePermission,
        GroupCollectionPermission,
        GroupSitePermission,
        Site,
        Collection,
        *get_page_models(),
    ]
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                forget_sidebars,
                sender=model,
                dispatch_uid=f"sila-admin-sidebar-{signal is post_save}-{model._meta.label}",
            )
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            forget_sidebars,
            sender=through,
            dispatch_uid=f"sila-admin-sidebar-m2m-{through._meta.label}",
        )
    post_page_move.connect(forget_sidebars, dispatch_uid="sila-admin-sidebar-moved")


def keep_sidebars() -> None:
    """Wagtail's `{% sidebar_props %}` (loaded with `wagtailadmin_tags` by its base template),
    answered through `cached_sidebar_props`."""
    from django.template import Library

    from wagtail.admin.templatetags import wagtailadmin_tags

    draw = wagtailadmin_tags.sidebar_props
    library = Library()

    @library.simple_tag(takes_context=True, name="sidebar_props")
    def sidebar_props(context):
        return cached_sidebar_props(draw, context)

    wagtailadmin_tags.register.tags["sidebar_props"] = library.tags["sidebar_props"]
