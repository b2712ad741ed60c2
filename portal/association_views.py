"""Admin views for platform administrators: the associations served, and adding one. Thin:
each calls portal.onboarding."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from cms.models import AssociationProfile
from portal.onboarding import association_add, user_can_manage_associations


class PlatformAdministratorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not user_can_manage_associations(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AssociationListView(PlatformAdministratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "portal/admin/associations.html"
    page_title = _("Associations")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sites = list(Site.objects.order_by("-is_default_site", "hostname"))
        names = {
            profile.site_id: profile.name
            for profile in AssociationProfile.objects.filter(site__in=sites)
        }
        context["associations"] = [
            {"site": site, "name": names.get(site.pk) or site.site_name or site.hostname}
            for site in sites
        ]
        return context


class AssociationForm(forms.Form):
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    hostname = forms.CharField(
        label=_("Host name"),
        max_length=255,
        help_text=_("The address the association is served at, e.g. deema.example.org."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    licence_number = forms.CharField(label=_("Licence number"), max_length=50, required=False)
    admin_username = forms.CharField(
        label=_("First administrator's username"),
        max_length=150,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    admin_email = forms.EmailField(label=_("First administrator's email"), required=False)


class AssociationAddView(PlatformAdministratorsOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "cms/admin/form.html"
    page_title = _("Add an association")
    header_icon = "site"
    form_class = AssociationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_label"] = _("Add the association")
        context["intro"] = _(
            "Creates the association's site, pages, role groups, FAQ categories and a starter "
            "policy for its board, and names its first administrator. Adding it again completes "
            "what is missing."
        )
        return context

    def form_valid(self, form):
        try:
            report = association_add(**form.cleaned_data, by=self.request.user)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        return TemplateResponse(
            self.request,
            "portal/admin/association_added.html",
            {**self.get_context_data(form=form), "report": report},
        )
