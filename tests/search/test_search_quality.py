"""Site search quality on the demo content, on whichever database the suite runs on."""

import pytest

from django.core.management import call_command

from search.site.quality import score
from tests.search.judged_queries import ARABIC, ENGLISH

pytestmark = pytest.mark.django_db

MRR_FLOOR = 0.75
RECALL_FLOOR = 0.8


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_judged_set_is_large_enough():
    assert len(ARABIC) >= 40 and len(ENGLISH) >= 15


@pytest.mark.parametrize(("language", "judged"), [("ar", ARABIC), ("en", ENGLISH)])
def test_search_quality_holds_its_floor(demo, language, judged):
    result = score(judged, language=language)
    print(f"\n[search quality] {result}")
    assert result.mrr >= MRR_FLOOR, result
    assert result.recall_at_5 >= RECALL_FLOOR, result
