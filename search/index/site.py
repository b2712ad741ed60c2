"""The site index: what the public can find (policies, questions, service pages), ranked the same
way on SQLite, PostgreSQL and Elasticsearch. It knows no app: search.site hands it documents
(a key, a kind, an association and the text of each field) and asks it for keys.

Ranking is BM25 over four fields, title ×3, headings ×1.5, body ×1 and Arabic roots ×0.35;
for each word of the query the best of its stems, its root and its synonyms counts (not their
sum); words that stand together in the query and in the text, in that order, add a boost; a
document holding only some of the query's words is scaled down. The database keeps, for each
term of each document, its impact (the document's side of BM25) and, for each term, how many
documents hold it; a query reads each of its terms' best documents down an index on (term,
impact), a bounded number of rows whatever the size of the corpus, and scores exactly the few
that may rank first (the same statements on SQLite and PostgreSQL; SQLite's FTS5 is not used:
its bm25() cannot weigh each query word's best stem, root or synonym). Elasticsearch has BM25
natively and is asked the same way (search.index.site_elastic). When Elasticsearch is configured but unreachable,
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
from django.db.models import Avg, Case, Count, Q, TextField, Value, When
from django.utils import timezone

from search.models import (
    SiteDocument,
    SiteIndexStats,
    SitePosting,
    SiteTerm,
    SiteWord,
    SynonymSet,
)
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
DEPTH = 200  # each term's best documents read
DRIFT = 0.2  # average field lengths may drift this much before every impact is weighed again
MAX_FREQUENCY = 32767
SYNONYMS_CACHE_KEY = "search:site:synonyms:{site}"
STATS_CACHE_KEY = "search:site:stats"
GENERATION_KEY = "search:site:generation"
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
    frequencies: dict[str, int] = field(default_factory=dict)  # documents holding each term

    def document_frequencies(self) -> dict[str, int]:
        """How many documents hold each of the query's terms (0: none), asked once per term."""
        missing = [term for term in self.terms if term not in self.frequencies]
        if missing:
            found = dict(SiteTerm.objects.filter(term__in=missing).values_list("term", "documents"))
            self.frequencies.update({term: found.get(term, 0) for term in missing})
        return self.frequencies

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
        _delete_documents(SiteDocument.objects.filter(key__in=[d.key for d in documents]))
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
            if document.site_id is not None:  # "did you mean" offers an association's own words
                for word, written in _surface_words(document).items():
                    vocabulary.setdefault((document.site_id, word), written)
        created = SiteDocument.objects.bulk_create(rows)
        if created and created[0].pk is None:  # backends that do not return keys
            created = list(SiteDocument.objects.filter(key__in=[d.key for d in documents]))
        by_key = {row.key: row for row in created}
        held: Counter = Counter()
        for document in documents:
            row = by_key[document.key]
            counts: dict[str, list[int]] = {}
            for number, terms in analysed[document.key].items():
                for term, frequency in Counter(terms).items():
                    counts.setdefault(term[:60], [0, 0, 0, 0])[number] += frequency
            held.update(counts.keys())
            postings += [
                SitePosting(
                    document=row,
                    term=term,
                    title=min(title, MAX_FREQUENCY),
                    heading=min(heading, MAX_FREQUENCY),
                    body=min(body, MAX_FREQUENCY),
                    roots=min(roots, MAX_FREQUENCY),
                    site_id=document.site_id,
                )
                for term, (title, heading, body, roots) in counts.items()
            ]
        SitePosting.objects.bulk_create(postings, batch_size=2000)
        _count_terms(held, 1)
        _weigh([row.pk for row in created])
        SiteWord.objects.bulk_create(
            [
                SiteWord(site_id=site_id, word=word[:60], written=written[:60], length=len(word))
                for (site_id, word), written in sorted(vocabulary.items())
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
    _index_changed()
    if settings.ELASTICSEARCH_URL:
        # After the commit, and not while the server is known to be away: a page save never
        # waits on it. What it misses stays marked stale.
        transaction.on_commit(lambda: _send_to_elastic(documents))


def _delete_documents(documents) -> None:
    """Remove these documents (a queryset) and their postings, and count their terms out."""
    held = Counter(
        dict(
            SitePosting.objects.filter(document__in=documents)
            .values("term")
            .annotate(documents=Count("id"))
            .values_list("term", "documents")
        )
    )
    documents.delete()
    _count_terms(held, -1)


def _count_terms(held: Counter, sign: int) -> None:
    """Add (sign 1) or take away (-1) the documents holding each term."""
    items = sorted(held.items())
    for start in range(0, len(items), 500):
        batch = items[start : start + 500]
        with connection.cursor() as cursor:
            if sign > 0:
                values = ", ".join("(%s, %s)" for _ in batch)
                cursor.execute(
                    f"INSERT INTO search_siteterm (term, documents) VALUES {values} "  # noqa: S608
                    "ON CONFLICT (term) DO UPDATE "
                    "SET documents = search_siteterm.documents + excluded.documents",
                    [value for pair in batch for value in pair],
                )
            else:
                cases = " ".join("WHEN %s THEN %s" for _ in batch)
                places = ", ".join("%s" for _ in batch)
                cursor.execute(
                    f"UPDATE search_siteterm SET documents = documents - CASE term {cases} END "  # noqa: S608
                    f"WHERE term IN ({places})",
                    [value for pair in batch for value in pair] + [term for term, _ in batch],
                )
    if sign < 0 and items:
        SiteTerm.objects.filter(documents__lte=0).delete()


def _averages() -> dict[int, float]:
    averages = SiteDocument.objects.aggregate(
        title=Avg("title_length"),
        heading=Avg("heading_length"),
        body=Avg("body_length"),
        roots=Avg("roots_length"),
    )
    return {
        Field.TITLE: max(averages["title"] or 0.0, 1.0),
        Field.HEADING: max(averages["heading"] or 0.0, 1.0),
        Field.BODY: max(averages["body"] or 0.0, 1.0),
        Field.ROOTS: max(averages["roots"] or 0.0, 1.0),
    }


def _weigh(document_ids: list[int]) -> None:
    """Compute the impacts of these documents' postings under the averages the index keeps;
    when the corpus has drifted from those averages, take the new ones and weigh every posting
    again (rare once the corpus is of some size)."""
    live = _averages()
    stats = SiteIndexStats.objects.filter(pk=1).first()
    kept = (
        {
            Field.TITLE: stats.title_length,
            Field.HEADING: stats.heading_length,
            Field.BODY: stats.body_length,
            Field.ROOTS: stats.roots_length,
        }
        if stats
        else None
    )
    if kept is None or any(abs(live[n] - kept[n]) > DRIFT * kept[n] for n in live):
        SiteIndexStats.objects.update_or_create(
            pk=1,
            defaults={
                "title_length": live[Field.TITLE],
                "heading_length": live[Field.HEADING],
                "body_length": live[Field.BODY],
                "roots_length": live[Field.ROOTS],
            },
        )
        _compute_impacts(live, None)
    else:
        _compute_impacts(kept, document_ids)


def _compute_impacts(averages: dict[int, float], document_ids: list[int] | None) -> None:
    """impact = Σ over fields of weight × tf / (tf + k1·(1 − b + b·length / average)): BM25's
    saturated frequency per field, the part of a term's weight that depends on the document."""
    columns = {
        Field.TITLE: "title",
        Field.HEADING: "heading",
        Field.BODY: "body",
        Field.ROOTS: "roots",
    }
    # Only numbers computed here are formatted in.
    impact = " + ".join(
        f"{FIELD_WEIGHTS[number]:.6f} * p.{column} / (p.{column} + {K1 * (1 - B):.6f} "
        f"+ {K1 * B / averages[number]:.9f} * d.{column}_length)"
        for number, column in columns.items()
    )
    sql = (
        "UPDATE search_siteposting AS p SET impact = "  # noqa: S608
        f"{impact} FROM search_sitedocument AS d WHERE d.id = p.document_id"
    )
    with connection.cursor() as cursor:
        if document_ids is None:
            cursor.execute(sql)
            return
        for start in range(0, len(document_ids), 500):
            batch = document_ids[start : start + 500]
            cursor.execute(
                sql + " AND p.document_id IN (" + ", ".join("%s" for _ in batch) + ")", batch
            )


def remove_documents(keys: list[str]) -> None:
    with transaction.atomic():
        _delete_documents(SiteDocument.objects.filter(key__in=keys))
    _index_changed()
    if settings.ELASTICSEARCH_URL:
        from search.index.site_elastic import UNREACHABLE, elastic

        try:
            elastic().remove(keys)
        except UNREACHABLE as error:
            _elastic_failed("remove", error)


def forget_association(site_id: int) -> None:
    """Remove every document and word of an association (it is being removed)."""
    keys = list(SiteDocument.objects.filter(site_id=site_id).values_list("key", flat=True))
    SiteWord.objects.filter(site_id=site_id).delete()
    forget_synonyms(site_id)
    if keys:
        remove_documents(keys)


def rebuild(documents: list[SiteDocumentText]) -> int:
    """Index all of these and forget every other document and word; the averages are taken
    again from the whole corpus."""
    with transaction.atomic():
        _delete_documents(SiteDocument.objects.exclude(key__in=[d.key for d in documents]))
        SiteWord.objects.all().delete()
        SiteIndexStats.objects.all().delete()
    for start in range(0, len(documents), 500):
        batch = documents[start : start + 500]
        index_documents(batch)
    with transaction.atomic():
        SiteIndexStats.objects.all().delete()
        _weigh([])
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
    cache.set(GENERATION_KEY, time.time(), None)


def generation() -> float:
    """Changes whenever the index does: what is kept in the cache about results keys on it."""
    return cache.get_or_set(GENERATION_KEY, time.time, None)


def indexed_keys() -> list[str]:
    return list(SiteDocument.objects.values_list("key", flat=True))


def stale_keys(limit: int = 1000) -> list[str]:
    """Documents Elasticsearch missed while it was away."""
    return list(
        SiteDocument.objects.filter(elastic_stale=True).values_list("key", flat=True)[:limit]
    )


# --- synonyms ----------------------------------------------------------------------------------


def synonym_sets(site_id: int | None) -> list[list[tuple[str, ...]]]:
    """Each of an association's synonym sets as the stems of its words (cached; saving a set
    clears the cache). Without an association, none."""
    if site_id is None:
        return []
    cache_key = SYNONYMS_CACHE_KEY.format(site=site_id)
    sets = cache.get(cache_key)
    if sets is None:
        sets = []
        for synonym_set in SynonymSet.all_sites.filter(site_id=site_id):
            stems = [
                analysed.stems for entry in synonym_set.word_list() for analysed in words(entry)[:1]
            ]
            if len(stems) >= 2:
                sets.append(stems)
        cache.set(cache_key, sets, 600)
    return sets


def forget_synonyms(site_id: int | None) -> None:
    cache.delete(SYNONYMS_CACHE_KEY.format(site=site_id))


def parse_query(text: str, *, site_id: int | None = None, kinds=()) -> SiteQuery:
    """The query's words, each with its stems, root and the association's synonyms' stems."""
    sets = synonym_sets(site_id)
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


def _document_count() -> int:
    count = cache.get(STATS_CACHE_KEY)
    if count is None:
        count = SiteDocument.objects.count()
        cache.set(STATS_CACHE_KEY, count, 300)
    return count


def _scope(query: SiteQuery) -> tuple[str, list]:
    sql, params = "", []
    if query.site_id is not None:  # first in the index the postings are read down
        sql += " AND p.site_id = %s"
        params.append(query.site_id)
    if query.kinds:
        sql += (
            " AND p.document_id IN (SELECT id FROM search_sitedocument WHERE kind IN ("  # noqa: S608
            + ", ".join("%s" for _ in query.kinds)
            + "))"
        )
        params += list(query.kinds)
    return sql, params


@dataclass
class _Weights:
    """Which query word each present term stands for, and its weight: rarity × query weight."""

    word_of: dict[str, int]
    weight_of: dict[str, float]


def _weights(query: SiteQuery) -> _Weights:
    frequencies = query.document_frequencies()
    total_documents = max(_document_count(), 1)
    # Each term may stand for several query words (a shared synonym): it counts for the first.
    word_of: dict[str, int] = {}
    weight_of: dict[str, float] = {}
    for number, word in enumerate(query.words):
        for term, weight in word.terms.items():
            if frequencies.get(term) and term not in word_of:
                df = frequencies[term]
                idf = math.log(1 + (total_documents - df + 0.5) / (df + 0.5))
                word_of[term] = number
                weight_of[term] = idf * weight * (K1 + 1)
    return _Weights(word_of, weight_of)


def _best_postings(query: SiteQuery, terms: list[str], depth: int) -> list[tuple]:
    """(term, document, impact) of each term's `depth` best documents, read down the index on
    (term, impact): a bounded number of rows whatever the size of the corpus."""
    scope_sql, scope_params = _scope(query)
    parts, params = [], []
    for term in terms:
        parts.append(
            "SELECT * FROM (SELECT p.term, p.document_id, p.impact FROM search_siteposting p "  # noqa: S608
            f"WHERE p.term = %s{scope_sql} ORDER BY p.impact DESC, p.document_id LIMIT %s) AS t"
        )
        params += [term, *scope_params, depth]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def _postings_of(documents: list[int], terms: list[str]) -> list[tuple]:
    """(term, document, impact) of these terms in these documents."""
    sql = (
        "SELECT p.term, p.document_id, p.impact FROM search_siteposting p "  # noqa: S608
        "WHERE p.document_id IN (" + ", ".join("%s" for _ in documents) + ") "
        "AND p.term IN (" + ", ".join("%s" for _ in terms) + ")"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*documents, *terms])
        return cursor.fetchall()


def _per_word(rows, weights: _Weights) -> dict[int, dict[int, float]]:
    """document -> query word -> the best of that word's terms in it."""
    out: dict[int, dict[int, float]] = {}
    for term, document_id, impact in rows:
        word = weights.word_of[term]
        score = weights.weight_of[term] * impact
        best = out.setdefault(document_id, {})
        if score > best.get(word, 0.0):
            best[word] = score
    return out


def _top_documents(query: SiteQuery, weights: _Weights, limit: int) -> dict[int, dict]:
    """The best `limit` documents, each with the best score of each query word in it.

    Each term's best DEPTH documents are read (down the index on term and impact). A document
    not read for a term scores at most the last impact read for it; the documents whose bound
    is highest are then scored exactly on every term. When no term is held by more than DEPTH
    documents this is the exact ranking; beyond, a document middling on every word may be
    missed, the price of a cost that does not grow with the corpus."""
    terms = list(weights.word_of)
    rows = _best_postings(query, terms, DEPTH)
    seen = _per_word(rows, weights)
    read = Counter(term for term, _document, _impact in rows)
    last: dict[str, float] = {}
    for term, _document, impact in rows:
        last[term] = impact  # rows of a term come best first
    bound: dict[int, float] = {}
    for term in terms:
        if read[term] >= DEPTH:  # more documents may hold it
            word = weights.word_of[term]
            bound[word] = max(bound.get(word, 0.0), weights.weight_of[term] * last[term])
    if bound:
        words = set(weights.word_of.values())
        upper = {
            document_id: sum(max(scores.get(w, 0.0), bound.get(w, 0.0)) for w in words)
            for document_id, scores in seen.items()
        }
        chosen = sorted(upper, key=lambda document_id: (-upper[document_id], document_id))[:limit]
        seen = _per_word(_postings_of(chosen, terms), weights)
    ranked = sorted(seen.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return dict(ranked[:limit])


def database_search(query: SiteQuery, *, limit: int = CANDIDATES) -> SiteHits:
    """BM25 by impacts: per document and query word the best of its terms, summed; then the
    share of the query's words it holds and their being together."""
    if not query.terms:
        return SiteHits([], {}, 0, "database")
    weights = _weights(query)
    if not weights.word_of:
        return SiteHits([], {}, 0, "database")
    found = _top_documents(query, weights, limit)
    if not found:
        return SiteHits([], {}, 0, "database")
    scores = {document_id: sum(per_word.values()) for document_id, per_word in found.items()}
    # Words together can lift a document among the best few, not from far below.
    best = sorted(scores, key=lambda pk: (-scores[pk], pk))[:PROXIMITY_CANDIDATES]
    phrases_of = (
        Case(When(pk__in=best, then="phrases"), default=Value(""), output_field=TextField())
        if len(query.words) > 1
        else Value("", output_field=TextField())
    )
    documents, phrases = {}, {}
    for pk, key, text in (
        SiteDocument.objects.filter(pk__in=list(scores))
        .annotate(near=phrases_of)
        .values_list("pk", "key", "near")
    ):
        documents[pk], phrases[pk] = key, text
    final = {}
    count = len(query.words)
    for document_id, score in scores.items():
        coverage = len(found[document_id]) / count
        factor = COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage
        final[documents[document_id]] = (
            score * factor * proximity_boost(query, phrases.get(document_id, ""))
        )
    keys = sorted(final, key=lambda key: (-final[key], key))
    return SiteHits(keys, final, len(keys), "database")


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


def known_terms(terms, site_id: int | None) -> set[str]:
    """Which of these terms a document of the association holds (of any, without one)."""
    terms = list(terms)
    if not terms:
        return set()
    if site_id is None:
        found = SiteTerm.objects.filter(term__in=terms, documents__gt=0)
        return set(found.values_list("term", flat=True))
    # One row at most per term, read down the index on (site, term, impact): a common term's
    # thousands of postings are not read.
    parts = [
        "SELECT * FROM (SELECT p.term FROM search_siteposting p "  # noqa: S608
        "WHERE p.site_id = %s AND p.term = %s LIMIT 1) AS t"
        for _term in terms
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [v for term in terms for v in (site_id, term)])
        return {row[0] for row in cursor.fetchall()}


def suggest(text: str, *, site_id: int | None = None) -> str:
    """The query as typed, with each word no document of the association holds replaced by the
    most alike word of its documents as it is written; "" when nothing better is found."""
    typed = written_words(text)
    analysed = {word.text: word for word in words(text)}
    known = known_terms({stem for word in analysed.values() for stem in word.stems}, site_id)
    changed = False
    out = []
    for written, normalised in typed:
        word = analysed.get(normalised)
        if word is None or set(word.stems) & known or normalised.isdigit():
            out.append(written)
            continue
        best = _closest(normalised, site_id)
        if best:
            out.append(best)
            changed = True
        else:
            out.append(written)
    return " ".join(out) if changed else ""


def _closest(typed: str, site_id: int | None) -> str:
    """The most alike word of the association's documents, as it is written."""
    found = closest_words(typed, count=1, site_id=site_id)
    if not found:
        return ""
    written = SiteWord.objects.filter(word=found[0])
    if site_id is not None:
        written = written.filter(site_id=site_id)
    return written.values_list("written", flat=True).first() or ""


def closest_words(typed: str, *, count: int = 3, site_id: int | None = None) -> list[str]:
    """Words of the association's documents a misspelt word may stand for, most alike first."""
    if len(typed) < 3:
        return []
    words_of = (
        SiteWord.objects.all() if site_id is None else SiteWord.objects.filter(site_id=site_id)
    )
    # A typo seldom changes both the first and the last letter: that narrows the candidates.
    candidates = (
        words_of.filter(length__gte=len(typed) - 1, length__lte=len(typed) + 1)
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
    is asked which words the association's documents hold."""
    anywhere = [term for term, count in query.document_frequencies().items() if count]
    known = known_terms(anywhere, query.site_id)
    for word in query.words:
        stems = {term for term in word.terms if not term.startswith(ROOT_MARK)}
        if known & stems or word.text.isdigit():
            continue
        similar_words = closest_words(word.text, site_id=query.site_id)
        for stem in word.firsts[:1]:
            if stem != word.text:
                similar_words += closest_words(stem, site_id=query.site_id)
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
