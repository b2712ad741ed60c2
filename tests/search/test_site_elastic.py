"""The site index on Elasticsearch: the mapping, the analyser and the queries as data (no server
here), and the live suite when ELASTICSEARCH_URL points at one."""

import io
import os

import pytest

from django.core.cache import cache
from django.core.management import call_command

from portal.core.associations import current_site_id
from search.index import site as site_index
from search.index.site_elastic import SiteElasticsearch, build_search, index_definition

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
        assert properties[name] == {"type": "text", "analyzer": "sila_terms"}


def test_each_word_counts_once_by_its_best_term_with_field_weights_and_synonyms(db):
    site_id = current_site_id()  # the default association holds the default synonyms
    query = site_index.parse_query("شكوى البحث", site_id=site_id)
    request = build_search(query, limit=20).to_dict()
    should = request["query"]["bool"]["should"]
    words = [clause["dis_max"]["queries"] for clause in should if "dis_max" in clause]
    assert len(words) == 2
    complaint = {
        (field, spec["value"]): spec["boost"]
        for clause in words[0]
        for field, spec in clause["term"].items()
    }
    assert complaint[("title", "شكو")] == 3.0 and complaint[("body", "شكو")] == 1.0
    assert complaint[("roots", "~شكي")] == pytest.approx(0.35)
    assert complaint[("title", "بلاغ")] == pytest.approx(3.0 * site_index.SYNONYM_WEIGHT)
    phrase = next(clause["match_phrase"] for clause in should if "match_phrase" in clause)
    assert phrase["phrases"]["slop"] == 2 and phrase["phrases"]["query"].startswith("شكو")
    assert request["query"]["bool"]["filter"] == [{"term": {"site": site_id}}]
    assert request["size"] == 20 and request["track_total_hits"] is True


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
