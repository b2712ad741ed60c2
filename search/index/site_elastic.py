"""The site index on Elasticsearch, written with the Elasticsearch DSL.

Documents arrive already analysed by search.text.analysis (the stems and roots the database
backend holds), so the index only splits on spaces: both backends hold the same terms and rank
them alike, with the same field weights, the best of each query word's stems, root and synonyms
(dis_max), and a boost for words together in order (match_phrase with slop). Versioned indexes
sit behind an alias (`sila-site`), so a rebuild never stops search; each carries the
fingerprint of its definition, and `rebuild_site_index --if-incomplete` (the release step)
rebuilds when it changes.

Every association's documents share the index (a `site` term filters every query), yet none of
another association's documents moves an association's scores or order: Elasticsearch reads no
statistics of the shard. Each field has a scripted similarity computing BM25's document side
from the term's frequency in the document and the document's own length only, against a fixed
length (REFERENCE_LENGTHS) in place of the shard's average; each term's boost brings its
field's weight and its rarity among the association's own documents, which the database keeps
per association for its own backend (site_store.term_weights: the same numbers it ranks with).
Phrases score their boost (boolean similarity). A typo's stand-ins are the association's own
words (site_query.expand_unknown), sent as exact terms: no fuzzy expansion over the shard.
What differs from the database backend: the fixed reference lengths (it uses each association's
averages) and Lucene's lossy encoding of a field's length (exact for short fields, approximate for long
ones); both are the document's own, not another association's. An index per association was not chosen:
1,000 associations would be 1,000 shards beside the submission indexes, above a small cluster's
default of 1,000 per node, for indexes of a few dozen documents each.
"""

from functools import cached_property, lru_cache

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import Document, Index, Integer, Keyword, Q, Search, Text, analyzer
from elasticsearch.helpers import BulkIndexError, bulk

from django.conf import settings
from django.utils import timezone

from search.index.elastic_definition import outdated, stamped
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
from search.index.site_store import K1, B, term_weights
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
# The field lengths (in terms) BM25 normalises each field's frequencies against, in place of the
# shard's averages, which would be every association's: about the averages of a typical
# association's site (the demo association's: title 10.5, headings 10.9, body 93, roots 40);
# the database backend uses each association's own.
REFERENCE_LENGTHS = {Field.TITLE: 10.0, Field.HEADING: 10.0, Field.BODY: 100.0, Field.ROOTS: 40.0}


class SiteEntry(Document):
    key = Keyword()
    kind = Keyword()
    site = Integer()
    title = Text(analyzer=TERMS, similarity="sila_title")
    heading = Text(analyzer=TERMS, similarity="sila_heading")
    body = Text(analyzer=TERMS, similarity="sila_body")
    roots = Text(analyzer=TERMS, similarity="sila_roots")
    phrases = Text(analyzer=TERMS, similarity="sila_phrases")

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


def _similarity(field: int) -> dict:
    """BM25's document side for one field, from the term's frequency in the document and the
    document's own length, against a fixed length (REFERENCE_LENGTHS) in place of the shard's
    average. The query's boost brings the rest: the field's weight and the term's rarity among
    the association's own documents (site_store.term_weights)."""
    return {
        "type": "scripted",
        "script": {
            "source": (
                "double tf = doc.freq; "
                f"return query.boost * tf / (tf + {K1 * (1 - B):.6f} "
                f"+ {K1 * B / REFERENCE_LENGTHS[field]:.9f} * doc.length);"
            )
        },
    }


SIMILARITIES = {
    **{f"sila_{FIELD_NAMES[field]}": _similarity(field) for field in FIELD_NAMES},
    # Words together: the boost the query gives, whatever else the index holds.
    "sila_phrases": {"type": "boolean"},
}


def index_definition(name: str) -> Index:
    definition = Index(name)
    definition.settings(number_of_shards=1, number_of_replicas=0, similarity=SIMILARITIES)
    definition.document(SiteEntry)
    definition.analyzer(TERMS)
    return stamped(definition)


def build_search(query: SiteQuery, *, limit: int) -> Search:
    """One request: per query word the best of its terms (dis_max), each term scored over the
    weighted fields (summed, as the database's impacts are), all words summed (bool should),
    phrases of neighbouring words boosted. Only terms the association's documents hold are
    asked, weighed by their rarity among them: the association's statistics, not the shard's."""
    weights = term_weights(query)
    should = []
    for number, word in enumerate(query.words):
        alternatives = []
        for term in word.terms:
            if weights.word_of.get(term) != number:
                continue
            weight = weights.weight_of[term]
            if term.startswith(ROOT_MARK):
                boost = FIELD_WEIGHTS[Field.ROOTS] * weight
                alternatives.append(Q("term", roots={"value": term, "boost": boost}))
                continue
            fields = [
                Q(
                    "term",
                    **{FIELD_NAMES[field]: {"value": term, "boost": FIELD_WEIGHTS[field] * weight}},
                )
                for field in (Field.TITLE, Field.HEADING, Field.BODY)
            ]
            alternatives.append(Q("bool", should=fields))
        if alternatives:
            should.append(Q("dis_max", queries=alternatives))
    for first, second in zip(query.words, query.words[1:], strict=False):
        if not (first.firsts and second.firsts):
            continue
        pair = [weights.weight_of.get(first.firsts[0]), weights.weight_of.get(second.firsts[0])]
        if None in pair:  # the association holds one of them nowhere: no phrase of its
            continue
        should.append(
            Q(
                "match_phrase",
                phrases={
                    "query": f"{first.firsts[0]} {second.firsts[0]}",
                    "slop": PHRASE_SLOP,
                    "boost": PHRASE_BOOST * sum(pair),
                },
            )
        )
    # Nothing the association holds: nothing matches (the association's filter kept beside).
    nothing = Q("bool", filter=[Q("match_none")])
    asked = Q("bool", should=should, minimum_should_match=1) if should else nothing
    search = Search(index=alias()).query(asked)
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

    def outdated(self) -> bool:
        """Whether the index was built from an older definition than this code's."""
        return outdated(self.client, alias(), index_definition(alias()))

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
