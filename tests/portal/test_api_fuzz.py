"""schemathesis over the project's OpenAPI schema (/api/schema/), through the WSGI application:
generated requests to every operation, anonymously and with a staff token, answer no 500, and
the status codes and bodies are the ones the schema documents. Bounded: a few examples an
operation, so the whole run stays around a minute."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from forms import groups
from portal.wsgi import application
from tests.factories import UserFactory
from tests.inbox.conftest import file_application, file_request
from tests.search.test_site_search import faqs  # noqa: F401

pytestmark = pytest.mark.django_db

EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


@pytest.fixture
def findable(faqs):  # noqa: F811
    """Data for the operations to find: requests, applications, FAQs, pages. The requests go
    straight to the WSGI application, which would close the test's connection (and its
    transaction) after each answer, as Django's test client prevents: so do we."""
    file_request()
    file_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db):
    from portal.accounts.tokens import api_token_create

    groups.ensure_inbox_groups()
    officer = UserFactory(username="fuzz-officer", is_staff=True)
    officer.groups.add(Group.objects.get(name=groups.OFFICERS))
    _token, secret = api_token_create(actor=officer, name="fuzz")
    return secret


# Generating the schema reads no data, so it is loaded once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_anonymous_requests_never_get_a_server_error(case, findable):
    case.call_and_validate(checks=CHECKS, excluded_checks=[])


@schema.parametrize()
@FUZZ
def test_staff_requests_never_get_a_server_error(case, findable, staff_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {staff_token}"}, checks=CHECKS, excluded_checks=[]
    )
