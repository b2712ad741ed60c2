"""Throughput of the public policy page (one process, in-process client, no network)."""

import datetime as dt
import time

import pytest

from django.db import connection

from cms.models import PolicyPage
from tests.bench.conftest import timed_requests
from tests.cms.conftest import approve, make_policy

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


def test_policy_page_cpu_with_one_and_fifty_versions(
    client, approved_policy, catalogue, secretary, term, report
):
    """Two policies side by side, one with 1 approved version and one with 50: the CPU of a
    view, in alternating rounds so that a drifting machine weighs on both alike."""
    long = make_policy(catalogue, slug="long-history")
    for number in range(1, 51):
        draft = PolicyPage.objects.get(pk=long.pk).get_latest_revision_as_object()
        draft.summary_ar = f"تعديل {number}"
        approve(long, secretary, term, revision=draft.save_revision(), meeting_number=str(number))
    urls = {1: "/ar/policies/beneficiaries/", 50: "/ar/policies/long-history/"}
    cpu = {1: 0.0, 50: 0.0}
    rounds, per_round = 10, 50
    for url in urls.values():
        client.get(url)
    for _round in range(rounds):
        for versions, url in urls.items():
            started = time.process_time()
            for _ in range(per_round):
                assert client.get(url).status_code == 200
            cpu[versions] += time.process_time() - started
    requests = rounds * per_round
    report(
        f"policy_page_versions_{connection.vendor}",
        {
            "cpu_ms_1_version": round(cpu[1] / requests * 1000, 3),
            "cpu_ms_50_versions": round(cpu[50] / requests * 1000, 3),
            "cpu_50_vs_1": round(cpu[50] / cpu[1], 3),
            "database": connection.vendor,
        },
    )
