"""The site index: what the public can find (policies, questions, service pages), ranked the same
way on SQLite, PostgreSQL and Elasticsearch. It knows no app: search.site hands it documents
(a key, a kind, an association and the text of each field) and asks it for keys.

Ranking is BM25 over four fields, title ×3, headings ×1.5, body ×1 and Arabic roots ×0.35;
for each word of the query the best of its stems, its root and its synonyms counts (not their
sum); words that stand together in the query and in the text, in that order, add a boost; a
document holding only some of the query's words is scaled down. The database computes it in
SQL (the same statement on SQLite and PostgreSQL); Elasticsearch has BM25 natively and is asked
the same way (search.index.site_elastic). When Elasticsearch is configured but unreachable,
the database answers and the outage is logged and reported by `site_index_state`; the database
always holds every document, so nothing is lost, and what Elasticsearch missed is marked to be
sent again.
"""

import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Avg, Q
from django.utils import timezone

from search.models import SiteDocument, SitePosting, SiteWord, SynonymSet
from search.text.analysis import ROOT_MARK, field_terms, sequence, words, written_words
from search.text.fuzzy import looks_like, trigram_similarity

logger = logging.getLogger(__name__)

Field = SitePosting.Field
FIELD_WEIGHTS = {Field.TITLE: 3.0, Field.HEADING: 1.5, Field.BODY: 1.0, Field.ROOTS: 0.35}
K1 = 1.2
B = 0.75
SYNONYM_WEIGHT = 0.8
FUZZY_WEIGHT = 0.6
PHRASE_BOOST = 0.6  # at most: every pair of neighbouring query words found together
COVERAGE_FLOOR = 0.4  # a document holding none but one of many words keeps this much
CANDIDATES = 200
PROXIMITY_WINDOW = 3
PROXIMITY_CANDIDATES = 50
SYNONYMS_CACHE_KEY = "search:site:synonyms"
STATS_CACHE_KEY = "search:site:stats"
INDEX_VERSION_KEY = "search:site:version"
ELASTIC_DOWN_KEY = "search:site:elastic-down"
ELASTIC_RETRY_SECONDS = 30


@dataclass
class SiteDocumentText:
    """What search.site hands the index for one document: plain text of each field."""

    key: str
    kind: str
    site_id: int | None
    title: str
    headings: str = ""
    body: str = ""


@dataclass
class QueryWord:
    """One word of a query and every term that may stand for it, with its weight."""

    text: str
    terms: dict[str, float]  # stem or root or synonym stem -> weight
    firsts: tuple[str, ...] = ()  # its own stems, for phrases


@dataclass
class SiteQuery:
    words: list[QueryWord]
    site_id: int | None = None
    kinds: tuple[str, ...] = ()
    corrected: bool = False  # a word no document holds was taken for indexed words like it

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(term for word in self.words for term in word.terms))


@dataclass
class SiteHits:
    keys: list[str]
    scores: dict[str, float]
    total: int
    backend: str
    fallback: bool = False
    suggestion: str = ""
    words: list[str] = field(default_factory=list)


# --- documents -------------------------------------------------------------------------------


def document_fields(document: SiteDocumentText) -> dict[int, list[str]]:
    roots: list[str] = []
    out = {}
    for number, text in (
        (Field.TITLE, document.title),
        (Field.HEADING, document.headings),
        (Field.BODY, document.body),
    ):
        stems, field_roots = field_terms(text)
        out[number] = stems
        roots.extend(field_roots)
    out[Field.ROOTS] = roots
    return out


def _surface_words(document: SiteDocumentText) -> dict[str, str]:
    """Each word as typed and as its first stem (هاتف for الهاتفية), normalised, with the way it
    is written: a typo is nearer one of them, and a suggestion is shown as written."""
    text = " ".join((document.title, document.headings, document.body))
    out: dict[str, str] = {}
    for written, word in written_words(text):
        if 3 <= len(word) <= 40 and not word.isdigit():
            out.setdefault(word, written)
    for word in words(text):
        stem = word.stems[0] if word.stems else ""
        if 3 <= len(stem) <= 40 and not stem.isdigit():
            out.setdefault(stem, stem)
    return out


def index_documents(documents: list[SiteDocumentText]) -> None:
    """Write these documents to the database index, and to Elasticsearch when it is set."""
    if not documents:
        return
    with transaction.atomic():
        SiteDocument.objects.filter(key__in=[d.key for d in documents]).delete()
        rows, postings, vocabulary, analysed = [], [], {}, {}
        for document in documents:
            fields = analysed[document.key] = document_fields(document)
            rows.append(
                SiteDocument(
                    key=document.key,
                    kind=document.kind,
                    site_id=document.site_id,
                    title_length=len(fields[Field.TITLE]),
                    heading_length=len(fields[Field.HEADING]),
                    body_length=len(fields[Field.BODY]),
                    roots_length=len(fields[Field.ROOTS]),
                    phrases="\n".join(
                        sequence(text)
                        for text in (document.title, document.headings, document.body)
                    ),
                    elastic_stale=bool(settings.ELASTICSEARCH_URL),
                    indexed_at=timezone.now(),
                )
            )
            for word, written in _surface_words(document).items():
                vocabulary.setdefault(word, written)
        created = SiteDocument.objects.bulk_create(rows)
        if created and created[0].pk is None:  # backends that do not return keys
            created = list(SiteDocument.objects.filter(key__in=[d.key for d in documents]))
        by_key = {row.key: row for row in created}
        for document in documents:
            row = by_key[document.key]
            for number, terms in analysed[document.key].items():
                length = len(terms)
                for term, frequency in Counter(terms).items():
                    postings.append(
                        SitePosting(
                            document=row,
                            term=term[:60],
                            field=number,
                            frequency=frequency,
                            length=length,
                            site_id=document.site_id,
                        )
                    )
        SitePosting.objects.bulk_create(postings, batch_size=2000)
        SiteWord.objects.bulk_create(
            [
                SiteWord(word=word[:60], written=written[:60], length=len(word))
                for word, written in sorted(vocabulary.items())
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
    _index_changed()
    if settings.ELASTICSEARCH_URL:
        # After the commit, and not while the server is known to be away: a page save never
        # waits on it. What it misses stays marked stale.
        transaction.on_commit(lambda: _send_to_elastic(documents))


def remove_documents(keys: list[str]) -> None:
    SiteDocument.objects.filter(key__in=keys).delete()
    _index_changed()
    if settings.ELASTICSEARCH_URL:
        from search.index.site_elastic import UNREACHABLE, elastic

        try:
            elastic().remove(keys)
        except UNREACHABLE as error:
            _elastic_failed("remove", error)


def rebuild(documents: list[SiteDocumentText]) -> int:
    """Index all of these and forget every other document and word."""
    with transaction.atomic():
        SiteDocument.objects.exclude(key__in=[d.key for d in documents]).delete()
        SiteWord.objects.all().delete()
    for start in range(0, len(documents), 500):
        batch = documents[start : start + 500]
        index_documents(batch)
    if settings.ELASTICSEARCH_URL:
        from search.index.site_elastic import UNREACHABLE, elastic

        try:
            elastic().rebuild(documents)
            SiteDocument.objects.update(elastic_stale=False)
        except UNREACHABLE as error:
            _elastic_failed("rebuild", error)
    return len(documents)


def _send_to_elastic(documents: list[SiteDocumentText]) -> None:
    from search.index.site_elastic import UNREACHABLE, elastic

    if cache.get(ELASTIC_DOWN_KEY):
        return

    try:
        elastic().index(documents)
    except UNREACHABLE as error:
        _elastic_failed("index", error)
        return
    SiteDocument.objects.filter(key__in=[d.key for d in documents]).update(elastic_stale=False)


def _index_changed() -> None:
    cache.delete(STATS_CACHE_KEY)
    cache.set(INDEX_VERSION_KEY, time.time(), None)


def stale_keys(limit: int = 1000) -> list[str]:
    """Documents Elasticsearch missed while it was away."""
    return list(
        SiteDocument.objects.filter(elastic_stale=True).values_list("key", flat=True)[:limit]
    )


# --- synonyms ----------------------------------------------------------------------------------


def synonym_sets() -> list[list[tuple[str, ...]]]:
    """Each synonym set as the stems of its words (cached; saving a set clears the cache)."""
    sets = cache.get(SYNONYMS_CACHE_KEY)
    if sets is None:
        sets = []
        for synonym_set in SynonymSet.objects.all():
            stems = [
                analysed.stems for entry in synonym_set.word_list() for analysed in words(entry)[:1]
            ]
            if len(stems) >= 2:
                sets.append(stems)
        cache.set(SYNONYMS_CACHE_KEY, sets, 600)
    return sets


def forget_synonyms() -> None:
    cache.delete(SYNONYMS_CACHE_KEY)


def parse_query(text: str, *, site_id: int | None = None, kinds=()) -> SiteQuery:
    """The query's words, each with its stems, root and synonyms' stems."""
    sets = synonym_sets()
    query_words = []
    for word in words(text):
        terms = dict.fromkeys(word.stems, 1.0)
        if word.root:
            terms.setdefault(word.root, 1.0)
        own = set(word.stems)
        for synonym_set in sets:
            if any(own & set(stems) for stems in synonym_set):
                for stems in synonym_set:
                    for stem in stems:
                        terms.setdefault(stem, SYNONYM_WEIGHT)
        query_words.append(QueryWord(word.text, terms, word.stems))
    return SiteQuery(words=query_words, site_id=site_id, kinds=tuple(kinds))


# --- the database backend ------------------------------------------------------------------


def _stats() -> tuple[int, dict[int, float]]:
    stats = cache.get(STATS_CACHE_KEY)
    if stats is None:
        averages = SiteDocument.objects.aggregate(
            title=Avg("title_length"),
            heading=Avg("heading_length"),
            body=Avg("body_length"),
            roots=Avg("roots_length"),
        )
        stats = (
            SiteDocument.objects.count(),
            {
                Field.TITLE: averages["title"] or 1.0,
                Field.HEADING: averages["heading"] or 1.0,
                Field.BODY: averages["body"] or 1.0,
                Field.ROOTS: averages["roots"] or 1.0,
            },
        )
        cache.set(STATS_CACHE_KEY, stats, 300)
    return stats


def _scope(query: SiteQuery) -> tuple[str, list]:
    sql, params = "", []
    if query.site_id is not None:
        sql += " AND (p.site_id IS NULL OR p.site_id = %s)"
        params.append(query.site_id)
    return sql, params


def database_search(query: SiteQuery, *, limit: int = CANDIDATES) -> SiteHits:
    """BM25 in one SQL statement: per (document, query word) the best of its terms, summed."""
    terms = query.terms
    if not terms:
        return SiteHits([], {}, 0, "database")
    total_documents, averages = _stats()
    frequencies = _document_frequencies(terms)
    present = [term for term in terms if term in frequencies]
    if not present:
        return SiteHits([], {}, 0, "database")
    # Each term may stand for several query words (a shared synonym): it counts for the first.
    word_of: dict[str, int] = {}
    weight_of: dict[str, float] = {}
    for number, word in enumerate(query.words):
        for term, weight in word.terms.items():
            if term in frequencies and term not in word_of:
                df = frequencies[term]
                idf = math.log(1 + (total_documents - df + 0.5) / (df + 0.5))
                word_of[term] = number
                weight_of[term] = idf * weight * (K1 + 1)
    word_case = " ".join("WHEN %s THEN %s" for _ in word_of)
    weight_case = " ".join("WHEN %s THEN %s" for _ in weight_of)
    field_weight = " ".join(f"WHEN {number} THEN {w}" for number, w in FIELD_WEIGHTS.items())
    average = " ".join(f"WHEN {number} THEN {avg:.6f}" for number, avg in averages.items())
    scope_sql, scope_params = _scope(query)
    kinds_sql = ""
    kinds_params: list = []
    if query.kinds:
        kinds_sql = (
            " AND p.document_id IN (SELECT id FROM search_sitedocument WHERE kind IN ("  # noqa: S608
            + ", ".join("%s" for _ in query.kinds)
            + "))"
        )
        kinds_params = list(query.kinds)
    placeholders = ", ".join("%s" for _ in word_of)
    # Only placeholders and numbers computed here are formatted in: every value is a parameter.
    sql = f"""
        SELECT document_id, SUM(best) AS score, COUNT(*) AS matched, COUNT(*) OVER () AS total
        FROM (
            SELECT document_id, word, MAX(term_score) AS best FROM (
                SELECT p.document_id AS document_id,
                       CASE p.term {word_case} END AS word,
                       SUM(
                           (CASE p.term {weight_case} END) * (CASE p.field {field_weight} END)
                           * p.frequency * 1.0
                           / (p.frequency + {K1 * (1 - B)} + {K1 * B} * p.length * 1.0
                              / (CASE p.field {average} END))
                       ) AS term_score
                FROM search_siteposting p
                WHERE p.term IN ({placeholders}){scope_sql}{kinds_sql}
                GROUP BY p.document_id, p.term
            ) per_term
            GROUP BY document_id, word
        ) per_word
        GROUP BY document_id
        ORDER BY score DESC, document_id
        LIMIT %s
    """  # noqa: S608
    params: list = []
    for term, number in word_of.items():
        params += [term, number]
    for term, weight in weight_of.items():
        params += [term, weight]
    params += list(word_of) + scope_params + kinds_params + [limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return SiteHits([], {}, 0, "database")
    total = rows[0][3]
    scores = {document_id: float(score) for document_id, score, _matched, _total in rows}
    matched = {document_id: matched for document_id, _score, matched, _total in rows}
    documents = dict(SiteDocument.objects.filter(pk__in=list(scores)).values_list("pk", "key"))
    # Words together can lift a document among the best few, not from far below.
    best = sorted(scores, key=lambda pk: -scores[pk])[:PROXIMITY_CANDIDATES]
    phrases = (
        dict(SiteDocument.objects.filter(pk__in=best).values_list("pk", "phrases"))
        if len(query.words) > 1
        else {}
    )
    final = {}
    count = len(query.words)
    for document_id, score in scores.items():
        coverage = matched[document_id] / count
        factor = COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage
        final[documents[document_id]] = (
            score * factor * proximity_boost(query, phrases.get(document_id, ""))
        )
    keys = sorted(final, key=lambda key: (-final[key], key))
    return SiteHits(keys, final, total, "database")


def _document_frequencies(terms: list[str]) -> dict[str, int]:
    """How many documents hold each term (0: absent), cached until the index changes."""
    version = cache.get_or_set(INDEX_VERSION_KEY, time.time(), None)
    keys = {term: f"search:site:df:{version}:{term}" for term in terms}
    cached = cache.get_many(list(keys.values()))
    known = {term: cached[key] for term, key in keys.items() if key in cached}
    missing = [term for term in terms if term not in known]
    if missing:
        counted = dict(
            SitePosting.objects.filter(term__in=missing)
            .values("term")
            .annotate(documents=_distinct_documents())
            .values_list("term", "documents")
        )
        fresh = {term: counted.get(term, 0) for term in missing}
        cache.set_many({keys[term]: count for term, count in fresh.items()}, 3600)
        known.update(fresh)
    return {term: count for term, count in known.items() if count}


def _distinct_documents():
    from django.db.models import Count

    return Count("document", distinct=True)


def proximity_boost(query: SiteQuery, phrases: str) -> float:
    """1 + PHRASE_BOOST × the share of neighbouring query words found near each other, in the
    query's order, within one field."""
    if len(query.words) < 2 or not phrases:
        return 1.0
    pairs = list(zip(query.words, query.words[1:], strict=False))
    found = 0
    lines = [line.split() for line in phrases.split("\n")]
    for first, second in pairs:
        a, b = set(first.firsts), set(second.firsts)
        if any(_near(line, a, b) for line in lines):
            found += 1
    return 1 + PHRASE_BOOST * found / len(pairs)


def _near(line: list[str], first: set[str], second: set[str]) -> bool:
    positions = [i for i, term in enumerate(line) if term in first]
    if not positions:
        return False
    for i in positions:
        if any(term in second for term in line[i + 1 : i + 1 + PROXIMITY_WINDOW]):
            return True
    return False


# --- did you mean --------------------------------------------------------------------------------


def suggest(text: str) -> str:
    """The query as typed, with each word no document holds replaced by the most alike indexed
    word as it is written; "" when nothing better is found."""
    typed = written_words(text)
    analysed = {word.text: word for word in words(text)}
    known = set(
        SitePosting.objects.filter(
            term__in=[stem for word in analysed.values() for stem in word.stems]
        ).values_list("term", flat=True)
    )
    changed = False
    out = []
    for written, normalised in typed:
        word = analysed.get(normalised)
        if word is None or set(word.stems) & known or normalised.isdigit():
            out.append(written)
            continue
        best = _closest(normalised)
        if best:
            out.append(best)
            changed = True
        else:
            out.append(written)
    return " ".join(out) if changed else ""


def _closest(typed: str) -> str:
    """The most alike indexed word, as it is written."""
    found = closest_words(typed, count=1)
    if not found:
        return ""
    return SiteWord.objects.filter(word=found[0]).values_list("written", flat=True).first() or ""


def closest_words(typed: str, *, count: int = 3) -> list[str]:
    """Indexed words a misspelt word may stand for, most alike first."""
    if len(typed) < 3:
        return []
    # A typo seldom changes both the first and the last letter: that narrows the candidates.
    candidates = (
        SiteWord.objects.filter(length__gte=len(typed) - 1, length__lte=len(typed) + 1)
        .filter(Q(word__startswith=typed[0]) | Q(word__endswith=typed[-1]))
        .values_list("word", flat=True)[:5_000]
    )
    scored = sorted(
        (
            (trigram_similarity(typed, word), word)
            for word in candidates
            if word != typed and looks_like(typed, word)
        ),
        reverse=True,
    )
    return [word for _similarity, word in scored[:count]]


# --- choosing the backend -------------------------------------------------------------------------


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
        "stale_documents": SiteDocument.objects.filter(elastic_stale=True).count(),
    }


def expand_unknown(query: SiteQuery) -> SiteQuery:
    """A query word no document holds (a typo: زاكتي, ملحاظة) also stands for the indexed words
    it looks like, at FUZZY_WEIGHT. The database holds every document on every backend, so it
    is asked which words are known."""
    known = set(
        SitePosting.objects.filter(term__in=query.terms).values_list("term", flat=True).distinct()
    )
    for word in query.words:
        stems = {term for term in word.terms if not term.startswith(ROOT_MARK)}
        if known & stems or word.text.isdigit():
            continue
        similar_words = closest_words(word.text)
        for stem in word.firsts[:1]:
            if stem != word.text:
                similar_words += closest_words(stem)
        if similar_words:
            query.corrected = True
        for similar in dict.fromkeys(similar_words):
            for analysed in words(similar)[:1]:
                for stem in analysed.stems:
                    word.terms.setdefault(stem, FUZZY_WEIGHT)
    return query


def search(query: SiteQuery, *, limit: int = CANDIDATES) -> SiteHits:
    """Elasticsearch when it is configured and answering; the database otherwise."""
    query = expand_unknown(query)
    if settings.ELASTICSEARCH_URL and not cache.get(ELASTIC_DOWN_KEY):
        from search.index.site_elastic import UNREACHABLE, elastic

        try:
            return elastic().search(query, limit=limit)
        except UNREACHABLE as error:
            _elastic_failed("search", error)
        hits = database_search(query, limit=limit)
        hits.fallback = True
        return hits
    hits = database_search(query, limit=limit)
    hits.fallback = bool(settings.ELASTICSEARCH_URL)
    return hits


__all__ = [
    "ROOT_MARK",
    "SiteDocumentText",
    "SiteHits",
    "SiteQuery",
    "index_documents",
    "parse_query",
    "rebuild",
    "remove_documents",
    "search",
    "site_index_state",
    "suggest",
]
