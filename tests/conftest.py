"""Shared fixtures: a site with a home page and the association's profile."""

import pytest

from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.accounts_helpers import second_factor_pass
from tests.factories import ContentPageFactory, make_profile, make_site

# The test database's contents as migrated, per alias, for tests with serialized rollback.
_SERIALIZED_CONTENTS: dict[str, str] = {}


def _carry_serialized_contents():
    """Serialized rollback survives a change of connection object.

    Django keeps the migrated contents on the connection object it made for the test thread.
    Playwright's sync API runs an event loop in that thread, and from then on asgiref hands the
    thread another connection object (same database) without those contents: a transactional
    test would then flush with the migrations' handlers run again and start from a database
    the serialized contents no longer fit. Both the set-up (which restores) and the tear-down
    (which flushes) must see the contents.
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED_CONTENTS.setdefault(alias, contents)
        elif alias in _SERIALIZED_CONTENTS:
            connection._test_serialized_contents = _SERIALIZED_CONTENTS[alias]


def pytest_collection_modifyitems(config, items):
    """Every test has its own node id (pytest-xdist hands out work by node id), and the
    production-stack tests go first: they run together on one xdist worker for many minutes, so
    the other workers share the rest of the suite meanwhile instead of waiting at the end for the
    stack (the order within each part is kept)."""
    for item in items:
        _name_in_node_id(item)
        _flushes_cleanly(item)
    seen = set()
    twice = {item.nodeid for item in items if item.nodeid in seen or seen.add(item.nodeid)}
    if twice:  # pytest-xdist would run only one of each
        raise pytest.UsageError(f"tests share a node id: {sorted(twice)[:5]}")
    items.sort(key=lambda item: item.get_closest_marker("stack") is None)


def _flushes_cleanly(item):
    """A transactional test flushes the database when it ends, and without serialized rollback
    the flush runs the migrations' handlers again (groups, collections, the default association
    made anew): the next test that restores the migrated contents then collides with them. So
    every transactional test restores them (benchmarks, which run alone, excepted)."""
    marker = item.get_closest_marker("django_db")
    if marker is None or "tests/bench/" in item.nodeid:
        return
    if marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: a transactional test needs serialized_rollback=True "
            "(django_db(transaction=True, serialized_rollback=True))"
        )


def _name_in_node_id(item):
    """schemathesis names each operation's test (`test_…[GET /api/v1/faqs/]`) but gives them all
    the function's node id; pytest-xdist schedules by node id and would run one per function."""
    head, _, last = item.nodeid.rpartition("::")
    if head and last != item.name:
        item._nodeid = f"{head}::{item.name}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _carry_serialized_contents()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    _carry_serialized_contents()


@pytest.fixture(autouse=True)
def _arabic_by_default():
    """Each test starts from the site's default language, whatever the previous one activated."""
    translation.activate("ar")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _closed_breaker():
    """The outbox's breaker remembers failures per process; each test starts without them."""
    from forms.notifications import breaker

    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture(autouse=True)
def _no_known_waiting_runs():
    """Each process remembers the catch-up runs it queued; a test's queue is rolled back."""
    from portal.core.tasks import waiting_runs

    waiting_runs.forget()
    yield
    waiting_runs.forget()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test's database rows; start each test without stale entries."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _staff_pass_the_second_factor(request, monkeypatch):
    """`client.force_login(user)` stands for a whole sign-in: the password and, for the roles
    that need it, the second factor. Tests marked `password_only` stop after the password."""
    if request.node.get_closest_marker("password_only"):
        yield
        return
    force_login = Client.force_login

    def force_login_and_verify(self, user, backend=None):
        force_login(self, user, backend)
        second_factor_pass(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_and_verify)
    yield


@pytest.fixture
def home(db):
    return make_site()


@pytest.fixture
def profile(home):
    return make_profile()


@pytest.fixture
def about_page(home):
    return ContentPageFactory(
        parent=home,
        slug="about",
        title="عن الجمعية",
        title_ar="عن الجمعية",
        title_en="About us",
        intro_ar="نبذة عن الجمعية",
        intro_en="About the association",
    )
