"""The site index on Elasticsearch: the mapping, the analyser and the queries as data (no server
here), and the live suite when ELASTICSEARCH_URL points at one."""

import io
import os

import pytest

from django.core.cache import cache
from django.core.management import call_command

from portal.core.associations import current_site_id
from search.index import site as site_index
from search.index.site_elastic import (
    FIELD_NAMES,
    REFERENCE_LENGTHS,
    SiteElasticsearch,
    build_search,
    index_definition,
)
from search.index.site_store import document_count
from tests.search.elastic_bodies import shard_statistics_read
from tests.search.test_statistics_by_association import QUERIES, SITE_A, SITE_B, ours, theirs

pytestmark = pytest.mark.django_db


def test_the_index_splits_the_analysed_terms_on_spaces_only():
    body = index_definition("sila-site-v1").to_dict()
    analyzer = body["settings"]["analysis"]["analyzer"]["sila_terms"]
    assert analyzer == {"type": "custom", "tokenizer": "whitespace"}
    properties = body["mappings"]["properties"]
    assert {name: properties[name]["type"] for name in ("key", "kind", "site")} == {
        "key": "keyword",
        "kind": "keyword",
        "site": "integer",
    }
    for name in ("title", "heading", "body", "roots", "phrases"):
        assert properties[name] == {
            "type": "text",
            "analyzer": "sila_terms",
            "similarity": f"sila_{name}",
        }


def test_no_field_is_scored_with_statistics_of_the_shard():
    """A term's rarity and a field's average length in the shard are every association's:
    each field's score reads only the term's frequency in the document and the document's own
    length (and the boost the query gives); phrases score their boost."""
    similarities = index_definition("sila-site-v1").to_dict()["settings"]["similarity"]
    assert similarities["sila_phrases"] == {"type": "boolean"}
    for field, name in FIELD_NAMES.items():
        spec = similarities[f"sila_{name}"]
        assert spec["type"] == "scripted" and "weight_script" not in spec
        source = spec["script"]["source"]
        assert "doc.freq" in source and "doc.length" in source and "query.boost" in source
        assert "field." not in source and "term." not in source, name
        assert f"{1.2 * 0.75 / REFERENCE_LENGTHS[field]:.9f}" in source


def _clauses(request: dict) -> dict:
    """{(field, term): boost} of the term clauses of a request, and its phrases' boosts."""
    out = {}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "term" and isinstance(value, dict):
                    for field, spec in value.items():
                        if isinstance(spec, dict) and "value" in spec:
                            out[(field, spec["value"])] = spec["boost"]
                elif key == "match_phrase":
                    out[("phrases", value["phrases"]["query"])] = value["phrases"]["boost"]
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(request["query"])
    return out


def test_each_word_counts_once_by_its_best_term_weighed_by_the_association_statistics(db):
    site_id = current_site_id()  # the default association holds the default synonyms
    site_index.index_documents(
        [
            site_index.SiteDocumentText("faq:x:1", "faq", site_id, "تقديم شكوى", body="البحث"),
            site_index.SiteDocumentText("faq:x:2", "faq", site_id, "بلاغ عن خلل", body="البحث"),
        ]
    )
    query = site_index.parse_query("شكوى البحث", site_id=site_id)
    request = build_search(query, limit=20).to_dict()
    should = request["query"]["bool"]["should"]
    words = [clause["dis_max"]["queries"] for clause in should if "dis_max" in clause]
    assert len(words) == 2
    weights = site_index.site_store.term_weights(query)
    # Per term the association's rarity: BM25's idf × the query's weight × (k1 + 1), times
    # each field's weight.
    total = document_count(site_id)
    assert total >= 2
    complaint = _clauses({"query": words[0]})
    assert complaint[("title", "شكو")] == pytest.approx(3.0 * weights.weight_of["شكو"])
    assert complaint[("body", "شكو")] == pytest.approx(weights.weight_of["شكو"])
    assert complaint[("title", "بلاغ")] == pytest.approx(3.0 * weights.weight_of["بلاغ"])
    # A term no document of the association holds is not asked at all.
    assert all(term in weights.weight_of for _field, term in complaint)
    phrase = next(clause["match_phrase"] for clause in should if "match_phrase" in clause)
    assert phrase["phrases"]["slop"] == 2 and phrase["phrases"]["query"].startswith("شكو")
    assert request["query"]["bool"]["filter"] == [{"term": {"site": site_id}}]
    assert request["size"] == 20 and request["track_total_hits"] is True


def test_a_query_the_association_holds_nothing_of_matches_nothing(db):
    request = build_search(site_index.parse_query("شكوى", site_id=SITE_A), limit=20).to_dict()
    assert request["query"]["bool"]["filter"] == [{"match_none": {}}, {"term": {"site": SITE_A}}]


def _requests(site_id: int) -> dict[str, dict]:
    return {
        text: build_search(
            site_index.expand_unknown(site_index.parse_query(text, site_id=site_id)), limit=50
        ).to_dict()
        for text in (*QUERIES, "الشكاوي والمقترحت", "تقديم الطلب")
    }


def test_another_association_documents_never_change_what_elasticsearch_is_asked(db):
    """The request is all Elasticsearch reads of an association's statistics: its terms, their
    boosts (the association's rarities) and the typos' stand-ins are the same whether or not
    another association holds many documents full of the same words, and no clause reads
    statistics of the shard."""
    site_index.index_documents(ours())
    before = _requests(SITE_A)
    definition = index_definition("sila-site-v1").to_dict()
    for text, request in before.items():
        assert request["query"]["bool"]["should"], text
        assert shard_statistics_read(definition, request["query"]) == [], text

    site_index.index_documents(theirs(60))
    assert _requests(SITE_A) == before
    theirs_asked = _requests(SITE_B)["طلب دعم مالي"]
    assert _clauses(theirs_asked) != _clauses(before["طلب دعم مالي"])  # B's own rarities

    site_index.remove_documents([d.key for d in theirs(60)[:45]])
    assert _requests(SITE_A) == before


def test_the_answer_is_read_into_keys_and_scores():
    class Client:
        def search(self, **kwargs):
            from types import SimpleNamespace

            return SimpleNamespace(
                body={
                    "hits": {
                        "total": {"value": 2, "relation": "eq"},
                        "hits": [
                            {"_id": "faq:a", "_score": 4.0, "_source": {"key": "faq:a"}},
                            {"_id": "policy:b", "_score": 1.5, "_source": {"key": "policy:b"}},
                        ],
                    }
                }
            )

    backend = SiteElasticsearch()
    backend.__dict__["client"] = Client()
    site_index.index_documents([site_index.SiteDocumentText("faq:a", "faq", None, "شكوى")])
    hits = backend.search(site_index.parse_query("شكوى"), limit=10)
    assert hits.keys == ["faq:a", "policy:b"] and hits.scores["faq:a"] == 4.0
    assert hits.total == 2 and hits.backend == "elasticsearch"


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no search server here",
)
def test_live_elasticsearch_site_search_quality(settings):
    from search.index import site_elastic
    from search.site.quality import score
    from tests.search.test_search_quality import ARABIC, ENGLISH

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.SUBMISSION_SEARCH_INDEX_PREFIX = f"sila-test-{os.getpid()}"
    site_elastic._elastic.cache_clear()
    cache.clear()
    try:
        call_command("load_demo", stdout=io.StringIO())
        call_command("rebuild_site_index", stdout=io.StringIO())
        assert site_index.search(site_index.parse_query("شكوى")).backend == "elasticsearch"
        arabic = score(ARABIC, language="ar")
        english = score(ENGLISH, language="en")
        print(f"\n[search quality, elasticsearch] {arabic}\n{english}")
        assert arabic.ndcg_at_10 >= 0.85 and english.ndcg_at_10 >= 0.8
    finally:
        site_elastic.elastic().client.indices.delete(
            index=f"{site_elastic.alias()}-*", ignore_unavailable=True
        )
        site_elastic._elastic.cache_clear()


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no search server here",
)
def test_live_another_association_documents_never_change_the_scores_or_the_order(settings):
    """As test_statistics_by_association shows for the database: A's keys, order and scores
    are the same before and after B gains many documents full of A's query words."""
    from search.index import site_elastic

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.SUBMISSION_SEARCH_INDEX_PREFIX = f"sila-test-{os.getpid()}"
    site_elastic._elastic.cache_clear()
    cache.clear()

    def scores(site_id: int = SITE_A) -> dict[str, list]:
        out = {}
        for text in QUERIES:
            hits = site_index.search(site_index.parse_query(text, site_id=site_id))
            assert hits.backend == "elasticsearch"
            out[text] = [(key, hits.scores[key]) for key in hits.keys]
        return out

    try:
        site_index.rebuild(ours())
        before = scores()
        assert all(before.values())
        site_index.index_documents(theirs(60))  # the database's statistics
        site_elastic.elastic().index(theirs(60))  # and B's documents in the same shard
        assert scores() == before
        assert scores(SITE_B)["طلب دعم مالي"]
        site_index.rebuild([*ours(), *theirs(120)])
        assert scores() == before
    finally:
        site_elastic.elastic().client.indices.delete(
            index=f"{site_elastic.alias()}-*", ignore_unavailable=True
        )
        site_elastic._elastic.cache_clear()


def test_the_release_step_rebuilds_an_index_of_an_older_definition(settings, monkeypatch):
    settings.ELASTICSEARCH_URL = "http://search.invalid:9200"
    calls = []
    monkeypatch.setattr(site_index, "elastic_outdated", lambda: True)
    monkeypatch.setattr(
        "portal.management.commands.rebuild_site_index.missing_documents", lambda: 0
    )
    monkeypatch.setattr(
        "portal.management.commands.rebuild_site_index.rebuild_site_index",
        lambda: calls.append(1) or 3,
    )
    out = io.StringIO()
    call_command("rebuild_site_index", "--if-incomplete", stdout=out)
    assert calls == [1] and "older definition" in out.getvalue()
    monkeypatch.setattr(site_index, "elastic_outdated", lambda: False)
    call_command("rebuild_site_index", "--if-incomplete", stdout=io.StringIO())
    assert calls == [1]


def test_the_site_index_definition_carries_its_fingerprint():
    from search.index.elastic_definition import fingerprint

    first = index_definition("sila-site-v1")
    again = index_definition("sila-site-v2")
    meta = first.to_dict()["mappings"]["_meta"]
    assert meta == {"definition": fingerprint(again)}  # the name is not part of it
