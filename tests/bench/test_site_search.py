"""Site search: latency over 10,000 documents (pages and questions) and which Arabic analysis
ranks best on the judged queries. Figures only; run with `make bench` (the latency figure the
issue sets is for PostgreSQL: DATABASE_URL=postgres://… make bench)."""

import io
import os
import random
import statistics
import time

import pytest

from django.core.management import call_command
from django.db import connection
from django.utils import translation

from portal.core.associations import current_site_id
from search.index import site as site_index
from search.models import SiteDocument, SitePosting
from search.site.indexing import rebuild_site_index
from search.site.quality import score
from search.site.ranking import find
from search.text import analysis
from tests.search.test_search_quality import ARABIC, ENGLISH, GENERATED, MORPHED

pytestmark = pytest.mark.django_db

DOCUMENTS = int(os.environ.get("BENCH_SITE_DOCUMENTS", "10000"))

# Words of the association's work, to make documents that look like policies and answers.
VOCABULARY = [
    "المستفيد",
    "المستفيدين",
    "طلب",
    "الطلبات",
    "الدعم",
    "المساعدة",
    "الإعانة",
    "لجنة",
    "البحث",
    "الاجتماعي",
    "الباحث",
    "الوثائق",
    "المستندات",
    "الهوية",
    "الأسرة",
    "الدخل",
    "السكن",
    "الإيجار",
    "العلاج",
    "الأدوية",
    "التعليم",
    "الرسوم",
    "التطوع",
    "المتطوعين",
    "المنصة",
    "الوطنية",
    "الفرص",
    "المهارات",
    "التدريب",
    "المقابلة",
    "القبول",
    "الرفض",
    "السبب",
    "الشكوى",
    "الشكاوى",
    "الملاحظات",
    "المقترحات",
    "الرضا",
    "التقييم",
    "الخدمة",
    "الجودة",
    "الخصوصية",
    "البيانات",
    "الشخصية",
    "السرية",
    "الاحتفاظ",
    "الإتلاف",
    "الحوكمة",
    "مجلس",
    "الإدارة",
    "الاعتماد",
    "السياسة",
    "اللائحة",
    "الدليل",
    "الإجراءات",
    "المدة",
    "الفترة",
    "أسبوعين",
    "شهر",
    "الرد",
    "الإجابة",
    "القنوات",
    "الهاتف",
    "الجوال",
    "البريد",
    "الزيارة",
    "الفرع",
    "المكتب",
    "المناديب",
    "الزكاة",
    "الصدقات",
    "التبرعات",
    "الداعمين",
    "الشفافية",
    "النزاهة",
    "تعارض",
    "المصالح",
    "الإبلاغ",
    "المخالفات",
    "الموظفين",
    "المدير",
    "الأمين",
    "المالي",
    "الميزانية",
    "التقرير",
    "السنوي",
]
ENGLISH_WORDS = [
    "beneficiary",
    "request",
    "support",
    "help",
    "committee",
    "research",
    "documents",
    "identity",
    "family",
    "income",
    "housing",
    "rent",
    "treatment",
    "education",
    "volunteer",
    "platform",
    "skills",
    "training",
    "interview",
    "accepted",
    "rejected",
    "reason",
    "complaint",
    "suggestion",
    "satisfaction",
    "rating",
    "service",
    "quality",
    "privacy",
    "data",
    "retention",
    "governance",
    "board",
    "approval",
    "policy",
    "regulation",
    "guide",
    "procedure",
    "period",
    "weeks",
    "month",
    "answer",
    "channels",
    "phone",
    "email",
    "visit",
    "branch",
    "zakat",
    "donations",
    "transparency",
    "conflict",
    "interest",
]


def synthetic(count: int) -> list[site_index.SiteDocumentText]:
    """`count` documents of the default association (the one `find` answers for here)."""
    site_id = current_site_id()
    rng = random.Random(16)
    documents = []
    for number in range(count):
        kind = "policy" if number % 10 == 0 else "faq"
        title = " ".join(rng.choices(VOCABULARY, k=rng.randint(3, 8)))
        headings = " ".join(rng.choices(VOCABULARY, k=rng.randint(4, 20)))
        body = " ".join(rng.choices(VOCABULARY, k=rng.randint(40, 160 if kind == "faq" else 600)))
        body += " " + " ".join(rng.choices(ENGLISH_WORDS, k=rng.randint(10, 60)))
        documents.append(
            site_index.SiteDocumentText(
                key=f"{kind}:{site_id}:bench-{number}",
                kind=kind,
                site_id=site_id,
                title=title,
                headings=headings,
                body=body,
            )
        )
    return documents


def percentile(durations: list[float], share: float) -> float:
    ordered = sorted(durations)
    return round(ordered[max(0, int(len(ordered) * share) - 1)] * 1000, 2)


def test_site_search_latency_on_10000_documents(client, report):
    call_command("load_demo", stdout=io.StringIO())
    started = time.perf_counter()
    documents = synthetic(DOCUMENTS)
    for start in range(0, len(documents), 500):
        site_index.index_documents(documents[start : start + 500])
    indexing = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_siteposting; ANALYZE search_sitedocument")
    queries = [query for query, _expected in ARABIC + ENGLISH + GENERATED]
    for query in queries[:10]:  # warm caches (synonyms, statistics)
        find(query)
    index_times, api_times = [], []
    with translation.override("ar"):
        for query in queries:
            t0 = time.perf_counter()
            found = find(query)
            found.results(0, 10)
            index_times.append(time.perf_counter() - t0)
    for query in queries:
        t0 = time.perf_counter()
        response = client.get("/api/v1/search/", {"q": query, "locale": "ar"})
        api_times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    report(
        f"site_search_{connection.vendor}",
        {
            "documents": SiteDocument.objects.count(),
            "postings": SitePosting.objects.count(),
            "indexing_s": round(indexing, 1),
            "queries": len(queries),
            "search_p50_ms": round(statistics.median(index_times) * 1000, 2),
            "search_p95_ms": percentile(index_times, 0.95),
            "api_p50_ms": round(statistics.median(api_times) * 1000, 2),
            "api_p95_ms": percentile(api_times, 0.95),
        },
    )


ANALYSERS = {
    "light (project)": analysis.Analyser(light=True, snowball=False, roots=False, plurals=False),
    "snowball": analysis.Analyser(light=False, snowball=True, roots=False, plurals=False),
    "snowball+isri": analysis.Analyser(light=False, snowball=True, roots=True, plurals=False),
    "light+snowball": analysis.Analyser(light=True, snowball=True, roots=False, plurals=False),
    "light+snowball+isri": analysis.Analyser(plurals=False),
    "light+snowball+isri+arramooz plurals (default)": analysis.DEFAULT,
}


def test_which_arabic_analysis_ranks_best(report):
    call_command("load_demo", stdout=io.StringIO())
    figures = {}
    try:
        for name, analyser in ANALYSERS.items():
            analysis.use(analyser)
            rebuild_site_index()
            for label, judged, language in (
                ("ar", ARABIC, "ar"),
                ("en", ENGLISH, "en"),
                ("generated", GENERATED, "ar"),
                ("morphed", MORPHED, "ar"),
            ):
                result = score(judged, language=language)
                figures[f"{name} {label} ndcg@10"] = result.ndcg_at_10
                figures[f"{name} {label} mrr"] = result.mrr
    finally:
        analysis.use(analysis.DEFAULT)
        rebuild_site_index()
    report(f"site_search_analysers_{connection.vendor}", figures)
