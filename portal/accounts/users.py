"""The admin's user and group screens (Wagtail's), with the rules for granting roles: a person's
own roles cannot be changed by them, only groups the editor may grant are offered, and a group
gets only permissions its editor holds."""

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from wagtail.users.forms import GroupForm, UserCreationForm, UserEditForm
from wagtail.users.views import groups as group_views
from wagtail.users.views import users as user_views

from portal.accounts.roles import grantable_groups, permission_grant_errors, role_grant_errors


class RoleRulesMixin:
    """For the user forms: `actor` is the person editing."""

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.current_groups = (
            set(self.instance.groups.all()) if self.instance.pk is not None else set()
        )
        field = self.fields.get("groups")
        if field is None or actor is None:
            return
        if self.instance.pk is not None and self.instance.pk == actor.pk:
            field.disabled = True
            field.help_text = _("You cannot change your own roles. Ask another administrator.")
        else:
            pks = {g.pk for g in self.current_groups} | set(
                grantable_groups(actor).values_list("pk", flat=True)
            )
            field.queryset = Group.objects.filter(pk__in=pks).order_by("name")
        if "is_superuser" in self.fields and not actor.is_superuser:
            del self.fields["is_superuser"]

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is None or self.actor is None:
            return groups
        added = [group for group in groups if group not in self.current_groups]
        errors = role_grant_errors(actor=self.actor, user=self.instance, groups=added)
        if errors:
            raise forms.ValidationError(errors)
        return groups


class SilaUserCreationForm(RoleRulesMixin, UserCreationForm):
    pass


class SilaUserEditForm(RoleRulesMixin, UserEditForm):
    pass


class ActorFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}


class UserCreateView(ActorFormKwargsMixin, user_views.CreateView):
    pass


class UserEditView(ActorFormKwargsMixin, user_views.EditView):
    pass


class UserViewSet(user_views.UserViewSet):
    add_view_class = UserCreateView
    edit_view_class = UserEditView

    def get_form_class(self, for_update=False):
        return SilaUserEditForm if for_update else SilaUserCreationForm


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
        return permissions


class GroupCreateView(ActorFormKwargsMixin, group_views.CreateView):
    pass


class GroupEditView(ActorFormKwargsMixin, group_views.EditView):
    pass


class GroupViewSet(group_views.GroupViewSet):
    add_view_class = GroupCreateView
    edit_view_class = GroupEditView

    def get_form_class(self, for_update=False):
        return SilaGroupForm
