"""What the database holds of the site index, and how it is written. It holds every document
whichever backend answers: for each term of each document its impact (the document's side of
BM25, under its association's average field lengths), for each association and term how many of
its documents hold it, each association's words for "did you mean", and which documents
Elasticsearch has still to get. Every statistic BM25 reads is one association's: adding or
removing another association's documents never changes a score."""

import math
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from search.index.site_base import (
    FIELD_WEIGHTS,
    Field,
    SiteDocumentText,
    SiteQuery,
    document_fields,
)
from search.models import SiteDocument, SiteIndexStats, SitePosting, SiteTerm, SiteWord
from search.text.analysis import sequence, words, written_words

K1 = 1.2
B = 0.75
DRIFT = 0.2  # average field lengths may drift this much before every impact is weighed again
MAX_FREQUENCY = 32767
STATS_CACHE_KEY = "search:site:stats"  # + the association and the index's generation
GENERATION_KEY = "search:site:generation"


# --- writing -----------------------------------------------------------------------------------


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


def write_documents(documents: list[SiteDocumentText]) -> None:
    """Write these documents to the database index (in place of any of the same keys); while
    Elasticsearch is set, they are marked for it to get."""
    if not documents:
        return
    with transaction.atomic():
        _delete_rows(SiteDocument.objects.filter(key__in=[d.key for d in documents]))
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
        held: Counter = Counter()  # (association, term) -> documents
        for document in documents:
            row = by_key[document.key]
            counts: dict[str, list[int]] = {}
            for number, terms in analysed[document.key].items():
                for term, frequency in Counter(terms).items():
                    counts.setdefault(term[:60], [0, 0, 0, 0])[number] += frequency
            held.update((stats_site(document.site_id), term) for term in counts)
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
        for site, pks in _by_site(created).items():
            _weigh(site, pks)
        SiteWord.objects.bulk_create(
            [
                SiteWord(site_id=site_id, word=word[:60], written=written[:60], length=len(word))
                for (site_id, word), written in sorted(vocabulary.items())
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
    _index_changed()


def delete_documents(keys: list[str]) -> None:
    with transaction.atomic():
        _delete_rows(SiteDocument.objects.filter(key__in=keys))
    _index_changed()


def stats_site(site_id: int | None) -> int:
    """The association whose statistics a document counts in (0: documents of none)."""
    return site_id or 0


def _of_site(site: int):
    """The documents of an association (site 0: of none)."""
    if site:
        return SiteDocument.objects.filter(site_id=site)
    return SiteDocument.objects.filter(site_id__isnull=True)


def _by_site(rows) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for row in rows:
        out.setdefault(stats_site(row.site_id), []).append(row.pk)
    return out


def _delete_rows(documents) -> None:
    """Remove these documents (a queryset) and their postings, and count their terms out of
    their associations' counts."""
    held = Counter(
        {
            (stats_site(site_id), term): count
            for site_id, term, count in SitePosting.objects.filter(document__in=documents)
            .values("site_id", "term")
            .annotate(documents=Count("id"))
            .values_list("site_id", "term", "documents")
        }
    )
    documents.delete()
    _count_terms(held, -1)


def _count_terms(held: Counter, sign: int) -> None:
    """Add (sign 1) or take away (-1) the documents of an association holding each term
    (`held`: (association, term) -> documents)."""
    items = sorted(held.items())
    for start in range(0, len(items), 500):
        batch = items[start : start + 500]
        with connection.cursor() as cursor:
            if sign > 0:
                values = ", ".join("(%s, %s, %s)" for _ in batch)
                cursor.execute(
                    "INSERT INTO search_siteterm (site_id, term, documents) "  # noqa: S608
                    f"VALUES {values} ON CONFLICT (site_id, term) DO UPDATE "
                    "SET documents = search_siteterm.documents + excluded.documents",
                    [v for (site, term), count in batch for v in (site, term, count)],
                )
                continue
            by_site: dict[int, list[tuple[str, int]]] = {}
            for (site, term), count in batch:
                by_site.setdefault(site, []).append((term, count))
            for site, counts in by_site.items():
                cases = " ".join("WHEN %s THEN %s" for _ in counts)
                places = ", ".join("%s" for _ in counts)
                cursor.execute(
                    f"UPDATE search_siteterm SET documents = documents - CASE term {cases} END "  # noqa: S608
                    f"WHERE site_id = %s AND term IN ({places})",
                    [v for pair in counts for v in pair] + [site] + [t for t, _ in counts],
                )
    if sign < 0 and items:
        SiteTerm.objects.filter(documents__lte=0).delete()


def _averages(site: int) -> dict[int, float]:
    averages = _of_site(site).aggregate(
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


def _weigh(site: int, document_ids: list[int]) -> None:
    """Compute the impacts of these documents' postings (all of one association) under the
    averages kept for that association; when its documents have drifted from those averages,
    take the new ones and weigh every posting of the association again (rare once it has
    documents of some number). Another association's postings are never weighed again."""
    live = _averages(site)
    stats = SiteIndexStats.objects.filter(site_id=site).first()
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
            site_id=site,
            defaults={
                "title_length": live[Field.TITLE],
                "heading_length": live[Field.HEADING],
                "body_length": live[Field.BODY],
                "roots_length": live[Field.ROOTS],
            },
        )
        _compute_impacts(live, site, None)
    else:
        _compute_impacts(kept, site, document_ids)


def _compute_impacts(averages: dict[int, float], site: int, document_ids: list[int] | None) -> None:
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
        if document_ids is None:  # every posting of the association (down the site's index)
            if site:
                cursor.execute(sql + " AND p.site_id = %s", [site])
            else:
                cursor.execute(sql + " AND p.site_id IS NULL")
            return
        for start in range(0, len(document_ids), 500):
            batch = document_ids[start : start + 500]
            cursor.execute(
                sql + " AND p.document_id IN (" + ", ".join("%s" for _ in batch) + ")", batch
            )


# --- a rebuild, the keys held, a removed association -------------------------------------------


def forget_all_but(keys: list[str]) -> None:
    """A rebuild starts: forget every other document, every word and the averages kept (of
    every association)."""
    with transaction.atomic():
        _delete_rows(SiteDocument.objects.exclude(key__in=keys))
        SiteWord.objects.all().delete()
        SiteIndexStats.objects.all().delete()


def weigh_all() -> None:
    """A rebuild ends: take each association's averages again from its documents and weigh
    every posting."""
    with transaction.atomic():
        SiteIndexStats.objects.all().delete()
        sites = SiteDocument.objects.values_list("site_id", flat=True).distinct().order_by()
        for site in sorted({stats_site(site_id) for site_id in sites}):
            _weigh(site, [])


def indexed_keys() -> list[str]:
    return list(SiteDocument.objects.values_list("key", flat=True))


def association_keys(site_id: int) -> list[str]:
    return list(SiteDocument.objects.filter(site_id=site_id).values_list("key", flat=True))


def forget_words(site_id: int) -> None:
    SiteWord.objects.filter(site_id=site_id).delete()


def forget_statistics(site_id: int) -> None:
    """The association's averages (its term counts go with its documents)."""
    SiteIndexStats.objects.filter(site_id=stats_site(site_id)).delete()


# --- what Elasticsearch has still to get -------------------------------------------------------


def mark_sent(keys: list[str] | None = None) -> None:
    """Elasticsearch has these documents now (None: every document)."""
    documents = (
        SiteDocument.objects.all() if keys is None else SiteDocument.objects.filter(key__in=keys)
    )
    documents.update(elastic_stale=False)


def stale_count() -> int:
    return SiteDocument.objects.filter(elastic_stale=True).count()


def stale_keys(limit: int = 1000) -> list[str]:
    """Documents Elasticsearch missed while it was away."""
    return list(
        SiteDocument.objects.filter(elastic_stale=True).values_list("key", flat=True)[:limit]
    )


# --- what is kept in the cache -----------------------------------------------------------------


def _index_changed() -> None:
    # The document counts are kept under the generation: a new one leaves them behind.
    cache.set(GENERATION_KEY, time.time(), None)


def forget_results() -> None:
    """Drop what the cache keeps about results (their links among it): an association's host
    or port changed, so every link it gave is stale."""
    _index_changed()


def generation() -> float:
    """Changes whenever the index does: what is kept in the cache about results keys on it."""
    return cache.get_or_set(GENERATION_KEY, time.time, None)


def document_count(site_id: int | None = None) -> int:
    """How many documents the association has (BM25's N on its site); without one, every
    document."""
    key = f"{STATS_CACHE_KEY}:{site_id}:{generation()}"
    count = cache.get(key)
    if count is None:
        documents = SiteDocument.objects.all() if site_id is None else _of_site(site_id)
        count = documents.count()
        cache.set(key, count, 300)
    return count


# --- a query's terms weighed by the association's statistics -----------------------------------


@dataclass
class TermWeights:
    """Which query word each term the association's documents hold stands for, and its weight:
    its rarity among the association's documents × its weight in the query × (k1 + 1). Every
    backend scores with these: another association's documents never change them."""

    word_of: dict[str, int]
    weight_of: dict[str, float]


def term_weights(query: SiteQuery) -> TermWeights:
    frequencies = query.document_frequencies()
    total_documents = max(document_count(query.site_id), 1)  # the association's, like df
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
    return TermWeights(word_of, weight_of)
