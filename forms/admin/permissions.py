"""The admin's permission policy for submissions."""

from django.contrib.auth import get_user_model

from wagtail.permission_policies.base import ModelPermissionPolicy


class SubmissionPermissionPolicy(ModelPermissionPolicy):
    """Submissions are read in the admin (`view_*`) and changed only through the services: no
    one, not even a superuser, creates, edits or deletes them through generic admin forms."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in ("add", "change", "delete")]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)
