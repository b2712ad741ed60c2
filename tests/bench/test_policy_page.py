"""Throughput of the public policy page (one process, in-process client, no network)."""

import datetime as dt

import pytest

from django.db import connection

from cms.models import PolicyPage
from tests.bench.conftest import timed_requests
from tests.cms.conftest import approve

pytestmark = pytest.mark.django_db


def test_policy_page_throughput(client, approved_policy, secretary, term, report):
    for number in range(2, 21):
        draft = PolicyPage.objects.get(pk=approved_policy.pk).get_latest_revision_as_object()
        draft.summary_ar = f"تعديل {number}"
        approve(
            approved_policy,
            secretary,
            term,
            revision=draft.save_revision(),
            meeting_number=str(number),
            meeting_date=dt.date(2024, 5, 21),
        )
    url = "/ar/policies/beneficiaries/"
    client.get(url)
    figures = timed_requests(client, url, 300)
    figures["versions"] = 20
    figures["database"] = connection.vendor
    report(f"policy_page_{connection.vendor}", figures)
    history = timed_requests(client, url + "history/", 100)
    report(f"policy_history_{connection.vendor}", history)
    compare = timed_requests(client, url + "compare/?from=1&to=20", 100)
    report(f"policy_compare_{connection.vendor}", compare)
