"""The database backend of site search: BM25 by the impacts the database keeps (site_store),
the same statements on SQLite and PostgreSQL. A query reads each of its terms' best documents
down an index on (term, impact), a bounded number of rows whatever the size of the corpus, and
scores exactly the few that may rank first: per document and query word the best of its terms,
summed; then the share of the query's words it holds and their being together. SQLite's FTS5
is not used: its bm25() cannot weigh each query word's best stem, root or synonym."""

from collections import Counter

from django.db import connection
from django.db.models import Case, TextField, Value, When

from search.index.site_base import CANDIDATES, PHRASE_BOOST, PROXIMITY_WINDOW, SiteHits, SiteQuery
from search.index.site_store import TermWeights, term_weights
from search.models import SiteDocument

COVERAGE_FLOOR = 0.4  # a document holding none but one of many words keeps this much
PROXIMITY_CANDIDATES = 50
DEPTH = 200  # each term's best documents read


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


def _per_word(rows, weights: TermWeights) -> dict[int, dict[int, float]]:
    """document -> query word -> the best of that word's terms in it."""
    out: dict[int, dict[int, float]] = {}
    for term, document_id, impact in rows:
        word = weights.word_of[term]
        score = weights.weight_of[term] * impact
        best = out.setdefault(document_id, {})
        if score > best.get(word, 0.0):
            best[word] = score
    return out


def _top_documents(query: SiteQuery, weights: TermWeights, limit: int) -> dict[int, dict]:
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
    weights = term_weights(query)
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
