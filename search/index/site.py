"""The site index: what the public can find (policies, questions, service pages), ranked the same
way on SQLite, PostgreSQL and Elasticsearch. It knows no app: search.site hands it documents
(a key, a kind, an association and the text of each field) and asks it for keys.

Ranking is BM25 over four fields, title ×3, headings ×1.5, body ×1 and Arabic roots ×0.35;
for each word of the query the best of its stems, its root and its synonyms counts (not their
sum); words that stand together in the query and in the text, in that order, add a boost; a
document holding only some of the query's words is scaled down.

This module is the one search.site calls: it keeps both backends in step and chooses which one
answers. The parts: `site_base` (the document, the query and the answer every backend shares,
and the field weights), `site_query` (from typed text to a query: synonyms, typos, "did you
mean"), `site_store` (what the database holds and how it is written), `site_database` (the
database backend's search) and `site_elastic` (Elasticsearch, asked the same way). The
database always holds every document, so nothing is lost when Elasticsearch is configured but
unreachable: the database answers, the outage is logged and reported by `site_index_state`,
and what Elasticsearch missed is marked to be sent again.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from search.index import site_store
from search.index.site_base import (
    CANDIDATES,
    FIELD_WEIGHTS,
    PHRASE_BOOST,
    PROXIMITY_WINDOW,
    Field,
    QueryWord,
    SiteDocumentText,
    SiteHits,
    SiteQuery,
    document_fields,
)
from search.index.site_database import (
    COVERAGE_FLOOR,
    DEPTH,
    PROXIMITY_CANDIDATES,
    database_search,
    proximity_boost,
)
from search.index.site_query import (
    FUZZY_WEIGHT,
    SYNONYM_WEIGHT,
    SYNONYMS_CACHE_KEY,
    closest_words,
    expand_unknown,
    forget_synonyms,
    known_terms,
    parse_query,
    suggest,
    synonym_sets,
)
from search.index.site_store import (
    DRIFT,
    GENERATION_KEY,
    K1,
    MAX_FREQUENCY,
    STATS_CACHE_KEY,
    B,
    forget_results,
    generation,
    indexed_keys,
    stale_keys,
)
from search.text.analysis import ROOT_MARK

logger = logging.getLogger(__name__)

ELASTIC_DOWN_KEY = "search:site:elastic-down"
ELASTIC_RETRY_SECONDS = 30


def _elasticsearch():
    """The Elasticsearch backend (search.index.site_elastic). Imported here, when it is
    configured, not with this module: the Elasticsearch client takes seconds to import, and
    every process imports this module while most installations search the database."""
    from search.index import site_elastic

    return site_elastic


# --- keeping both backends in step -------------------------------------------------------------


def index_documents(documents: list[SiteDocumentText]) -> None:
    """Write these documents to the database index, and to Elasticsearch when it is set."""
    if not documents:
        return
    site_store.write_documents(documents)
    if settings.ELASTICSEARCH_URL:
        # After the commit, and not while the server is known to be away: a page save never
        # waits on it. What it misses stays marked stale.
        transaction.on_commit(lambda: _send_to_elastic(documents))


def remove_documents(keys: list[str]) -> None:
    site_store.delete_documents(keys)
    if settings.ELASTICSEARCH_URL:
        elastic = _elasticsearch()
        try:
            elastic.elastic().remove(keys)
        except elastic.UNREACHABLE as error:
            _elastic_failed("remove", error)


def forget_association(site_id: int) -> None:
    """Remove every document and word of an association (it is being removed)."""
    keys = site_store.association_keys(site_id)
    site_store.forget_words(site_id)
    forget_synonyms(site_id)
    if keys:
        remove_documents(keys)
    site_store.forget_statistics(site_id)


def rebuild(documents: list[SiteDocumentText]) -> int:
    """Index all of these and forget every other document and word; each association's
    averages are taken again from its documents."""
    site_store.forget_all_but([d.key for d in documents])
    for start in range(0, len(documents), 500):
        batch = documents[start : start + 500]
        index_documents(batch)
    site_store.weigh_all()
    if settings.ELASTICSEARCH_URL:
        elastic = _elasticsearch()
        try:
            elastic.elastic().rebuild(documents)
            site_store.mark_sent()
        except elastic.UNREACHABLE as error:
            _elastic_failed("rebuild", error)
    return len(documents)


def elastic_outdated() -> bool:
    """Whether Elasticsearch (when it is set and answers) holds the site index under an older
    definition than this code's: a rebuild makes it anew."""
    if not settings.ELASTICSEARCH_URL:
        return False
    elastic = _elasticsearch()
    try:
        return elastic.elastic().outdated()
    except elastic.UNREACHABLE as error:
        _elastic_failed("definition check", error)
        return False


def _send_to_elastic(documents: list[SiteDocumentText]) -> None:
    elastic = _elasticsearch()
    if cache.get(ELASTIC_DOWN_KEY):
        return

    try:
        elastic.elastic().index(documents)
    except elastic.UNREACHABLE as error:
        _elastic_failed("index", error)
        return
    site_store.mark_sent([d.key for d in documents])


# --- choosing the backend ----------------------------------------------------------------------


def _elastic_failed(action: str, error: Exception) -> None:
    cache.set(ELASTIC_DOWN_KEY, time.time(), ELASTIC_RETRY_SECONDS)
    logger.warning(
        "site search: Elasticsearch unreachable during %s (%s); the database answers",
        action,
        type(error).__name__,
    )


def site_index_state() -> dict:
    """Which backend answers site search now: for /readyz."""
    if not settings.ELASTICSEARCH_URL:
        return {"backend": "database", "fallback": False}
    down_since = cache.get(ELASTIC_DOWN_KEY)
    return {
        "backend": "database" if down_since else "elasticsearch",
        "fallback": bool(down_since),
        "stale_documents": site_store.stale_count(),
    }


def search(query: SiteQuery, *, limit: int = CANDIDATES) -> SiteHits:
    """Elasticsearch when it is configured and answering; the database otherwise."""
    query = expand_unknown(query)
    if settings.ELASTICSEARCH_URL and not cache.get(ELASTIC_DOWN_KEY):
        elastic = _elasticsearch()
        try:
            return elastic.elastic().search(query, limit=limit)
        except elastic.UNREACHABLE as error:
            _elastic_failed("search", error)
        hits = database_search(query, limit=limit)
        hits.fallback = True
        return hits
    hits = database_search(query, limit=limit)
    hits.fallback = bool(settings.ELASTICSEARCH_URL)
    return hits


# Every name the site index had before its parts were split out stays importable from here.
__all__ = [
    "B",
    "forget_results",
    "CANDIDATES",
    "COVERAGE_FLOOR",
    "DEPTH",
    "DRIFT",
    "ELASTIC_DOWN_KEY",
    "ELASTIC_RETRY_SECONDS",
    "FIELD_WEIGHTS",
    "FUZZY_WEIGHT",
    "Field",
    "GENERATION_KEY",
    "K1",
    "MAX_FREQUENCY",
    "PHRASE_BOOST",
    "PROXIMITY_CANDIDATES",
    "PROXIMITY_WINDOW",
    "ROOT_MARK",
    "STATS_CACHE_KEY",
    "SYNONYMS_CACHE_KEY",
    "SYNONYM_WEIGHT",
    "QueryWord",
    "SiteDocumentText",
    "SiteHits",
    "SiteQuery",
    "closest_words",
    "database_search",
    "document_fields",
    "elastic_outdated",
    "expand_unknown",
    "forget_association",
    "forget_synonyms",
    "generation",
    "index_documents",
    "indexed_keys",
    "known_terms",
    "parse_query",
    "proximity_boost",
    "rebuild",
    "remove_documents",
    "search",
    "site_index_state",
    "stale_keys",
    "suggest",
    "synonym_sets",
]
