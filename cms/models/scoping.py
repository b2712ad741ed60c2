"""What belongs to one association (a Wagtail Site): the `site` field and the manager that follows
the request's host.

Inside a request the default manager shows only the host's association (`current_site()`, set
per request by the kernel's middleware), so every Wagtail admin view of these models (list, edit,
delete, inspect, usage, history, chooser) and every form's choices stay within it; outside a
request (commands, tasks, migrations) it shows everything, and code there passes the site
explicitly. Services that write for a given site read through `all_sites`, which never filters.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Site

from portal.core.associations import current_site


class SiteScopedQuerySet(models.QuerySet):
    def for_site(self, site):
        return self.filter(site=site)


class SiteScopedManager(models.Manager.from_queryset(SiteScopedQuerySet)):
    def get_queryset(self):
        queryset = super().get_queryset()
        site = current_site()
        return queryset if site is None else queryset.filter(site=site)


def default_site_id() -> int | None:
    """A new row's association: the request's host; outside a request, the default site (an
    install with one association). Services for a given site pass it explicitly."""
    site = current_site()
    if site is not None:
        return site.pk
    return Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()


def site_field() -> models.ForeignKey:
    """The association a row belongs to: set when the row is created, never edited in a form."""
    return models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        default=default_site_id,
        related_name="+",
        verbose_name=_("association"),
        editable=False,
    )


class SiteScopedAdminForm(WagtailAdminModelForm):
    """The admin form of a row of one association: uniqueness within the association (slug,
    term number) is checked as a form error, though the association is not a field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A choice field's queryset is made once, with the form class: read it again here so
        # that the choices are the current request's association's.
        for form_field in self.fields.values():
            queryset = getattr(form_field, "queryset", None)
            if queryset is not None and isinstance(
                queryset.model._default_manager, SiteScopedManager
            ):
                form_field.queryset = queryset.model._default_manager.all()

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("site")
        return exclude


class FAQAdminForm(SiteScopedAdminForm):
    """A question's related policies are its own association's."""

    def clean_related_policies(self):
        policies = self.cleaned_data.get("related_policies")
        site = self.instance.site if self.instance.site_id else current_site()
        if policies is not None and site is not None:
            foreign = [p for p in policies if not p.path.startswith(site.root_page.path)]
            if foreign:
                raise ValidationError(_("Choose policies of this association only."))
        return policies
