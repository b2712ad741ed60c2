"""Many associations on one install, the content side: one association's policy page, catalogue,
FAQ page and FAQ API, first alone, then among BENCH_CONTENT_ASSOCIATIONS associations holding
BENCH_POLICIES approved policies and BENCH_FAQS questions each. The measured association and a
template are made through the real services; the others are bulk copies of the template
(tests/bench/associations.py), which read the same (tests/cms/test_bulk_associations.py). Reads are scoped by the host's
association (its home's subtree, its site key first in the FAQ index), so the figures should not
grow with the number of associations: the report gives p50/p95 of both and their ratio."""

import os
import statistics
import time

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.bench.associations import association_real, associations_copy

pytestmark = pytest.mark.django_db

ASSOCIATIONS = int(os.environ.get("BENCH_CONTENT_ASSOCIATIONS", "1000"))
POLICIES = int(os.environ.get("BENCH_POLICIES", "20"))
FAQS = int(os.environ.get("BENCH_FAQS", "50"))
URLS = {
    "policy_page": "/ar/policies/policy-0/",
    "catalogue": "/ar/policies/",
    "faq_page": "/ar/faq/",
    "faq_api": "/api/v1/faqs/",
}


def _measure(client, host: str, count: int = 100) -> dict:
    figures = {}
    for name, url in URLS.items():
        client.get(url, HTTP_HOST=host)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, HTTP_HOST=host)
        figures[f"{name}_queries"] = len(queries)  # what load on the machine does not change
        durations = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST=host)
            durations.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
        durations.sort()
        figures[f"{name}_p50_ms"] = round(statistics.median(durations) * 1000, 2)
        figures[f"{name}_p95_ms"] = round(durations[int(len(durations) * 0.95) - 1] * 1000, 2)
    return figures


def test_content_reads_do_not_grow_with_the_number_of_associations(client, home, report):
    started = time.perf_counter()
    measured = association_real(0, policies=POLICIES, faqs=FAQS)
    alone = _measure(client, measured.hostname)
    if ASSOCIATIONS > 1:
        template = association_real(1, policies=POLICIES, faqs=FAQS)
        associations_copy(template, range(2, ASSOCIATIONS))
    load_seconds = time.perf_counter() - started
    among = _measure(client, measured.hostname)
    figures = {
        "associations": ASSOCIATIONS,
        "policies_each": POLICIES,
        "faqs_each": FAQS,
        "database": connection.vendor,
        "load_seconds": round(load_seconds, 1),
        **{f"alone_{key}": value for key, value in alone.items()},
        **{f"among_{key}": value for key, value in among.items()},
        **{
            f"ratio_{key}": round(among[key] / alone[key], 2) if alone[key] else None
            for key in alone
            if key.endswith("_ms")
        },
    }
    report(f"content_associations_{connection.vendor}", figures)
