"""Submission search at scale: 1,000,000 help requests bulk-loaded into PostgreSQL, the index
built by `rebuild_submission_index`, then p50/p95 latency of text, filter-only and text+filter
searches. PostgreSQL only (the size the issue sets); `BENCH_SUBMISSIONS` changes the count."""

import io
import os
import statistics
import time

import pytest

from django.core.management import call_command
from django.db import connection

from search.index.service import search_submissions
from tests.inbox.conftest import member

# Committed rows, so the index can be vacuumed as autovacuum would in production.
pytestmark = pytest.mark.django_db(transaction=True)

ROWS = int(os.environ.get("BENCH_SUBMISSIONS", "1000000"))

FIRST = ["أحمد", "إبراهيم", "أسماء", "آمنة", "عبدالله", "عبد الرحمن", "فاطمة", "نورة", "خالد", "سارة",
         "محمد", "هيفاء", "عائشة", "يوسف", "مريم", "سلمان", "لطيفة", "ماجد", "منيرة", "تركي"]  # fmt: skip
FAMILY = ["الحربي", "القحطاني", "الغامدي", "العتيبي", "الشهري", "الزهراني", "المطيري", "الدوسري",
          "السبيعي", "العنزي", "الشمري", "المالكي", "الجهني", "الأحمدي", "البقمي", "القرني"]  # fmt: skip
CITIES = ["جدة", "مكة المكرمة", "الطائف", "رابغ"]
DISTRICTS = ["الروضة", "الصفا", "النسيم", "البوادي", "المروة", "العزيزية", "الشوقية", "الفيصلية"]
STATUSES = ["received", "under_review", "information_needed", "referred", "accepted", "rejected",
            "delivered", "closed"]  # fmt: skip
NEEDS = ["أحتاج إلى مساعدة في دفع إيجار المسكن", "سلة غذائية شهرية للأسرة",
         "الرسوم الدراسية للأبناء", "غسيل كلى وأدوية", "ترميم البيت بعد الأمطار"]  # fmt: skip


def _array(values) -> str:
    return "ARRAY[" + ",".join("'" + v + "'" for v in values) + "]"


def _pick(values, salt: int) -> str:
    """SQL for one of `values`, drawn for row g by a hash of its own: fields vary independently
    (a plain g % n would tie a name to a status, which real requests never do)."""
    values = list(values)
    return f"({_array(values)})[1 + abs(hashint8(g * 31 + {salt})::bigint) %% {len(values)}]"


def bulk_load(rows: int, site_ids: list[int] | None = None, *, first: int = 1) -> float:
    """One INSERT … SELECT over generate_series: names, phones and IDs vary with the row. The
    rows go to the associations `site_ids` in turn (the default association's without them);
    `first` numbers them on from an earlier load."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if not site_ids:
            cursor.execute("SELECT id FROM wagtailcore_site WHERE is_default_site")
            site_ids = [cursor.fetchone()[0]]
        # The associations' own types of support, else any (a benchmark's associations may
        # have none of their own).
        cursor.execute(
            "SELECT site_id, id FROM intake_supporttype "
            "ORDER BY site_id = ANY(%s) DESC, site_id, id",
            [site_ids],
        )
        found = cursor.fetchall()
        types = [pk for site_id, pk in found if site_id == found[0][0]]
        cursor.execute(
            f"""
            WITH files AS (
                INSERT INTO intake_casefile (kind, site_id)
                SELECT 'help', (%s::int[])[1 + (n - 1) %% %s] FROM generate_series(1, %s) AS n
                RETURNING id, site_id
            ), numbered AS (
                SELECT id, site_id, (%s + row_number() OVER (ORDER BY id) - 1)::int AS g
                FROM files
            )
            INSERT INTO intake_helprequest (
                site_id, case_file_id, reference, channel, language, submitted_at, tracking_salt, status_changed_at,
                support_type_id, status, response_due, committee_meeting, decision_reason,
                full_name, national_id, date_of_birth, gender, nationality, marital_status,
                family_size, dependants, monthly_income, income_sources, city, district, mobile,
                email, preferred_contact, description)
            SELECT
                site_id, id, 'HR-2025-' || lpad(g::text, greatest(7, length(g::text)), '0'), 'website', 'ar',
                now() - (g || ' minutes')::interval, 'bench', now(),
                {_pick(map(str, types), 1)}::bigint,
                {_pick(STATUSES, 2)},
                current_date + (g %% 30 - 15), '', '',
                {_pick(FIRST, 3)} || ' ' || {_pick(FIRST, 4)} || ' ' || {_pick(FAMILY, 5)},
                (1000000000 + g)::text, DATE '1980-01-01', 'female', 'سعودية', 'married',
                4, 2, 2000, '',
                {_pick(CITIES, 6)},
                {_pick(DISTRICTS, 7)},
                '+9665' || lpad(g::text, 8, '0'), '', 'sms',
                {_pick(NEEDS, 8)}
            FROM numbered
            """,
            [site_ids, len(site_ids), rows, first],
        )
        cursor.execute("ANALYZE intake_helprequest")
    return time.perf_counter() - started


def latencies(user, calls) -> dict:
    durations, found = [], 0
    for text, filters in calls:
        t0 = time.perf_counter()
        results = search_submissions(user, text=text, filters=filters)
        durations.append(time.perf_counter() - t0)
        found += results.total > 0
    durations.sort()
    return {
        # searches that found something: a search that finds nothing costs less
        "found": f"{found}/{len(calls)}",
        "p50_ms": round(statistics.median(durations) * 1000, 1),
        "p95_ms": round(durations[max(0, int(len(durations) * 0.95) - 1)] * 1000, 1),
    }


def search_calls(rows: int) -> list[tuple[str, list]]:
    """Every kind of submission search, 40 calls each: a name, a name misspelt, a phone number,
    a national ID (both of requests among the first `rows` that `bulk_load` made), filters
    alone, and a name with a filter."""
    names = [f"{FIRST[i % 20]} {FAMILY[(i * 3) % 16]}" for i in range(40)]
    unhamzated = [n.replace("أ", "ا").replace("إ", "ا") for n in names]
    # The family name misspelt: its next-to-last letter left out (الزهراني → الزهراي).
    misspelt = [f"{n.rsplit(' ', 1)[0]} {n.rsplit(' ', 1)[1][:-2]}{n[-1]}" for n in unhamzated]
    phones = [f"05{1 + (i * 7919 - 1) % rows:08d}" for i in range(1, 41)]
    ids = [str(1000000000 + 1 + (i * 4999 - 1) % rows) for i in range(1, 41)]
    return [
        ("text_name", [(n, {}) for n in unhamzated]),
        ("text_misspelt_name", [(n, {}) for n in misspelt]),
        ("text_phone", [(p, {}) for p in phones]),
        ("text_id", [(national_id, {}) for national_id in ids]),
        ("filter_only", [("", {"status": ["referred"], "city": CITIES[i % 4]}) for i in range(40)]),
        ("text_and_filter", [(n, {"status": ["referred"]}) for n in unhamzated]),
    ]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the submission-search benchmark is set for PostgreSQL: run with DATABASE_URL=postgres://…",
)
def test_submission_search_at_scale(report):
    load_seconds = bulk_load(ROWS)
    started = time.perf_counter()
    call_command(
        "rebuild_submission_index", "--no-progress", "--batch-size", "5000", stdout=io.StringIO()
    )
    build_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_submissionentry")
    officer = member("officer")
    figures = {
        "rows": ROWS,
        "bulk_load_seconds": round(load_seconds, 1),
        "index_build_seconds": round(build_seconds, 1),
    }
    for name, calls in search_calls(ROWS):
        latencies(officer, calls[:3])  # warm the caches
        for key, value in latencies(officer, calls).items():
            figures[f"{name}_{key}"] = value
    report("submission_search_postgresql", figures)
