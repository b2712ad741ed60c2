"""The database engine of the site index: document frequencies kept as documents come and go,
impacts that are BM25's document side under the averages the index keeps, and reading a
bounded depth of each term's best documents without changing the first results."""

import pytest

from portal.core.associations import current_site_id
from search.index import site as site_index
from search.index import site_database
from search.index.site import Field, SiteDocumentText
from search.models import SiteDocument, SiteIndexStats, SitePosting, SiteTerm

pytestmark = pytest.mark.django_db


def document(key: str, title: str, body: str = "", headings: str = "") -> SiteDocumentText:
    return SiteDocumentText(
        key=key, kind="faq", site_id=current_site_id(), title=title, headings=headings, body=body
    )


def counted_from_postings() -> dict[str, int]:
    out: dict[str, int] = {}
    for term in SitePosting.objects.values_list("term", flat=True):
        out[term] = out.get(term, 0) + 1  # one posting per (document, term)
    return out


def kept_counts() -> dict[str, int]:
    return dict(SiteTerm.objects.filter(documents__gt=0).values_list("term", "documents"))


def expected_impact(posting: SitePosting, stats: SiteIndexStats) -> float:
    row = posting.document
    fields = (
        (posting.title, row.title_length, stats.title_length, Field.TITLE),
        (posting.heading, row.heading_length, stats.heading_length, Field.HEADING),
        (posting.body, row.body_length, stats.body_length, Field.BODY),
        (posting.roots, row.roots_length, stats.roots_length, Field.ROOTS),
    )
    k1, b = site_index.K1, site_index.B
    return sum(
        site_index.FIELD_WEIGHTS[number] * tf / (tf + k1 * (1 - b + b * length / average))
        for tf, length, average, number in fields
    )


def assert_impacts_are_bm25():
    stats = SiteIndexStats.objects.get()
    for posting in SitePosting.objects.select_related("document"):
        assert posting.impact == pytest.approx(expected_impact(posting, stats), rel=1e-6)


def test_document_frequencies_follow_indexing_changes_and_removal(db):
    base = SiteTerm.objects.count()
    site_index.index_documents(
        [
            document("faq:a", "تقديم طلب الدعم", "يقدم الطلب عبر المنصة"),
            document("faq:b", "مدة الرد على الطلب", "أسبوعان"),
            document("faq:c", "الشكاوى والمقترحات", "نرد على كل شكوى"),
        ]
    )
    assert kept_counts() == counted_from_postings()
    site_index.index_documents([document("faq:b", "الزكاة", "نقبل الزكاة")])  # changed
    assert kept_counts() == counted_from_postings()
    site_index.remove_documents(["faq:a"])
    assert kept_counts() == counted_from_postings()
    site_index.remove_documents(["faq:b", "faq:c"])
    assert SitePosting.objects.filter(document__key__startswith="faq:").count() == 0
    assert kept_counts() == counted_from_postings()
    assert SiteTerm.objects.count() == base  # no term is left counted for nothing


def test_impacts_are_bm25_and_weighed_again_when_the_corpus_drifts(db):
    site_index.index_documents(
        [document(f"faq:short-{n}", f"سؤال قصير {n}", "جواب قصير") for n in range(5)]
    )
    assert_impacts_are_bm25()
    before = SiteIndexStats.objects.get().body_length
    long_body = " ".join(["الدعم المالي للأسر المستفيدة"] * 40)
    site_index.index_documents(
        [document(f"faq:long-{n}", "سؤال طويل", long_body) for n in range(5)]
    )
    assert SiteIndexStats.objects.get().body_length > before * (1 + site_index.DRIFT)
    assert_impacts_are_bm25()  # the short documents' impacts too


def test_reading_a_bounded_depth_keeps_the_first_results_and_their_scores(db, monkeypatch):
    common = "طلب الدعم"
    documents = [
        # No two alike: ties would leave the order among equals to chance.
        document(f"faq:common-{n}", common, " ".join(["طلب"] * (n + 1) + ["الدعم"] * (40 - n)))
        for n in range(40)
    ]
    documents.append(document("faq:both", "طلب الدعم المالي للأسرة", "الدعم المالي"))
    documents.append(document("faq:rare", "الدعم المالي", "المالي"))
    site_index.index_documents(documents)
    queries = ["طلب الدعم المالي", "الدعم المالي", "طلب"]
    exact = {
        q: site_index.database_search(
            site_index.parse_query(q, site_id=current_site_id()), limit=10
        )
        for q in queries
    }
    monkeypatch.setattr(site_database, "DEPTH", 3)  # far fewer than the documents holding طلب
    for query in queries:
        bounded = site_index.database_search(
            site_index.parse_query(query, site_id=current_site_id()), limit=10
        )
        assert bounded.keys[:3] == exact[query].keys[:3], query
        for key in bounded.keys:  # every score returned is exact, not a partial sum
            if key in exact[query].scores:
                assert bounded.scores[key] == pytest.approx(exact[query].scores[key]), key
    assert "faq:both" in exact["طلب الدعم المالي"].keys[:3]


def test_rebuild_takes_the_averages_of_the_whole_corpus(db):
    site_index.rebuild(
        [document(f"faq:{n}", "سؤال", " ".join(["كلمة"] * (n + 1))) for n in range(9)]
    )
    assert SiteIndexStats.objects.get().body_length == pytest.approx(
        sum(row.body_length for row in SiteDocument.objects.all()) / SiteDocument.objects.count()
    )
    assert_impacts_are_bm25()
    assert kept_counts() == counted_from_postings()
