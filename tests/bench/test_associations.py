"""Many associations on one install: the inbox's first page and submission search of one
association, first alone, then among BENCH_ASSOCIATIONS associations holding BENCH_SUBMISSIONS
requests between them (the one measured keeps its own share). The association leads every index
that lists and searches, so the figures should not grow with the number of associations: the
report gives p50/p95 of both and their ratio. PostgreSQL only."""

import io
import os
import time

import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from wagtail.models import Site

from forms import groups
from forms.associations import association_defaults_create
from tests.bench.conftest import timed_requests
from tests.bench.test_submission_search import bulk_load, latencies, search_calls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = int(os.environ.get("BENCH_SUBMISSIONS", "10000000"))
ASSOCIATIONS = int(os.environ.get("BENCH_ASSOCIATIONS", "1000"))


def _index() -> float:
    started = time.perf_counter()
    call_command(
        "rebuild_submission_index", "--no-progress", "--batch-size", "5000", stdout=io.StringIO()
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_submissionentry")
        cursor.execute("VACUUM ANALYZE intake_helprequest")
    return time.perf_counter() - started


def _measure(client, officer, rows: int) -> dict:
    """Every kind of search (of requests the association holds) and the inbox's first page."""
    # Signed in again: staff sessions end after a while idle, and loading and indexing
    # millions of rows between the two measurements takes longer than that.
    client.force_login(officer)
    figures = {}
    for name, batch in search_calls(rows):
        latencies(officer, batch[:3])  # warm the caches
        for key, value in latencies(officer, batch).items():
            figures[f"search_{name}_{key}"] = value
    timed_requests(client, "/admin/inbox/help-requests/", 3)
    # 60 requests: the p95 is the 57th, not one slow request out of 20.
    for key, value in timed_requests(client, "/admin/inbox/help-requests/", 60).items():
        if key.endswith("_ms"):
            figures[f"inbox_first_page_{key}"] = value
    return figures


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the associations benchmark is set for PostgreSQL: run with DATABASE_URL=postgres://…",
)
def test_one_association_among_many(client, report):
    home = Site.objects.get(is_default_site=True)
    share = max(1, ROWS // ASSOCIATIONS)
    association_defaults_create(home)
    groups.ensure_inbox_groups()
    officer = UserFactory(username="bench-officer")
    officer.groups.add(Group.objects.get(name=groups.OFFICERS))
    client.force_login(officer)

    load_single = bulk_load(share, [home.pk])
    _index()
    single = _measure(client, officer, share)

    others = Site.objects.bulk_create(
        [
            Site(hostname=f"a{number}.bench.localhost", port=80, root_page_id=home.root_page_id)
            for number in range(1, ASSOCIATIONS)
        ]
    )
    load_many = bulk_load(ROWS - share, [site.pk for site in others], first=share + 1)
    build_many = _index()
    many = _measure(client, officer, share)

    figures = {
        "rows": ROWS,
        "associations": ASSOCIATIONS,
        "rows_of_the_association": share,
        "load_seconds": round(load_single + load_many, 1),
        "index_build_seconds_many": round(build_many, 1),
    }
    for key, value in single.items():
        figures[f"single_{key}"] = value
        figures[f"many_{key}"] = many[key]
        if isinstance(value, int | float):
            figures[f"ratio_{key}"] = round(many[key] / value, 2) if value else None
    report("associations_postgresql", figures)
