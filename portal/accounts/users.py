"""The admin's user and group screens (Wagtail's), with the rules for granting roles and the
association's scope.

Rules for granting: a person's own roles cannot be changed by them, only groups the editor may
grant are offered, and a group gets only permissions its editor holds.

Scope (portal.accounts.associations): on an association's host, its administrators see, search,
filter, count, open, change and delete only the people who hold one of its groups, and only its
groups; any other person or group is not found. A person who also holds roles elsewhere (another
association, a platform-wide group, a superuser) shows in both associations, but each
administrator changes only their own association's roles of them: the groups this screen does not
show are kept as they are, and the account itself (name, address, password, whether active,
second factor, deleting it) is left to the platform's administrators. A person made on an
association's host is given at least one of its groups. A group's page and collection
permissions are offered and changed on the association's own pages and collections only
(portal.accounts.panels). Superusers and platform administrators see every association's."""

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_list_or_404, get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.users.forms import GroupForm, UserCreationForm, UserEditForm
from wagtail.users.utils import user_can_delete_user
from wagtail.users.views import groups as group_views
from wagtail.users.views import users as user_views
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction

from portal.accounts.associations import (
    groups_in_scope,
    manages_account,
    manages_every_association,
    users_in_scope,
    with_groups_elsewhere,
)
from portal.accounts.panels import scoped_panel_class
from portal.accounts.roles import grantable_groups, permission_grant_errors, role_grant_errors
from portal.core.associations import current_or_default_site

ACCOUNT_FIELDS = ("username", "email", "first_name", "last_name", "is_active")


class RoleRulesMixin:
    """For the user forms: `actor` is the person editing, on the current association's host."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.site = current_or_default_site()
        self.current_groups = (
            set(self.instance.groups.all()) if self.instance.pk is not None else set()
        )
        # The person's groups this screen does not show (another association's, platform-wide
        # ones): saving keeps them, since Django sets the groups field wholesale.
        self.kept_groups: set[Group] = set()
        self.account_locked = False
        field = self.fields.get("groups")
        if field is None or actor is None:
            return
        if self.instance.pk is not None and self.instance.pk == actor.pk:
            field.disabled = True
            field.help_text = _("You cannot change your own roles. Ask another administrator.")
        else:
            shown = set(
                groups_in_scope(
                    actor, Group.objects.filter(pk__in=[g.pk for g in self.current_groups])
                ).values_list("pk", flat=True)
            ) | set(grantable_groups(actor).values_list("pk", flat=True))
            field.queryset = Group.objects.filter(pk__in=shown).order_by("name")
            self.kept_groups = {group for group in self.current_groups if group.pk not in shown}
        if "is_superuser" in self.fields and not actor.is_superuser:
            del self.fields["is_superuser"]
        if self.instance.pk is not None and not manages_account(actor, self.instance, self.site):
            self.account_locked = True
            for name in ACCOUNT_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].required = False  # kept as it is, even when empty
            for name in ("password1", "password2"):
                self.fields.pop(name, None)
            field.help_text = _(
                "This person also holds roles outside this association: you change only this "
                "association's roles here. Their account is changed by the platform's "
                "administrators."
            )

    @property
    def password_enabled(self):
        return super().password_enabled and not getattr(self, "account_locked", False)

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is None or self.actor is None:
            return groups
        added = [group for group in groups if group not in self.current_groups]
        errors = role_grant_errors(actor=self.actor, user=self.instance, groups=added)
        if errors:
            raise forms.ValidationError(errors)
        if (
            self.instance.pk is None
            and not manages_every_association(self.actor)
            and not any(
                getattr(getattr(group, "association_role", None), "site_id", None)
                == getattr(self.site, "pk", None)
                for group in groups
            )
        ):
            raise forms.ValidationError(
                _("Choose at least one role of this association for the new person.")
            )
        if self.kept_groups:
            pks = {group.pk for group in groups} | {group.pk for group in self.kept_groups}
            return Group.objects.filter(pk__in=pks)
        return groups


class SilaUserCreationForm(RoleRulesMixin, UserCreationForm):
    pass


class SilaUserEditForm(RoleRulesMixin, UserEditForm):
    pass


class ActorFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}


# --- the scope of the screens -----------------------------------------------------------------


class UserScope:
    def scope(self, queryset):
        return users_in_scope(self.request.user, queryset)


class GroupScope:
    def scope(self, queryset):
        return groups_in_scope(self.request.user, queryset)


class ScopedListing:
    """Index views: the list, its search, filters and counts."""

    def get_base_queryset(self):
        return self.scope(super().get_base_queryset())


class ScopedObject:
    """Edit and delete views: a row out of scope is not found."""

    def get_queryset(self):
        return self.scope(self.model._default_manager.all())


class ScopedBaseObject:
    """History and usage views: a row out of scope is not found."""

    def get_base_object_queryset(self):
        return self.scope(super().get_base_object_queryset())


def user_may_delete(actor, user) -> bool:
    return user_can_delete_user(actor, user) and manages_account(actor, user)


class UserFilterSet(user_views.UserFilterSet):
    """The group filter offers the groups in scope only."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["group"].queryset = groups_in_scope(request.user, Group.objects.all())


class UserIndexView(UserScope, ScopedListing, user_views.IndexView):
    def get_base_queryset(self):
        users = super().get_base_queryset()
        if manages_every_association(self.request.user):
            return users
        return with_groups_elsewhere(users, current_or_default_site())

    def get_delete_url(self, instance):
        if manages_account(self.request.user, instance):
            return super().get_delete_url(instance)
        return None


class UserCreateView(ActorFormKwargsMixin, user_views.CreateView):
    pass


class UserEditView(UserScope, ScopedObject, ActorFormKwargsMixin, user_views.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.can_delete = user_may_delete(request.user, self.object)


class UserDeleteView(UserScope, ScopedObject, user_views.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not manages_account(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserHistoryView(UserScope, ScopedBaseObject, user_views.HistoryView):
    pass


class UserUsageView(UserScope, ScopedBaseObject, usage.UsageView):
    pass


class UserCopyView(UserScope, generic.CopyView):
    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        get_object_or_404(self.scope(self.model._default_manager.all()), pk=pk)
        return super().get_object(queryset)


class UserViewSet(user_views.UserViewSet):
    filterset_class = UserFilterSet
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    history_view_class = UserHistoryView
    usage_view_class = UserUsageView
    copy_view_class = UserCopyView

    def get_form_class(self, for_update=False):
        return SilaUserEditForm if for_update else SilaUserCreationForm


# --- bulk actions on users: the same scope ---------------------------------------------------


class ScopedUserBulkAction:
    def get_queryset(self, model, object_ids):
        # Wagtail's is a class method over every row; this one keeps to the actor's scope.
        return get_list_or_404(
            users_in_scope(self.request.user, model._default_manager.all()), pk__in=object_ids
        )


class UserDeleteBulkAction(ScopedUserBulkAction, DeleteBulkAction):
    def check_perm(self, obj):
        return user_may_delete(self.request.user, obj)


class UserActiveStateBulkAction(ScopedUserBulkAction, SetActiveStateBulkAction):
    def check_perm(self, obj):
        return super().check_perm(obj) and manages_account(self.request.user, obj)


class UserAssignRoleBulkAction(ScopedUserBulkAction, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = grantable_groups(self.request.user).order_by("name")
        return form


USER_BULK_ACTIONS = [UserAssignRoleBulkAction, UserDeleteBulkAction, UserActiveStateBulkAction]


# --- groups ------------------------------------------------------------------------------------


class SilaGroupForm(GroupForm):
    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_permissions(self):
        permissions = self.cleaned_data.get("permissions")
        if permissions is None or self.actor is None:
            return permissions
        current = set(self.instance.permissions.all()) if self.instance.pk else set()
        added = [p for p in permissions.select_related("content_type") if p not in current]
        errors = permission_grant_errors(actor=self.actor, permissions=added)
        if errors:
            raise forms.ValidationError(errors)
        # The group's permissions this form does not show stay set: Wagtail's form takes them
        # off and adds them back, which would count as granting them anew.
        shown = set(self.registered_permissions.values_list("pk", flat=True))
        kept = [p.pk for p in current if p.pk not in shown]
        if kept:
            return Permission.objects.filter(
                pk__in={*permissions.values_list("pk", flat=True), *kept}
            )
        return permissions


class ScopedPermissionPanels:
    """The create and edit views: the page and collection permission panels offer and change
    the association's pages and collections only (portal.accounts.panels)."""

    @cached_property
    def permission_panel_forms(self):
        panels = []
        for panel_class in group_views.get_permission_panel_classes():
            kwargs = self.get_permission_panel_form_kwargs(panel_class)
            scoped = scoped_panel_class(panel_class)
            if scoped is None:
                panels.append(panel_class(**kwargs))
            else:
                panels.append(scoped(actor=self.request.user, **kwargs))
        return panels


class GroupIndexView(GroupScope, ScopedListing, group_views.IndexView):
    pass


class GroupCreateView(ScopedPermissionPanels, ActorFormKwargsMixin, group_views.CreateView):
    pass


class GroupEditView(
    GroupScope, ScopedObject, ScopedPermissionPanels, ActorFormKwargsMixin, group_views.EditView
):
    pass


class GroupDeleteView(GroupScope, ScopedObject, group_views.DeleteView):
    pass


class GroupHistoryView(GroupScope, ScopedBaseObject, history.HistoryView):
    pass


class GroupUsageView(GroupScope, ScopedBaseObject, usage.UsageView):
    pass


class GroupViewSet(group_views.GroupViewSet):
    index_view_class = GroupIndexView
    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView
    history_view_class = GroupHistoryView
    usage_view_class = GroupUsageView

    def get_form_class(self, for_update=False):
        return SilaGroupForm
