"""Pages in the association's scope: Wagtail's page permission policy, with a group's page rights
counting only on its association's host (like its other permissions,
portal.accounts.associations.SiteRoleBackend). Without it a person with roles in two associations
would take the page rights of one (an editor's, a secretary's) to the other's host, and there
open, edit, lock, compare and moderate its pages.

Registered for every page type (portal.accounts.apps), so the page screens, the explorer, the
dashboard and the workflow screens all ask it."""

from wagtail.permission_policies.pages import PagePermissionPolicy

from portal.accounts.associations import _site_groups
from portal.core.associations import current_site_id


class AssociationPagePolicy(PagePermissionPolicy):
    @property
    def permission_cache_name(self):
        # Cached on the user object per association, as the same object may be asked for two.
        return f"_page_permission_cache_{current_site_id() or 0}"

    @property
    def _explorable_root_instance_cache_name(self):
        return f"_explorable_root_page_cache_{current_site_id() or 0}"

    def get_all_permissions_for_user(self, user):
        return super().get_all_permissions_for_user(user).filter(_site_groups(current_site_id()))
