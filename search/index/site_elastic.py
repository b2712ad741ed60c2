"""The site index on Elasticsearch, written with the Elasticsearch DSL.

Documents arrive already analysed by search.text.analysis (the stems and roots the database
backend holds), so the index only splits on spaces: both backends hold the same terms and
Elasticsearch's own BM25 ranks them, with the same field weights, the best of each query
word's stems, root and synonyms (dis_max), and a boost for words together in order
(match_phrase with slop). Versioned indexes sit behind an alias (`sila-site`), so a rebuild
never stops search.
"""

from functools import cached_property, lru_cache

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import Document, Index, Integer, Keyword, Q, Search, Text, analyzer
from elasticsearch.helpers import BulkIndexError, bulk

from django.conf import settings
from django.utils import timezone

from search.index.site_base import (
    FIELD_WEIGHTS,
    PHRASE_BOOST,
    PROXIMITY_WINDOW,
    Field,
    SiteDocumentText,
    SiteHits,
    SiteQuery,
    document_fields,
)
from search.text.analysis import ROOT_MARK, sequence

# What "unreachable" means: no connection, a timeout, or the cluster answering 5xx / 429.
UNREACHABLE = (TransportError, ApiError, BulkIndexError, ConnectionError, TimeoutError)

TERMS = analyzer("sila_terms", tokenizer="whitespace")
FIELD_NAMES = {
    Field.TITLE: "title",
    Field.HEADING: "heading",
    Field.BODY: "body",
    Field.ROOTS: "roots",
}
PHRASE_SLOP = PROXIMITY_WINDOW - 1


class SiteEntry(Document):
    key = Keyword()
    kind = Keyword()
    site = Integer()
    title = Text(analyzer=TERMS)
    heading = Text(analyzer=TERMS)
    body = Text(analyzer=TERMS)
    roots = Text(analyzer=TERMS)
    phrases = Text(analyzer=TERMS)

    @classmethod
    def from_text(cls, document: SiteDocumentText) -> "SiteEntry":
        fields = document_fields(document)
        return cls(
            meta={"id": document.key},
            key=document.key,
            kind=document.kind,
            site=document.site_id,
            title=" ".join(fields[Field.TITLE]),
            heading=" ".join(fields[Field.HEADING]),
            body=" ".join(fields[Field.BODY]),
            roots=" ".join(fields[Field.ROOTS]),
            # One field per position, a gap between the parts, for phrase matching.
            phrases=" . . . ".join(
                sequence(text) for text in (document.title, document.headings, document.body)
            ),
        )


def alias() -> str:
    return f"{settings.SUBMISSION_SEARCH_INDEX_PREFIX}-site"


def index_definition(name: str) -> Index:
    definition = Index(name)
    definition.settings(number_of_shards=1, number_of_replicas=0)
    definition.document(SiteEntry)
    definition.analyzer(TERMS)
    return definition


def build_search(query: SiteQuery, *, limit: int) -> Search:
    """One request: per query word the best of its terms over the weighted fields (dis_max),
    all words summed (bool should), phrases of neighbouring words boosted."""
    per_word = []
    for word in query.words:
        alternatives = []
        for term, weight in word.terms.items():
            if term.startswith(ROOT_MARK):
                boost = FIELD_WEIGHTS[Field.ROOTS] * weight
                alternatives.append(Q("term", roots={"value": term, "boost": boost}))
                continue
            for number in (Field.TITLE, Field.HEADING, Field.BODY):
                boost = FIELD_WEIGHTS[number] * weight
                alternatives.append(
                    Q("term", **{FIELD_NAMES[number]: {"value": term, "boost": boost}})
                )
        per_word.append(Q("dis_max", queries=alternatives))
    should = list(per_word)
    for first, second in zip(query.words, query.words[1:], strict=False):
        if first.firsts and second.firsts:
            should.append(
                Q(
                    "match_phrase",
                    phrases={
                        "query": f"{first.firsts[0]} {second.firsts[0]}",
                        "slop": PHRASE_SLOP,
                        "boost": PHRASE_BOOST,
                    },
                )
            )
    search = Search(index=alias()).query(Q("bool", should=should, minimum_should_match=1))
    if query.site_id is not None:  # one association's documents only, in every query
        search = search.filter("term", site=query.site_id)
    if query.kinds:
        search = search.filter("terms", kind=list(query.kinds))
    return search.source(["key"]).extra(track_total_hits=True)[:limit]


class SiteElasticsearch:
    @cached_property
    def client(self) -> Elasticsearch:
        return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=3, max_retries=0)

    def _ensure(self) -> None:
        if not self.client.indices.exists_alias(name=alias()):
            name = f"{alias()}-v{timezone.now():%Y%m%dT%H%M%S%f}"
            index_definition(name).create(using=self.client)
            self.client.indices.put_alias(index=name, name=alias())

    def _actions(self, target: str, documents):
        for document in documents:
            entry = SiteEntry.from_text(document)
            yield {
                "_op_type": "index",
                "_index": target,
                "_id": document.key,
                "_source": entry.to_dict(),
            }

    def index(self, documents) -> None:
        self._ensure()
        bulk(self.client, self._actions(alias(), documents), refresh="wait_for")

    def remove(self, keys: list[str]) -> None:
        actions = [{"_op_type": "delete", "_index": alias(), "_id": key} for key in keys]
        bulk(self.client, actions, raise_on_error=False, refresh="wait_for")

    def rebuild(self, documents) -> None:
        new = f"{alias()}-v{timezone.now():%Y%m%dT%H%M%S%f}"
        index_definition(new).create(using=self.client)
        bulk(self.client, self._actions(new, documents))
        self.client.indices.refresh(index=new)
        old = []
        if self.client.indices.exists_alias(name=alias()):
            old = list(self.client.indices.get_alias(name=alias()))
        actions = [{"remove": {"index": name, "alias": alias()}} for name in old]
        actions.append({"add": {"index": new, "alias": alias()}})
        self.client.indices.update_aliases(actions=actions)
        for name in old:
            self.client.indices.delete(index=name)

    def search(self, query: SiteQuery, *, limit: int) -> SiteHits:
        response = build_search(query, limit=limit).using(self.client).execute()
        keys = [hit.key for hit in response]
        scores = {hit.key: float(hit.meta.score or 0) for hit in response}
        return SiteHits(keys, scores, response.hits.total.value, "elasticsearch")


@lru_cache(maxsize=1)
def _elastic(url: str) -> SiteElasticsearch:
    return SiteElasticsearch()


def elastic() -> SiteElasticsearch:
    return _elastic(settings.ELASTICSEARCH_URL)
