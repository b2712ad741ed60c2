"""What every admin page draws around the inbox's list: the sidebar, kept per person, association
and language and drawn again when a role, a name or the page tree changes; the user's
permissions read in one query; the page permissions read once for every menu item."""

import json
import re

import pytest

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.users.models import UserProfile

from forms import groups
from tests.factories import ContentPageFactory

pytestmark = pytest.mark.django_db

POLICY_TABLES = (
    "wagtailcore_grouppagepermission",
    "wagtailcore_groupcollectionpermission",
    "wagtailcore_groupsitepermission",
    "portal_rolegroup",
)


def _sidebar(page: str) -> dict:
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', page, re.S
    )
    return json.loads(found.group(1))


def _labels(sidebar) -> list[str]:
    """Every menu label in the sidebar, submenus' included."""
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.append(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(sidebar)
    return labels


def _policy_queries(queries) -> list[str]:
    return [
        q["sql"] for q in queries if any(f'FROM "{table}"' in q["sql"] for table in POLICY_TABLES)
    ]


def test_the_sidebar_is_drawn_once_and_its_policies_not_asked_again(roles, client):
    client.force_login(roles["officer"])
    with CaptureQueriesContext(connection) as first:
        drawn = client.get(reverse("inbox_help:list")).content.decode()
    # Drawn: the pages' permissions are read once for every item that asks them.
    page_permissions = [
        q for q in _policy_queries(first) if '"wagtailcore_grouppagepermission"' in q
    ]
    assert len(page_permissions) == 1, page_permissions
    with CaptureQueriesContext(connection) as second:
        kept = client.get(reverse("inbox_help:list")).content.decode()
    assert _policy_queries(second) == []
    assert _sidebar(kept) == _sidebar(drawn)
    assert len(second) < len(first)


def test_a_role_given_or_taken_shows_in_the_next_page_sidebar(roles, client):
    officer = roles["officer"]
    client.force_login(officer)
    before = _sidebar(client.get(reverse("inbox_help:list")).content.decode())
    officer.groups.add(Group.objects.get(name=groups.ADMINISTRATORS))
    after = _sidebar(client.get(reverse("inbox_help:list")).content.decode())
    assert after != before
    cache.clear()  # drawn from nothing kept: the same
    assert _sidebar(client.get(reverse("inbox_help:list")).content.decode()) == after
    officer.groups.remove(Group.objects.get(name=groups.ADMINISTRATORS))
    assert _sidebar(client.get(reverse("inbox_help:list")).content.decode()) == before


def test_a_name_the_page_tree_and_the_language_show_in_the_next_sidebar(roles, client, home):
    officer = roles["officer"]
    client.force_login(officer)
    before = _sidebar(client.get(reverse("inbox_help:list")).content.decode())
    officer.first_name = "هند"
    officer.save()
    renamed = _sidebar(client.get(reverse("inbox_help:list")).content.decode())
    assert '"name": "هند"' in json.dumps(renamed, ensure_ascii=False)
    assert renamed != before
    # A page added below the root: whatever the sidebar shows of the tree is drawn again.
    version = cache.get("sila:admin-sidebar:version")
    ContentPageFactory(parent=home, slug="news", title="أخبار")
    assert cache.get("sila:admin-sidebar:version") != version
    # Another language: a sidebar of its own.
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "en"
    profile.save()
    english = _sidebar(client.get(reverse("inbox_help:list")).content.decode())
    assert _labels(english) != _labels(renamed)


def test_the_user_and_group_permissions_are_read_in_one_query(roles, client):
    client.force_login(roles["officer"])
    client.get(reverse("inbox_help:list"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("inbox_help:list"))
    reads = [q["sql"] for q in queries if 'FROM "auth_permission"' in q["sql"]]
    assert len(reads) == 1, reads
    assert "auth_user_user_permissions" in reads[0] and "auth_group_permissions" in reads[0]


def test_the_first_page_asks_few_queries(roles, client):
    """Session, user, second factor, permissions, profile; the list's count, rows and failed
    messages; the locales of the admin's configuration; the filters' types and staff."""
    client.force_login(roles["officer"])
    client.get(reverse("inbox_help:list"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("inbox_help:list")).status_code == 200
    assert len(queries) <= 11, [q["sql"][:80] for q in queries]
