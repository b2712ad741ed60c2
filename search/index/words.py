"""The words an association's submissions hold, read for every backend: what a query word no
submission of the association holds may be the start or a misspelling of. The database keeps
them whichever backend answers (the Elasticsearch backend writes the database table too), each
association's under its own key, so another association's words are never offered, never
counted against a limit and never read.

PostgreSQL keeps the list in `search_submission_words` (site_id, word), with a trigram index
led by the association. SQLite reads its FTS5 table (trigram tokenizer), every MATCH naming the
association's own column, and takes the words from the rows it finds."""

from django.db import connection, transaction

from search.index.query import MAX_CANDIDATES, ParsedText
from search.text.fuzzy import looks_like, trigram_similarity

# A query word that matches nothing is replaced by up to SIMILAR_WORDS of the association's
# words it looks like (`looks_like`), and by those it is the start of.
SIMILAR_WORDS = 5


def site_token(site_id: int | None) -> str:
    """The association as the SQLite FTS5 table holds it, in its own column: with the trigram
    tokenizer, the phrase `@12@` matches no other association's value (`@112@`, `@120@`)."""
    return f"@{site_id}@"


def corrected_groups(parsed: ParsedText, site_id: int | None) -> list[list[str]] | None:
    """The query's words (each a group of variants, one of which must match), each word no
    submission of the association holds replaced by the association's words it may be the
    start of (عبدالل for عبدالله) or a misspelling of; None when such a word looks like no word
    of the association at all. Only words of three letters or more are looked up."""
    if connection.vendor == "postgresql":
        return _corrected_postgresql(parsed, site_id)
    return _corrected_sqlite(parsed, site_id)


def _unknown_candidates(groups: list[list[str]]) -> list[int]:
    return [index for index, group in enumerate(groups) if all(len(v) >= 3 for v in group)]


def _corrected_postgresql(parsed: ParsedText, site_id: int | None) -> list[list[str]] | None:
    """Every lookup goes down the (site_id, word) indexes."""
    groups = [list(group) for group in parsed.words]
    checkable = [v for group in groups for v in group if len(v) >= 3]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM search_submission_words "
            "WHERE site_id = %s AND word = ANY(%s::varchar[])",
            [site_id, checkable],
        )
        known = {word for (word,) in cursor.fetchall()}
        unknown = [
            index for index in _unknown_candidates(groups) if not known.intersection(groups[index])
        ]
        if unknown:
            # Candidates share a few trigrams; `looks_like` decides.
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.2")
        for index in unknown:
            likely: list[str] = []
            for spelling in parsed.spellings[index]:
                cursor.execute(
                    "SELECT word FROM search_submission_words "
                    "WHERE site_id = %s AND word LIKE %s "
                    "ORDER BY length(word), word LIMIT %s",
                    [
                        site_id,
                        spelling.replace("%", "").replace("_", "") + "%",
                        SIMILAR_WORDS * 4,
                    ],
                )
                likely.extend(word for (word,) in cursor.fetchall() if word not in likely)
                cursor.execute(
                    "SELECT word FROM search_submission_words "
                    "WHERE site_id = %s AND word %% %s "
                    "ORDER BY word <-> %s, word LIMIT %s",
                    [site_id, spelling, spelling, SIMILAR_WORDS * 4],
                )
                similar = [w for (w,) in cursor.fetchall() if looks_like(spelling, w)]
                likely.extend(w for w in similar[:SIMILAR_WORDS] if w not in likely)
            if not likely:
                return None
            groups[index] = likely
    return groups


def _site_words(cursor, site_id: int | None, pieces: list[str]) -> set[str]:
    """The association's words in its rows holding one of these pieces (three letters or
    more): another association's rows are never read, nor use up the limit."""
    pieces = sorted({piece for piece in pieces if len(piece) >= 3})
    if not pieces:
        return set()
    expression = " OR ".join(f'"{piece}"' for piece in pieces)
    cursor.execute(
        "SELECT text FROM search_submission_fts WHERE search_submission_fts MATCH %s LIMIT %s",
        [f'text : ({expression}) AND site : "{site_token(site_id)}"', MAX_CANDIDATES * 5],
    )
    return {
        word
        for (text,) in cursor.fetchall()
        for word in text.split()
        if 3 <= len(word) <= 100 and not word.isdigit()
    }


def _corrected_sqlite(parsed: ParsedText, site_id: int | None) -> list[list[str]] | None:
    """As on PostgreSQL, the words read from the association's rows of the FTS5 table."""
    groups = [list(group) for group in parsed.words]
    with connection.cursor() as cursor:
        for index in _unknown_candidates(groups):
            group = groups[index]
            if set(group) & _site_words(cursor, site_id, group):
                continue
            likely: list[str] = []
            for spelling in parsed.spellings[index]:
                starting = sorted(
                    (w for w in _site_words(cursor, site_id, [spelling]) if w.startswith(spelling)),
                    key=lambda w: (len(w), w),
                )
                likely.extend(w for w in starting[: SIMILAR_WORDS * 4] if w not in likely)
                pieces = [spelling[i : i + 3] for i in range(len(spelling) - 2)]
                similar = sorted(
                    (-trigram_similarity(spelling, w), w)
                    for w in _site_words(cursor, site_id, pieces)
                    if w != spelling and looks_like(spelling, w)
                )
                likely.extend(w for _s, w in similar[:SIMILAR_WORDS] if w not in likely)
            if not likely:
                return None
            groups[index] = likely
    return groups
