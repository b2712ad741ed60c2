"""Admin pieces every app uses: the permission policy of records that are read in the admin but
written only through their services."""

from django.contrib.auth import get_user_model

from wagtail.permission_policies.base import ModelPermissionPolicy

WRITES = ("add", "change", "delete", "copy")


class ServicesOnlyPermissionPolicy(ModelPermissionPolicy):
    """Rows that are listed and inspected in the admin (`view_*`) and written only through their
    services: no one, superusers included, adds, edits, copies or deletes them in generic admin
    forms."""

    def user_has_permission(self, user, action):
        if action in WRITES:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in WRITES]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)
