"""Pages in the association's scope: Wagtail's page permission policy, with a group's page rights
counting only on its association's host (like its other permissions,
portal.accounts.associations.SiteRoleBackend), and only within the host's association's tree.
Without it a person with roles in two associations would take the page rights of one (an
editor's, a secretary's) to the other's host, and there open, edit, lock, compare and moderate
its pages; and a right given on the tree's root, or on another association's home, would reach
every association's pages through the screens that ask the policy alone (the admin search, the
admin pages API, the bulk actions, the copy form's destination).

For an association's staff a right on a page of the host's association counts there; a right on
an ancestor of its home (the tree's root) counts as a right on its home; a right on any other
page (another association's) does not count on this host. Superusers and platform
administrators keep their rights where they are given.

Registered for every page type (portal.accounts.apps), so the page screens, the explorer, the
dashboard and the workflow screens all ask it."""

import copy

from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from portal.accounts.associations import _site_groups, manages_every_association
from portal.core.associations import current_or_default_site, current_site_id


def rights_in_scope(user, rights):
    """`rights` (GroupPagePermissions, their pages loaded) as they count on the current
    association's host: those within its tree, those above its home moved onto its home."""
    if manages_every_association(user):
        return list(rights)
    site = current_or_default_site()
    home = Page.objects.filter(pk=site.root_page_id).first() if site else None
    if home is None:
        return []
    kept = []
    for right in rights:
        if right.page.path.startswith(home.path):
            kept.append(right)
        elif home.path.startswith(right.page.path):
            # Unsaved: what the policy reads (the page and its id), never written back.
            moved = copy.copy(right)
            moved.page = home
            kept.append(moved)
    return kept


class AssociationPagePolicy(PagePermissionPolicy):
    @property
    def permission_cache_name(self):
        # Cached on the user object per association, as the same object may be asked for two.
        return f"_page_permission_cache_{current_site_id() or 0}"

    @property
    def _explorable_root_instance_cache_name(self):
        return f"_explorable_root_page_cache_{current_site_id() or 0}"

    def get_all_permissions_for_user(self, user):
        rights = super().get_all_permissions_for_user(user).filter(_site_groups(current_site_id()))
        if not user.is_active or user.is_anonymous or user.is_superuser:
            return rights
        return rights_in_scope(user, rights)
