"""Two associations on one install, for the isolation tests: the default site (`testserver`)
and a second one on its own host, each with its own role groups."""

from django.contrib.auth.models import Group

from wagtail.models import Page, Site

from portal.accounts.associations import association_roles_create
from tests.factories import HomePageFactory, UserFactory

OTHER_HOST = "other.example.org"


def association_add(hostname: str = OTHER_HOST, name: str = "جمعية أخرى") -> Site:
    """A second association: its home page under the tree's root, its site, its role groups."""
    home = HomePageFactory(parent=Page.get_first_root_node(), slug=hostname.split(".")[0])
    site = Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=name)
    association_roles_create(site)
    return site


def member_of(site: Site, role: str, *, username: str | None = None, user=None):
    """A user (new unless given) holding `role` in the association `site`."""
    user = user or UserFactory(username=username or f"{role}-{site.pk}")
    user.groups.add(Group.objects.get(association_role__site=site, association_role__role=role))
    return user
