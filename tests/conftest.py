"""Shared fixtures: a site with a home page and the association's profile."""

import pytest

from django.core.cache import cache
from django.utils import translation

from tests.factories import ContentPageFactory, make_profile, make_site

# The test database's contents as migrated, per alias, for tests with serialized rollback.
_SERIALIZED_CONTENTS: dict[str, str] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Serialized rollback survives a change of connection object.

    Django keeps the migrated contents on the connection object it made for the test thread.
    Playwright's sync API runs an event loop in that thread, and from then on asgiref hands the
    thread another connection object (same database) without those contents: a transactional
    test would then start from an empty database (no locale, no root page, no permissions).
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED_CONTENTS.setdefault(alias, contents)
        elif alias in _SERIALIZED_CONTENTS:
            connection._test_serialized_contents = _SERIALIZED_CONTENTS[alias]


@pytest.fixture(autouse=True)
def _arabic_by_default():
    """Each test starts from the site's default language, whatever the previous one activated."""
    translation.activate("ar")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test's database rows; start each test without stale entries."""
    cache.clear()
    yield
    cache.clear()


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
