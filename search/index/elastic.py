"""The Elasticsearch backend of submission search, written with the Elasticsearch DSL.

One index per registered kind of submission, all with the mapping of `SubmissionDocument`. Text goes through an Arabic analyser (Arabic
normalisation, decimal digits, light stemming); the reference, ID and phone are keywords, and
names and numbers also have an edge-n-gram field so a half-remembered name or the first digits
find their submission. Facets are aggregations; matches are highlighted. Each rebuild writes to
new versioned indexes (`sila-help-requests-v20261121T101500`) and then moves the alias the
application reads (`sila-help-requests`), so searching never stops.

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
from elasticsearch.helpers import BulkIndexError, bulk

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from search.index.base import Backend
from search.index.query import Hit, ParsedText, SubmissionQuery, SubmissionResults
from search.index.registry import indexed, indexed_kinds

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
        fields={"partial": Text(analyzer=PARTIAL, search_analyzer=PARTIAL_SEARCH)},
    )
    text = Text(analyzer=ARABIC)
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
    index.settings(number_of_shards=1, number_of_replicas=0, max_ngram_diff=13)
    index.document(SubmissionDocument)
    index.analyzer(ARABIC)
    index.analyzer(PARTIAL)
    index.analyzer(PARTIAL_SEARCH)
    return index


def build_search(query: SubmissionQuery, kind_indexes: dict[str, str]) -> Search:
    """The request for one query: text, filters, facets (aggregations), highlight, page."""
    parsed = ParsedText.parse(query.text)
    search = Search(index=[kind_indexes[kind] for kind in query.kinds])
    if parsed.reference:
        search = search.query(Q("term", reference=parsed.reference))
    elif parsed.digits:
        phone = parsed.phone
        search = search.query(
            Q(
                "bool",
                should=[
                    Q("term", national_id={"value": parsed.digits, "boost": 10}),
                    Q("term", phone={"value": phone, "boost": 10}),
                    Q("match", **{"national_id.partial": parsed.digits}),
                    Q("match", **{"phone.partial": phone or parsed.digits}),
                ],
                minimum_should_match=1,
            )
        )
    elif parsed.words:
        words = " ".join(group[0] for group in parsed.words)
        names = " ".join(parsed.names)
        search = search.query(
            Q(
                "bool",
                should=[
                    Q("match", text={"query": words, "operator": "and"}),
                    Q("match", name={"query": names, "operator": "and", "boost": 3}),
                    Q("match", **{"name.partial": {"query": names, "operator": "and"}}),
                    Q("match", name={"query": names, "fuzziness": "AUTO"}),
                ],
                minimum_should_match=1,
            )
        )
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
    search = search.highlight("name", "text", pre_tags=["<mark>"], post_tags=["</mark>"])
    if not (parsed.words or parsed.digits or parsed.reference):
        search = search.sort("-submitted_at")
    search = search.extra(track_total_hits=True)
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
        kind_by_index = {}
        hits = []
        for hit in response:
            index = hit.meta.index
            if index not in kind_by_index:
                kind_by_index[index] = kind_of_index(index)
            kind = kind_by_index[index]
            marked = getattr(hit.meta, "highlight", None)
            hits.append(
                Hit(
                    kind=kind,
                    object_id=int(hit.meta.id),
                    reference=hit.reference,
                    score=float(hit.meta.score or 0),
                    highlight=" ".join(getattr(marked, "name", [])) if marked else "",
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
