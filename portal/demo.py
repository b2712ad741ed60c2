"""The demo `make run` loads, put together from every app's part: the model association's content
and governance (cms), then the types of support and the inbox at every step (forms); then the
three sample associations, each on its own host (<name>.localhost, same port), made through
onboarding with its own staff, imported policy, FAQs and requests; with both search indexes ready.
Idempotent."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from wagtail.models import Site
from wagtail.users.models import UserProfile

from cms.demo import DEMO_ADMIN_USERNAME, DemoReport
from cms.demo import load_demo as load_content_demo
from cms.demo_associations import SAMPLE_ASSOCIATIONS, load_sample_association_content
from forms.demo import ensure_support_types, load_inbox_demo
from portal.accounts.roles import acting
from portal.core.associations import association
from portal.onboarding import association_add
from search.index.service import index_pending
from search.site.indexing import rebuild_site_index

__all__ = ["DEMO_ADMIN_USERNAME", "SAMPLE_ROLES", "load_demo", "sample_hosts"]

# Every sample association has one user per role, named "<association>-<role>".
SAMPLE_ROLES = [
    "administrator",
    "editor",
    "secretary",
    "officer",
    "researcher",
    "committee",
    "coordinator",
    "complaints",
]


def sample_hosts() -> list[tuple[str, int]]:
    """(host name, port) of each sample association: <name>.localhost at the demo's port."""
    port = urlsplit(settings.SITE_BASE_URL).port or 80
    return [(f"{sample.slug}.localhost", port) for sample in SAMPLE_ASSOCIATIONS]


def _sample_staff(site, slug: str, password: str) -> dict:
    users = {}
    with acting(None):  # the demo grants the roles, as the system
        for role in SAMPLE_ROLES:
            user, created = get_user_model().objects.get_or_create(
                username=f"{slug}-{role}",
                defaults={"email": f"{slug}-{role}@sila.example", "is_staff": True},
            )
            if created:
                user.set_password(password)
                user.save()
                profile = UserProfile.get_for_user(user)
                profile.preferred_language = "ar"
                profile.save()
            user.groups.add(
                Group.objects.get(association_role__site=site, association_role__role=role)
            )
            users[role] = user
    return users


def load_sample_associations(password: str) -> list[str]:
    created = []
    for sample, (host, port) in zip(SAMPLE_ASSOCIATIONS, sample_hosts(), strict=True):
        report = association_add(
            name_ar=sample.name_ar,
            name_en=sample.name_en,
            hostname=host,
            port=port,
            licence_number=sample.licence_number,
            admin_username=f"{sample.slug}-administrator",
            admin_password=password,
        )
        site = report.site
        with association(site):
            users = _sample_staff(site, sample.slug, password)
            made = load_sample_association_content(site, sample, users)
            made += load_inbox_demo(password, users=users)
        if report.created or made:
            created.append(sample.slug)
    return created


def serve_demo_at_base_url() -> None:
    """Point the demo's sites at the port it is served on (SITE_BASE_URL), so links in the API
    and in messages lead there when `make run PORT=…` serves a demo loaded for another port.
    Only the demo's own hosts move: the default site when it is on SITE_BASE_URL's host name,
    and the sample associations' <name>.localhost."""
    base = urlsplit(settings.SITE_BASE_URL)
    port = base.port or (443 if base.scheme == "https" else 80)
    hosts = {host for host, _port in sample_hosts()}
    for site in Site.objects.exclude(port=port):
        if site.hostname in hosts or (site.is_default_site and site.hostname == base.hostname):
            site.port = port
            site.save(update_fields=["port"])


def load_demo(*, admin_password: str) -> DemoReport:
    with transaction.atomic():
        serve_demo_at_base_url()
        report = load_content_demo(admin_password=admin_password)
        if ensure_support_types():
            report.created.append("types of support")
        report.created += load_inbox_demo(admin_password)
        if settings.DEMO_SAMPLE_ASSOCIATIONS:
            report.created += load_sample_associations(admin_password)
    if report.created:
        call_command("update_index", verbosity=0)  # the admin's page search
        rebuild_site_index()  # site search, with everything the demo published
        index_pending(limit=10_000)  # and so does the inbox's submission search
    return report
