"""API tokens in the admin (Settings → API tokens): Wagtail's screens, where a person makes
tokens only for their own account, sees when each expires, and revokes their own; an
administrator lists and revokes anyone's but a superuser's, among the people of their association
(portal.accounts.associations.users_in_scope) on its host."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.users.views import api_tokens

from portal.accounts import tokens
from portal.accounts.associations import users_in_scope


class OwnTokenForm(forms.Form):
    name = forms.CharField(
        max_length=255,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("What the token is for, such as the system that will use it."),
    )


class ExpiresColumn(DateColumn):
    def get_value(self, instance):
        return tokens.expires_at(instance)


class StateColumn(Column):
    def get_value(self, instance):
        if instance.revoked_at:
            return _("Revoked")
        if tokens.is_expired(instance):
            return _("Expired")
        return _("Active")


class AssociationTokens:
    """Tokens of the people the request's user manages on this host (and their own)."""

    def get_queryset(self):
        actor = self.request.user
        people = users_in_scope(actor, get_user_model()._default_manager.all())
        return super().get_queryset().filter(Q(user__in=people) | Q(user=actor))


class IndexView(AssociationTokens, api_tokens.IndexView):
    @cached_property
    def columns(self):
        columns = super().columns
        return [
            *columns[:3],
            StateColumn("state", label=_("State")),
            ExpiresColumn("expires", label=_("Expires")),
            *columns[3:5],
        ]


class CreateView(api_tokens.CreateView):
    def get_form_kwargs(self):
        kwargs = super(api_tokens.CreateView, self).get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_form_class(self):
        return OwnTokenForm

    def form_valid(self, form):
        self.object, plaintext = tokens.api_token_create(
            actor=self.request.user, name=form.cleaned_data["name"]
        )
        return TemplateResponse(
            self.request,
            "wagtailusers/api_tokens/created.html",
            self.get_created_context(plaintext),
        )


class EditView(AssociationTokens, api_tokens.EditView):
    pass


class RevokeView(AssociationTokens, api_tokens.RevokeView):
    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        tokens.api_token_revoke(actor=request.user, token=self.object)
        messages.success(request, _("API token “%(name)s” revoked.") % {"name": self.object.name})
        return redirect(self.get_success_url())


class ApiTokenViewSet(api_tokens.APITokenViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = RevokeView

    def get_form_class(self, for_update=False):
        if for_update:
            return super().get_form_class(for_update=True)
        return OwnTokenForm
