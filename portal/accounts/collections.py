"""Images and documents in the association's scope: Wagtail's collection permission policy, with
a group's collection rights counting only on its association's host (like its other permissions,
portal.accounts.associations.SiteRoleBackend) and only within the association's collections
(`collections_in_scope`). Without it the default association's roles, which hold their rights on
the root collection, would reach every association's files below it, and a person with roles in
two associations would take the rights of one to the other's host.

Registered for Wagtail's image and document models (portal.wagtail_hooks), so the listings, edit
and delete screens, usage, choosers and upload forms all ask it."""

from wagtail.models import Collection
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy

from portal.accounts.associations import _site_groups, collections_in_scope
from portal.core.associations import current_or_default_site


def _site_id() -> int | None:
    site = current_or_default_site()
    return site.pk if site else None


class AssociationCollectionPolicy(CollectionOwnershipPermissionPolicy):
    @property
    def permission_cache_name(self):
        # Cached on the user object per association, as the same object may be asked for two.
        return f"_collection_permission_cache_{_site_id() or 0}"

    def get_all_permissions_for_user(self, user):
        return super().get_all_permissions_for_user(user).filter(_site_groups(_site_id()))

    def _collections_with_perm(self, user, actions):
        return collections_in_scope(user, super()._collections_with_perm(user, actions))

    def _check_perm(self, user, actions, collection=None):
        if (
            collection is not None
            and user.is_active
            and not user.is_superuser
            and collection.pk not in self._collections_in_scope(user)
        ):
            return False
        return super()._check_perm(user, actions, collection=collection)

    def _collections_in_scope(self, user) -> set[int]:
        """The ids of the collections in the user's scope on this host: read once per user
        object and association (a listing asks for each of its files)."""
        name = f"_collections_in_scope_{_site_id() or 0}"
        ids = getattr(user, name, None)
        if ids is None:
            ids = set(
                collections_in_scope(user, Collection.objects.all()).values_list("pk", flat=True)
            )
            setattr(user, name, ids)
        return ids


def media_in_scope(items, site=None, *, actor=None):
    """Images or documents (`items`) in association `site`'s collections (else the current
    association's): what the public API lists and serves on a host. With an `actor` who manages
    every association (superusers, platform administrators), every association's."""
    collections = collections_in_scope(actor, Collection.objects.all(), site)
    return items.filter(collection__in=collections)
