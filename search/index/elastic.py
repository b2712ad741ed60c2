"""The Elasticsearch backend of submission search, written with the Elasticsearch DSL.

One index per registered kind of submission, all with the mapping of `SubmissionDocument`. Text
goes through an Arabic analyser (Arabic normalisation, decimal digits, light stemming) and is
also held word for word (`text.words`, `name.words`); the reference, ID and phone are keywords,
and names and numbers also have an edge-n-gram field so a half-remembered name or the first
digits find their submission. Facets are aggregations; the name is marked as the database
backend marks it (`highlight`). Each rebuild writes to new versioned indexes
(`sila-help-requests-v20261121T101500`) and then moves the alias the application reads
(`sila-help-requests`), so searching never stops; each index carries the fingerprint of its
definition, so `rebuild_submission_index --if-outdated` (the release step) rebuilds when it
changes.

Several associations share each index (a `site` term filters every query), yet one
association's search is never moved by another's data:
- Nothing is scored by statistics of the shard. BM25's term rarity and average field length
  would be every association's, so another association's documents would move the scores and
  the order. The index's default similarity is `boolean` and every clause is a constant score:
  the score is `name_score`'s, the database backend's (2 for a word of the name, 1 for the start
  of one), ties newest first, as the database orders them.
- Nothing is expanded over the shard's terms. A fuzzy or prefix query expands to at most so
  many terms of the shard's dictionary, so another association's words would use up the
  expansions; instead a word no submission of the association holds is replaced by the
  association's own words it may be the start or a misspelling of, from the word list the
  database keeps per association for its own backend (search.index.words; the database is
  written whichever backend answers), and they are sent as exact terms.
Why not an index per association: 1,000 associations × 3 kinds would be 3,000 shards, above a
small cluster's default of 1,000 per node, each with its own heap and file handles, for indexes
of a few thousand documents; with nothing left that reads the shard's statistics, sharing the
indexes costs no association anything. What they still share is the cluster's work (a large
association's load slows the others' queries) and a document count per index, neither of which
changes a result.

Documents are indexed already normalised by `search.text` (the same normaliser as the
database backend), and the queries are normalised the same way.

The database backend's table is written too, so that when the server is unreachable the
database answers (logged, and reported by `state` for /readyz) instead of a 500; what the
server missed stays pending and is sent again by the task or the next rebuild, and searches
try the server again after ELASTIC_RETRY_SECONDS.
"""

import logging
import time
from functools import cached_property

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import (
    A,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
    tokenizer,
)
from elasticsearch.dsl.query import Query
from elasticsearch.helpers import BulkIndexError, bulk

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from search.index.base import Backend
from search.index.elastic_definition import outdated, stamped
from search.index.query import (
    NAME_START,
    NAME_WORD,
    Hit,
    ParsedText,
    SubmissionQuery,
    SubmissionResults,
    highlight,
)
from search.index.registry import indexed, indexed_kinds
from search.index.words import corrected_groups

logger = logging.getLogger(__name__)

# No connection, a timeout, or the cluster answering with an error: the database answers.
UNREACHABLE = (TransportError, ApiError, BulkIndexError, ConnectionError, TimeoutError)
ELASTIC_DOWN_KEY = "search:submissions:elastic-down"
ELASTIC_RETRY_SECONDS = 30

arabic_light_stem = token_filter("sila_arabic_stem", type="stemmer", language="arabic")
ARABIC = analyzer(
    "sila_arabic",
    tokenizer="standard",
    filter=["lowercase", "decimal_digit", "arabic_normalization", arabic_light_stem],
)
EDGE = tokenizer(
    "sila_edge", type="edge_ngram", min_gram=2, max_gram=15, token_chars=["letter", "digit"]
)
PARTIAL = analyzer(
    "sila_partial",
    tokenizer=EDGE,
    filter=["lowercase", "decimal_digit", "arabic_normalization"],
)
PARTIAL_SEARCH = analyzer(
    "sila_partial_search",
    tokenizer="standard",
    filter=["lowercase", "decimal_digit", "arabic_normalization"],
)
# The words as the database's word list holds them (the text is normalised before it is sent):
# what a query's words, and the association's words they stand for, are matched against.
WORDS = analyzer("sila_words", tokenizer="whitespace")
# No field is scored with statistics of the shard (a term's rarity, a field's average length):
# they would be every association's. A clause scores the weight the query gives it.
SIMILARITY = {"default": {"type": "boolean"}}


class SubmissionDocument(Document):
    """What staff search and filter on; nothing else of the person is sent to the server."""

    site = Integer()  # the association: every query filters by it
    reference = Keyword()
    national_id = Keyword(
        fields={"partial": Text(analyzer=PARTIAL, search_analyzer=PARTIAL_SEARCH)}
    )
    phone = Keyword(fields={"partial": Text(analyzer=PARTIAL, search_analyzer=PARTIAL_SEARCH)})
    name = Text(
        analyzer=ARABIC,
        fields={
            "partial": Text(analyzer=PARTIAL, search_analyzer=PARTIAL_SEARCH),
            "words": Text(analyzer=WORDS),
        },
    )
    text = Text(analyzer=ARABIC, fields={"words": Text(analyzer=WORDS)})
    status = Keyword()
    support_type = Keyword()
    channel = Keyword()
    city = Keyword()
    assignee = Integer()
    submitted_at = Date()

    @classmethod
    def from_entry(cls, doc: dict) -> "SubmissionDocument":
        return cls(
            meta={"id": doc["object_id"]},
            site=doc["site_id"],
            reference=doc["reference"],
            national_id=doc["national_id"],
            phone=doc["phone"],
            name=doc["name"],
            text=doc["text"],
            status=doc["status"],
            support_type=str(doc["support_type_id"]) if doc["support_type_id"] else None,
            channel=doc["channel"],
            city=doc["city"],
            assignee=doc["assignee_id"],
            submitted_at=doc["submitted_at"],
        )


FACET_FIELDS = {
    "status": "status",
    "support_type": "support_type",
    "channel": "channel",
    "city": "city",
}


def alias(kind: str) -> str:
    """The name the application reads a kind's index by (sila-help-requests)."""
    return f"{settings.SUBMISSION_SEARCH_INDEX_PREFIX}-{indexed(kind).index_name}"


def kind_of_index(name: str) -> str | None:
    """The kind whose alias names this index or one of its versions (<alias>-v<timestamp>)."""
    return next(
        (
            kind
            for kind in indexed_kinds()
            if name == alias(kind) or name.startswith(f"{alias(kind)}-v")
        ),
        None,
    )


def index_definition(name: str) -> Index:
    """The settings and mappings of one (versioned) index."""
    index = Index(name)
    index.settings(
        number_of_shards=1, number_of_replicas=0, max_ngram_diff=13, similarity=SIMILARITY
    )
    index.document(SubmissionDocument)
    index.analyzer(WORDS)
    index.analyzer(ARABIC)
    index.analyzer(PARTIAL)
    index.analyzer(PARTIAL_SEARCH)
    return stamped(index)


def _nothing() -> Query:
    """Matches nothing, and keeps the association's filter beside it in the request."""
    return Q("bool", filter=[Q("match_none")])


def _scored(clause: Query, weight: float) -> Query:
    """A clause that scores its weight when it matches, whatever the index holds besides."""
    return Q("constant_score", filter=clause, boost=weight)


def text_query(parsed: ParsedText, site_id: int | None) -> Query | None:
    """What a query's text asks, with scores that read nothing but the document and the query
    (no clause reads a term's rarity or a field's average length in the shard, which another
    association's documents would change), and terms that are the association's own words.

    A reference or a number: exact, then partial (the first digits). Words: every word must be
    in the text as one of its variants, a word no submission of the association holds being
    replaced by the association's words it may be the start or a misspelling of
    (search.index.words, the database backend's own lookup), sent as exact terms: Elasticsearch
    never expands a fuzzy or prefix query over the shard's terms, where another association's
    words would use up the expansions. The score is `name_score`'s, the database backend's:
    NAME_WORD for each word that is one of the name's words, NAME_START for each that starts
    one."""
    if parsed.reference:
        return _scored(Q("term", reference=parsed.reference), 1)
    if parsed.digits:
        phone = parsed.phone
        return Q(
            "bool",
            should=[
                _scored(Q("term", national_id=parsed.digits), 10),
                _scored(Q("term", phone=phone), 10),
                _scored(Q("match", **{"national_id.partial": parsed.digits}), 1),
                _scored(Q("match", **{"phone.partial": phone or parsed.digits}), 1),
            ],
            minimum_should_match=1,
        )
    if not parsed.words:
        return None
    groups = corrected_groups(parsed, site_id)
    if groups is None:  # a word like no word of the association: nothing can match
        return _nothing()
    return Q(
        "bool",
        filter=[Q("terms", **{"text.words": group}) for group in groups],
        should=[
            Q(
                "dis_max",
                queries=[
                    _scored(Q("terms", **{"name.words": group}), NAME_WORD),
                    _scored(
                        Q(
                            "bool",
                            should=[Q("match", **{"name.partial": v}) for v in group],
                        ),
                        NAME_START,
                    ),
                ],
            )
            for group in groups
        ],
        minimum_should_match=0,
    )


def build_search(query: SubmissionQuery, kind_indexes: dict[str, str]) -> Search:
    """The request for one query: text, filters, facets (aggregations), page. Ranked answers
    come best first, then newest, as the database backend orders them."""
    parsed = ParsedText.parse(query.text)
    search = Search(index=[kind_indexes[kind] for kind in query.kinds])
    asked = text_query(parsed, query.site_id)
    if asked is not None:
        search = search.query(asked)
    # Within one association: the service never searches without one (search_submissions).
    if query.site_id is not None:
        search = search.filter("term", site=query.site_id)
    filters = query.filters
    if filters.get("status"):
        statuses = filters["status"]
        search = search.filter(
            "terms", status=list(statuses) if isinstance(statuses, list | tuple) else [statuses]
        )
    if filters.get("support_type_id") not in (None, ""):
        search = search.filter("term", support_type=str(filters["support_type_id"]))
    if filters.get("assignee_id") not in (None, ""):
        search = search.filter("term", assignee=int(filters["assignee_id"]))
    for name in ("channel", "city"):
        if filters.get(name):
            search = search.filter("term", **{name: filters[name]})
    for facet, field in FACET_FIELDS.items():
        search.aggs.bucket(facet, A("terms", field=field, size=20))
    if asked is None:
        search = search.sort("-submitted_at")
    else:
        search = search.sort({"_score": {"order": "desc"}}, "-submitted_at")
    search = search.source(["reference", "name"]).extra(track_total_hits=True)
    return search[query.offset : query.offset + query.per_page]


class ElasticsearchBackend(Backend):
    name = "elasticsearch"

    @cached_property
    def client(self) -> Elasticsearch:
        return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=5, max_retries=0)

    @cached_property
    def fallback(self) -> Backend:
        from search.index.database import DatabaseBackend

        return DatabaseBackend()

    def _failed(self, action: str, error: Exception) -> None:
        cache.set(ELASTIC_DOWN_KEY, time.time(), ELASTIC_RETRY_SECONDS)
        logger.warning(
            "submission search: Elasticsearch unreachable during %s (%s); the database answers",
            action,
            type(error).__name__,
        )

    def state(self) -> dict:
        down = bool(cache.get(ELASTIC_DOWN_KEY))
        return {"backend": "database" if down else self.name, "fallback": down}

    def _ensure(self, kind: str) -> None:
        if not self.client.indices.exists_alias(name=alias(kind)):
            name = f"{alias(kind)}-v{timezone.now():%Y%m%dT%H%M%S%f}"
            index_definition(name).create(using=self.client)
            self.client.indices.put_alias(index=name, name=alias(kind))

    def _actions(self, index: str, documents: list[dict]):
        for doc in documents:
            document = SubmissionDocument.from_entry(doc)
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": doc["object_id"],
                "_source": document.to_dict(),
            }

    def index(self, documents: list[dict]) -> None:
        """The database table first (it answers when the server is away), then the server; a
        failure of the server raises, so the rows stay pending and are sent again."""
        self.fallback.index(documents)
        try:
            self._index(documents)
        except UNREACHABLE as error:
            self._failed("index", error)
            raise

    def _index(self, documents: list[dict]) -> None:
        for kind in indexed_kinds():
            docs = [doc for doc in documents if doc["kind"] == kind]
            if docs:
                self._ensure(kind)
                bulk(self.client, self._actions(alias(kind), docs), refresh="wait_for")

    def remove(self, kind: str, object_ids: list[int]) -> None:
        self.fallback.remove(kind, object_ids)
        actions = [
            {"_op_type": "delete", "_index": alias(kind), "_id": object_id}
            for object_id in object_ids
        ]
        bulk(self.client, actions, raise_on_error=False, refresh="wait_for")

    def count(self, kind: str) -> int:
        if not self.client.indices.exists_alias(name=alias(kind)):
            return 0
        return self.client.count(index=alias(kind))["count"]

    def outdated(self) -> bool:
        """Whether an index of a kind was built from an older definition than this code's
        (not known while the server is unreachable: then no)."""
        try:
            return any(
                outdated(self.client, alias(kind), index_definition(alias(kind)))
                for kind in indexed_kinds()
            )
        except UNREACHABLE as error:
            self._failed("definition check", error)
            return False

    def rebuild_start(self) -> str:
        version = f"v{timezone.now():%Y%m%dT%H%M%S%f}"
        for kind in indexed_kinds():
            index_definition(f"{alias(kind)}-{version}").create(using=self.client)
        return version

    def rebuild_index(self, target: str, documents: list[dict]) -> None:
        self.fallback.index(documents)
        for kind in indexed_kinds():
            docs = [doc for doc in documents if doc["kind"] == kind]
            if docs:
                bulk(self.client, self._actions(f"{alias(kind)}-{target}", docs))

    def rebuild_finish(self, target: str, kinds_ids=None) -> None:
        """Move each alias to the new index in one atomic step; drop the old indexes."""
        self.fallback.rebuild_finish("", kinds_ids)
        for kind in indexed_kinds():
            new = f"{alias(kind)}-{target}"
            self.client.indices.refresh(index=new)
            old = []
            if self.client.indices.exists_alias(name=alias(kind)):
                old = list(self.client.indices.get_alias(name=alias(kind)))
            actions = [{"remove": {"index": name, "alias": alias(kind)}} for name in old]
            actions.append({"add": {"index": new, "alias": alias(kind)}})
            self.client.indices.update_aliases(actions=actions)
            for name in old:
                self.client.indices.delete(index=name)

    def prune(self) -> int:
        return self.fallback.prune()

    def search(self, query: SubmissionQuery) -> SubmissionResults:
        """The server's answer; the database's while the server is unreachable."""
        if not cache.get(ELASTIC_DOWN_KEY):
            try:
                return self._search(query)
            except UNREACHABLE as error:
                self._failed("search", error)
        results = self.fallback.search(query)
        results.fallback = True
        return results

    def _search(self, query: SubmissionQuery) -> SubmissionResults:
        indexes = {kind: alias(kind) for kind in indexed_kinds()}
        response = (
            build_search(query, indexes)
            .params(ignore_unavailable=True)
            .using(self.client)
            .execute()
        )
        parsed = ParsedText.parse(query.text)
        kind_by_index = {}
        hits = []
        for hit in response:
            index = hit.meta.index
            if index not in kind_by_index:
                kind_by_index[index] = kind_of_index(index)
            kind = kind_by_index[index]
            hits.append(
                Hit(
                    kind=kind,
                    object_id=int(hit.meta.id),
                    reference=hit.reference,
                    score=float(hit.meta.score or 0),
                    highlight=highlight(getattr(hit, "name", "") or "", parsed)
                    if parsed.words
                    else "",
                )
            )
        facets = {
            facet: [
                (bucket.key, bucket.doc_count)
                for bucket in getattr(response.aggregations, facet).buckets
            ]
            for facet in FACET_FIELDS
        }
        return SubmissionResults(total=response.hits.total.value, hits=hits, facets=facets)
