"""Shared fixtures: a site with a home page and the association's profile."""

import pytest

from django.core.cache import cache
from django.utils import translation

from tests.factories import ContentPageFactory, make_profile, make_site


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
