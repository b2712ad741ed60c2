"""Admin pieces every app uses: the permission policy of records that are read in the admin but
written only through their services, and the policy of rows that belong to one association
(a `site` key), which the admin opens only on that association's host."""

from django.contrib.auth import get_user_model

from wagtail.permission_policies.base import ModelPermissionPolicy

from portal.core.associations import current_or_default_site

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


class AssociationRowsMixin:
    """For a model whose rows belong to one association (a `site` key): a row of another
    association than the current one (the request's host) is never an instance anyone has a
    permission for, superusers included, and lists hold only the current association's."""

    def _current(self, instance) -> bool:
        site = current_or_default_site()
        return site is not None and getattr(instance, "site_id", None) == site.pk

    def user_has_permission_for_instance(self, user, action, instance):
        return self._current(instance) and super().user_has_permission_for_instance(
            user, action, instance
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self._current(instance) and super().user_has_any_permission_for_instance(
            user, actions, instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        site = current_or_default_site()
        return super().instances_user_has_any_permission_for(user, actions).filter(site=site)


class AssociationPermissionPolicy(AssociationRowsMixin, ModelPermissionPolicy):
    """Django's model permissions, within the current association."""


class AssociationServicesOnlyPermissionPolicy(AssociationRowsMixin, ServicesOnlyPermissionPolicy):
    """Read in the admin, written through services, within the current association."""


def association_rows(model):
    """The current association's rows of `model` (what an admin list of them shows)."""
    return model._default_manager.filter(site=current_or_default_site())
