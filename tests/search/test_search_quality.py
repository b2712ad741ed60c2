"""Site search quality on the demo content, on whichever database the suite runs on (SQLite,
then PostgreSQL in CI): nDCG@10, MRR and recall@5 over judged queries — those written with the
FAQs, those written the way people ask (tests/search/paraphrased_queries.py) and variants of
them made by rule (no hamza, ه for ة, a typo…)."""

import pytest

from django.core.management import call_command

from search.site.quality import score
from tests.search import judged_queries, paraphrased_queries

pytestmark = pytest.mark.django_db

ARABIC = judged_queries.ARABIC + paraphrased_queries.ARABIC + paraphrased_queries.MIXED
ENGLISH = judged_queries.ENGLISH + paraphrased_queries.ENGLISH
GENERATED = paraphrased_queries.generated()

# (judged set, language, nDCG@10 floor, MRR floor)
FLOORS = {
    "arabic": (ARABIC, "ar", 0.9, 0.88),
    "english": (ENGLISH, "en", 0.87, 0.85),
    # Typos and dropped letters made by rule are harder: a lower floor, still held.
    "generated": (GENERATED, "ar", 0.77, 0.77),
}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_judged_set_is_large_enough():
    assert len(ARABIC) + len(ENGLISH) + len(GENERATED) >= 150
    assert len(ENGLISH) >= 30 and len(GENERATED) >= 40


def test_search_quality_holds_its_floors(demo):
    """One demo load for every set (loading it is the slow part)."""
    failures = []
    for name, (judged, language, ndcg_floor, mrr_floor) in FLOORS.items():
        result = score(judged, language=language)
        print(f"\n[search quality] {name}: {result}")
        if result.ndcg_at_10 < ndcg_floor or result.mrr < mrr_floor:
            failures.append((name, result))
    assert not failures
