"""The group screens' permission panels (Wagtail's page permissions and collection permissions),
within the association's scope.

On an association's host its administrators give a group rights on that association's pages
and collections only: the page and collection choices hold only those, and a group's rights
elsewhere — another association's pages or collections, or the whole tree, which a platform
administrator may have given a group — are neither shown nor offered, and saving keeps them as
they are (Wagtail's panels replace a group's rights wholesale, which would drop them).
Superusers and platform administrators see and change every association's."""

import functools

from django import forms

from wagtail.admin.forms.collections import BaseGroupCollectionMemberPermissionFormSet
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page
from wagtail.users.forms import BaseGroupPagePermissionFormSet

from portal.accounts.associations import collections_in_scope, pages_in_scope
from portal.accounts.roles import page_permission_grant_errors


class ScopedPermissionPanel:
    """Mixed into a Wagtail permission formset class: `target` names the form's field (a page, a
    collection), `rows` the group's rights of that panel, `scope` the targets the actor sees."""

    target: str
    record_model: type

    def __init__(self, *args, actor=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        # The group's rights outside the scope: not shown (and kept when saving).
        self.initial = [row for row in self.initial if self.in_scope(row[self.target])]

    def scope(self, queryset):
        raise NotImplementedError

    def rows(self):
        raise NotImplementedError

    def in_scope(self, target) -> bool:
        return self.actor is None or self.scope(type(target).objects.filter(pk=target.pk)).exists()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.actor is not None and self.target in form.fields:
            field = form.fields[self.target]
            field.queryset = self.scope(field.queryset)

    def chosen(self):
        """The (target, permission) pairs the forms ask for."""
        return [
            (form.cleaned_data[self.target], permission)
            for form in self.forms
            if form not in self.deleted_forms and self.target in form.cleaned_data
            for permission in form.cleaned_data["permissions"]
        ]

    def save(self):
        """Wagtail's save, but rights outside the scope are left alone."""
        if self.actor is None:
            return super().save()
        wanted = {(target.pk, permission.pk) for target, permission in self.chosen()}
        target_id = f"{self.target}_id"
        shown = self.rows().filter(
            **{f"{target_id}__in": self.scope(self.target_model().objects.all()).values("pk")}
        )
        existing = {(getattr(row, target_id), row.permission_id): row.pk for row in shown}
        self.rows().filter(
            pk__in=[pk for key, pk in existing.items() if key not in wanted]
        ).delete()
        self.record_model.objects.bulk_create(
            [
                self.record_model(
                    group=self.instance, **{target_id: target}, permission_id=permission
                )
                for target, permission in wanted - existing.keys()
            ]
        )
        return None


class ScopedPagePermissions(ScopedPermissionPanel):
    target = "page"
    record_model = GroupPagePermission

    def target_model(self):
        return Page

    def scope(self, queryset):
        return pages_in_scope(self.actor, queryset)

    def rows(self):
        return self.instance.page_permissions.all()

    def clean(self):
        """Wagtail's checks, and the rule of grants (portal.accounts.roles): the rights the group
        does not hold yet are only those the actor holds on that page."""
        super().clean()
        if self.actor is None or any(self.errors):
            return
        existing = (
            set(self.rows().values_list("page_id", "permission_id")) if self.instance.pk else set()
        )
        added = [
            (page, permission)
            for page, permission in self.chosen()
            if (page.pk, permission.pk) not in existing
        ]
        errors = page_permission_grant_errors(actor=self.actor, rights=added)
        if errors:
            raise forms.ValidationError(errors)


class ScopedCollectionPermissions(ScopedPermissionPanel):
    target = "collection"
    record_model = GroupCollectionPermission

    def target_model(self):
        return Collection

    def scope(self, queryset):
        return collections_in_scope(self.actor, queryset)

    def rows(self):
        return self.instance.collection_permissions.filter(permission__in=self.permission_queryset)


@functools.cache
def scoped_panel_class(panel_class):
    """The scoped version of one of Wagtail's permission panels (None: a panel of model
    permissions, which the group form's rules already hold)."""
    if issubclass(panel_class, BaseGroupPagePermissionFormSet):
        return type(f"Scoped{panel_class.__name__}", (ScopedPagePermissions, panel_class), {})
    if issubclass(panel_class, BaseGroupCollectionMemberPermissionFormSet):
        return type(f"Scoped{panel_class.__name__}", (ScopedCollectionPermissions, panel_class), {})
    return None
