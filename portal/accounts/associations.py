"""Roles per association. Each association (a Wagtail `Site`) has its own group per declared role
(portal.core.roles.role_declare), and a role's permissions count only on its association's host.

- `SiteRoleBackend` (settings.AUTHENTICATION_BACKENDS): a group's permissions count when the group
  is platform-wide (no RoleGroup) or its association is the current one. A user with roles in two
  associations therefore holds each only on that association's host.
- `association_roles_create(site)`: the service that makes (or completes) an association's groups.
- `roles_in(user, site)`: which roles a user holds in an association.

Superusers keep Django's meaning (every permission, everywhere): they are the install's operators.
Platform administrators are a platform-wide group that manages associations and their
administrators and holds no permission of an association's work, so they see no submission
unless they also hold a role in that association."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Length, Substr

from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageLogEntry,
    Site,
)

from portal.core.associations import current_or_default_site
from portal.core.roles import Role, declared_roles
from portal.core.trees import collection_child_add
from portal.models import AssociationCollection, RoleGroup


def _site_groups(site_id: int | None) -> Q:
    """Groups that count on `site_id`'s host: platform-wide ones and that association's."""
    return Q(group__association_role__isnull=True) | Q(group__association_role__site_id=site_id)


class SiteRoleBackend(ModelBackend):
    """Django's model backend, with group permissions counted only on their association's host
    (outside a request and without an `association` block: the default association's)."""

    def _get_group_permissions(self, user_obj):
        site = current_or_default_site()
        return Permission.objects.filter(
            _site_groups(site.pk if site else None), group__user=user_obj
        )

    def _get_permissions(self, user_obj, obj, from_name):
        # Django caches the permissions on the user object; the cache is kept per association,
        # since the same user object may be asked on behalf of two.
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        site = current_or_default_site()
        cache_name = f"_{from_name}_perm_cache_{site.pk if site else 0}"
        if not hasattr(user_obj, cache_name):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            perms = perms.values_list("content_type__app_label", "codename").order_by()
            setattr(user_obj, cache_name, {f"{ct}.{name}" for ct, name in perms})
        return getattr(user_obj, cache_name)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        site = current_or_default_site()
        cache_name = f"_perm_cache_{site.pk if site else 0}"
        if not hasattr(user_obj, cache_name):
            self._read_permissions(user_obj, site.pk if site else 0)
            setattr(
                user_obj,
                cache_name,
                {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)},
            )
        return getattr(user_obj, cache_name)

    def _read_permissions(self, user_obj, site_id: int) -> None:
        """The user's own permissions and their groups' in one query (each page of the admin
        asks both), kept where `get_user_permissions` and `get_group_permissions` find them."""
        names = {source: f"_{source}_perm_cache_{site_id}" for source in ("user", "group")}
        if user_obj.is_superuser or any(hasattr(user_obj, name) for name in names.values()):
            return
        found = {source: set() for source in names}
        rows = (
            self._get_user_permissions(user_obj)
            .annotate(source=Value("user", output_field=CharField()))
            .values_list("source", "content_type__app_label", "codename")
            .order_by()
            .union(
                self._get_group_permissions(user_obj)
                .annotate(source=Value("group", output_field=CharField()))
                .values_list("source", "content_type__app_label", "codename")
                .order_by(),
                all=True,
            )
        )
        for source, app_label, codename in rows:
            found[source].add(f"{app_label}.{codename}")
        for source, name in names.items():
            setattr(user_obj, name, found[source])

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        """Users holding `perm` on the current association's host."""
        users = super().with_perm(perm, is_active, include_superusers, obj)
        if obj is not None or not isinstance(perm, str | Permission):
            return users
        app_label, codename = (
            (perm.content_type.app_label, perm.codename)
            if isinstance(perm, Permission)
            else perm.split(".", 1)
        )
        site = current_or_default_site()
        held = Q(
            user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
        )
        groups = Group.objects.filter(
            Q(association_role__isnull=True)
            | Q(association_role__site_id=site.pk if site else None),
            permissions__codename=codename,
            permissions__content_type__app_label=app_label,
        )
        if include_superusers:
            held |= Q(is_superuser=True)
        return users.filter(held | Q(groups__in=groups)).distinct()


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def association_name(site: Site) -> str:
    return site.site_name or site.hostname


def role_group_name(role: Role, site: Site) -> str:
    """The default association keeps today's names (they are persisted); every other
    association's group is "<group name> — <association>"."""
    if site.is_default_site:
        return role.group_name
    return f"{role.group_name} — {association_name(site)}"[:150]


def association_collection(site: Site, *, models=apps) -> Collection | None:
    """The collection an association's images and documents live in: the root collection for
    the default association; for every other the collection bound to it (AssociationCollection),
    made under the root and bound the first time it is asked for. Bound by its row, never found
    by its name: renaming it keeps it the association's, and a collection named after an
    association is not that association's. `models`: the installed apps, or a data migration's
    historical models (`site` then one of theirs)."""
    collections = models.get_model("wagtailcore", "Collection").objects
    links = models.get_model("portal", "AssociationCollection").objects
    root = collections.filter(depth=1).order_by("path").first()
    if root is None or site.is_default_site:
        return root
    link = links.filter(site_id=site.pk).select_related("collection").first()
    if link is not None:
        return link.collection
    collection = collection_child_add(collections.model, root, association_name(site)[:255])
    links.create(site_id=site.pk, collection=collection)
    return collection


@transaction.atomic
def association_roles_create(site: Site, *, collection: Collection | None = None) -> dict:
    """{role slug: Group}: the association's group per declared role, made or completed
    (idempotent), each holding exactly its role's permissions; page-tree roles also get their
    page permissions on the association's root page and collection permissions on its collection
    (`collection`, or the association's own)."""
    groups: dict[str, Group] = {}
    existing = {
        link.role: link.group
        for link in RoleGroup.objects.filter(site=site).select_related("group")
    }
    roles = declared_roles()
    if any(role.collection_permissions for role in roles.values()) and collection is None:
        collection = association_collection(site)
    for slug, role in roles.items():
        group = existing.get(slug)
        if group is None:
            group, _created = Group.objects.get_or_create(name=role_group_name(role, site))
            RoleGroup.objects.update_or_create(group=group, defaults={"site": site, "role": slug})
        group.permissions.add(*(_permission(app, codename) for app, codename in role.permissions))
        for codename in role.page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page_id=site.root_page_id,
                permission=_permission("wagtailcore", codename),
            )
        if collection is not None:
            for app, codename in role.collection_permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=_permission(app, codename)
                )
        groups[slug] = group
    return groups


def association_roles_ensure_all() -> None:
    """After every migrate: the default association's roles, and every association's roles
    completed with what their declarations hold now."""
    site_ids = set(RoleGroup.objects.values_list("site_id", flat=True).distinct())
    default = Site.objects.filter(is_default_site=True).first()
    if default is not None:
        site_ids.add(default.pk)
    for site in Site.objects.filter(pk__in=site_ids):
        association_roles_create(site)


# --- reads ------------------------------------------------------------------------------------


def roles_in(user, site: Site) -> set[str]:
    """The slugs of the roles `user` holds in the association `site`."""
    if not (user and user.is_authenticated):
        return set()
    return set(RoleGroup.objects.filter(site=site, group__user=user).values_list("role", flat=True))


def role_of_group(group: Group) -> Role | None:
    """The declared role a group is for (None: a platform-wide group)."""
    link = getattr(group, "association_role", None) if group.pk else None
    return declared_roles().get(link.role) if link is not None else None


def association_groups(site: Site):
    """The groups whose permissions count on `site`'s host: platform-wide ones and its own."""
    return Group.objects.filter(Q(association_role__isnull=True) | Q(association_role__site=site))


def association_group(site: Site, group_name: str) -> Group | None:
    """The group an app names by its default name (a kind's triage or escalation group), as it
    is in association `site`: that association's group for the role, or — for a group no role
    declares — the platform-wide group of that name."""
    role = next((r for r in declared_roles().values() if r.group_name == group_name), None)
    if role is None:
        return Group.objects.filter(name=group_name).first()
    return Group.objects.filter(
        association_role__site=site, association_role__role=role.slug
    ).first()


def association_group_members(site: Site, group_name: str):
    """Active users in `group_name` as it is in association `site` (none when there is none)."""
    User = get_user_model()
    group = association_group(site, group_name)
    if group is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, groups=group)


# --- whom an administrator manages ------------------------------------------------------------
# An association's administrators manage the people and groups of their association only: its
# users are those holding one of its groups, its groups are its role groups. Superusers and
# platform administrators manage every association's.

PLATFORM_PERMISSION = "wagtailcore.add_site"  # held by platform administrators (and superusers)


def manages_every_association(user) -> bool:
    """Superusers and platform administrators: the user and group screens show them all."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_perm(PLATFORM_PERMISSION)


def association_member_ids(site: Site | None):
    """A subquery of the ids of the users holding one of association `site`'s groups."""
    User = get_user_model()
    return User.groups.through.objects.filter(group__association_role__site=site).values("user_id")


def users_in_scope(actor, users, site: Site | None = None):
    """`users` narrowed to those `actor` manages in association `site` (else the current one)."""
    if manages_every_association(actor):
        return users
    site = site or current_or_default_site()
    return users.filter(pk__in=association_member_ids(site))


def groups_in_scope(actor, groups, site: Site | None = None):
    """`groups` narrowed to those `actor` manages in association `site` (else the current one)."""
    if manages_every_association(actor):
        return groups
    site = site or current_or_default_site()
    return groups.filter(association_role__site=site)


def holds_more_than(user, site: Site | None) -> bool:
    """Whether `user` is more than a member of association `site`: a superuser, or a holder of a
    group that is not `site`'s (another association's, or a platform-wide one). An association's
    administrator changes only such a user's roles in their association: the account itself
    (name, address, password, second factor, whether active, deleting it) is not theirs alone."""
    if user.pk is None:
        return False
    known = getattr(user, "holds_groups_elsewhere", None)  # annotated by lists (below)
    if known is not None:
        return user.is_superuser or known
    return user.is_superuser or user.groups.exclude(association_role__site=site).exists()


def with_groups_elsewhere(users, site: Site | None):
    """`users` annotated with whether each holds a group that is not `site`'s, so that a list
    asks `holds_more_than` without a query per row."""
    User = get_user_model()
    elsewhere = User.groups.through.objects.filter(user_id=OuterRef("pk")).exclude(
        group__association_role__site=site
    )
    return users.annotate(holds_groups_elsewhere=Exists(elsewhere))


def manages_account(actor, user, site: Site | None = None) -> bool:
    """Whether `actor` may change `user`'s account itself (not only their roles) on `site`."""
    if manages_every_association(actor):
        return True
    return not holds_more_than(user, site or current_or_default_site())


# --- what else an association's staff see of the install: pages, collections, the audit log ----
# The same rule as for people and groups: on an association's host, its staff see its pages, its
# collections and the audit entries of what is its own; superusers and platform administrators
# see every association's.


def pages_in_scope(actor, pages, site: Site | None = None):
    """`pages` narrowed to association `site`'s tree (else the current association's): its home
    and every page under it."""
    if manages_every_association(actor):
        return pages
    site = site or current_or_default_site()
    if site is None:
        return pages.none()
    root_path = Page.objects.filter(pk=site.root_page_id).values_list("path", flat=True).first()
    return pages.filter(path__startswith=root_path) if root_path else pages.none()


def collections_in_scope(actor, collections, site: Site | None = None):
    """`collections` narrowed to association `site`'s (else the current association's): for the
    default association the whole tree but the collections bound to the other associations; for
    every other association the collection bound to it and those under it
    (`association_collection`). Superusers and platform administrators: every collection."""
    if manages_every_association(actor):
        return collections
    site = site or current_or_default_site()
    if site is None:
        return collections.none()
    if site.is_default_site:
        # one condition, however many associations: no other association's collection is an
        # ancestor of (or is) the collection
        others = AssociationCollection.objects.exclude(site=site).filter(
            collection__path=Substr(OuterRef("path"), 1, Length("collection__path"))
        )
        return collections.exclude(Exists(others))
    own = AssociationCollection.objects.select_related("collection").filter(site=site).first()
    return collections.filter(path__startswith=own.collection.path) if own else collections.none()


def _keys(queryset):
    """The primary keys of `queryset` as text (how log entries name the object they are about)."""
    return queryset.annotate(sila_key=Cast("pk", output_field=CharField())).values("sila_key")


def _rows_in_scope(actor, model, site: Site):
    """The rows of `model` that are association `site`'s, as far as they say: people and groups
    in scope, the association itself, rows with an association key; None for any other model
    (its rows name no association)."""
    User = get_user_model()
    if model is User:
        return users_in_scope(actor, User._base_manager.all(), site)
    if model is Group:
        return groups_in_scope(actor, Group.objects.all(), site)
    if model is Site:
        return Site.objects.filter(pk=site.pk)
    field = next(
        (
            f
            for f in model._meta.concrete_fields
            if f.name == "site" and f.is_relation and f.related_model is Site
        ),
        None,
    )
    if field is not None:
        return model._base_manager.filter(site=site)
    return None


def log_entries_in_scope(actor, entries, site: Site | None = None):
    """Audit-log entries (`entries`: a queryset of a Wagtail log entry model) narrowed to those
    about association `site`'s own (else the current association's): its pages, its people and
    groups, its rows; an entry about a model whose rows name no association is kept."""
    if manages_every_association(actor):
        return entries
    site = site or current_or_default_site()
    if site is None:
        return entries.none()
    if entries.model is PageLogEntry or issubclass(entries.model, PageLogEntry):
        return entries.filter(page__in=pages_in_scope(actor, Page.objects.all(), site))
    foreign = Q()
    for model in apps.get_models():
        rows = _rows_in_scope(actor, model, site)
        if rows is not None:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            foreign |= Q(content_type=content_type) & ~Q(object_id__in=_keys(rows))
    return entries.exclude(foreign) if foreign else entries
