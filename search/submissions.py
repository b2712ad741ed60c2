"""Searching submissions for staff. The index knows no app: an app registers each kind of
submission it wants searched (`register`: its model, how one becomes a document, who may see
it), and its saves and deletes are then indexed after the commit.

One interface, two backends chosen by settings (`SUBMISSION_SEARCH_BACKEND`):

- `search.submissions.DatabaseBackend` (the default): an index table in the project's own
  database — SQLite FTS5 with the trigram tokenizer, or PostgreSQL full-text search with the
  `arabic` configuration plus `pg_trgm` for names and numbers;
- `search.elastic.ElasticsearchBackend`: Elasticsearch through the Elasticsearch DSL.

Both index and query text normalised by `search.arabic`, and answer in the same shape. The
database is the source of truth: every change of a submission marks it pending in the same
transaction; a task indexes pending submissions after the commit, and whatever failed stays
pending until the next attempt or `manage.py rebuild_submission_index`.

`search_submissions(user, ...)` applies each kind's visibility before anything is counted, so a
role never sees another kind of submission, not even in a facet.
"""

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.dates import to_ascii_digits
from search import arabic

logger = logging.getLogger(__name__)

FACETS = ("status", "support_type", "channel", "city")
REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{4}-\d{6}$", re.IGNORECASE)
MAX_CANDIDATES = 500
# A query word that matches nothing is replaced by up to SIMILAR_WORDS indexed words at least
# this similar to it (pg_trgm similarity).
SIMILAR_WORD = 0.4
SIMILAR_WORDS = 5
SMALL_RESULT = 20_000


# --- what is indexed: the kinds apps register -------------------------------------------------


@dataclasses.dataclass(frozen=True)
class IndexedKind:
    """A kind of submission an app wants searched."""

    slug: str  # stored in the index: never rename
    model: type
    document: Callable[[object], dict]  # one submission -> its index entry (see SubmissionEntry)
    visible_to: Callable[[object], bool]  # whether a user may see this kind at all
    index_name: str  # Elasticsearch: the alias is <SUBMISSION_SEARCH_INDEX_PREFIX>-<index_name>


_indexed: dict[str, IndexedKind] = {}


def register(kind: IndexedKind) -> None:
    """Index this kind: every save or delete of its model is marked pending in the same
    transaction and indexed after the commit."""
    _indexed[kind.slug] = kind

    def changed(sender, instance, **kwargs):
        mark_pending(kind.slug, instance.pk)

    post_save.connect(changed, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.slug}")
    post_delete.connect(
        changed, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.slug}-delete"
    )


def indexed_kinds() -> list[str]:
    return list(_indexed)


def indexed(slug: str) -> IndexedKind:
    return _indexed[slug]


def local_phone(value: str) -> str:
    """Digits of a Saudi mobile however written (+966 55…, 0096655…, 055…, Arabic-Indic
    digits) as the nine local digits 5XXXXXXXX; other numbers are returned as digits."""
    digits = "".join(ch for ch in to_ascii_digits(value or "") if ch.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("966"):
        digits = digits[3:]
    return digits.lstrip("0") if digits.startswith("05") or digits.startswith("0") else digits


def joined_words(words: list[str]) -> list[str]:
    """عبد, ابو and ام joined to the word after them, as names are indexed."""
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in ("عبد", "ابو", "ام"):
            joined[-1] = joined[-1] + word
        else:
            joined.append(word)
    return joined


def name_words(name: str) -> list[str]:
    """A name's normalised words with عبد / ابو joined to the word after them (عبد الله and
    عبدالله are one word) and the article dropped from family names (الحربي = حربي)."""
    joined = joined_words(arabic.tokens(name))
    return [
        word[2:] if word.startswith("ال") and len(word) > 4 else word
        for word in joined
        if word not in ("بن", "بنت")
    ]


def vocabulary(texts) -> list[str]:
    """The distinct words of index texts worth looking up for misspellings, sorted."""
    return sorted(
        {
            word
            for text in texts
            for word in text.split()
            if 3 <= len(word) <= 100 and not word.isdigit()
        }
    )


def name_score(name: str, groups: list[list[str]]) -> float:
    """How well a match's (normalised) name answers the query's words: 2 for each word that is
    one of the name's words, 1 for each that starts one; words found only in the place or the
    need count nothing, so people whose name it is come first."""
    words = name.split()
    score = 0.0
    for group in groups:
        if any(variant in words for variant in group):
            score += 2
        elif any(word.startswith(variant) for variant in group for word in words):
            score += 1
    return score


def looks_like(typed: str, word: str) -> bool:
    """Whether `typed` may be a misspelling of `word`: trigram similarity of at least
    SIMILAR_WORD, or (words of four letters or more) one letter left out, added, changed or
    swapped with its neighbour (الحري for الحربي, whose trigrams are too few to tell)."""
    if trigram_similarity(typed, word) >= SIMILAR_WORD:
        return True
    return len(word) >= 4 and len(typed) >= 3 and edit_distance(typed, word, limit=1) <= 1


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Letters to leave out, add, change or swap with a neighbour to turn `a` into `b`
    (optimal string alignment), or limit + 1 once it is known to be more than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, letter in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other)
            )
            if i > 1 and j > 1 and letter == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def trigram_similarity(a: str, b: str) -> float:
    """Shared three-letter pieces over all pieces of two words, each padded as pg_trgm pads
    them (two spaces before, one after), so short words compare as PostgreSQL would."""

    def pieces(word: str) -> set[str]:
        padded = f"  {word} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    mine, theirs = pieces(a), pieces(b)
    return len(mine & theirs) / len(mine | theirs)


# --- the query and the answer -------------------------------------------------------------------


@dataclasses.dataclass
class SubmissionQuery:
    text: str = ""
    kinds: tuple[str, ...] = dataclasses.field(default_factory=lambda: tuple(_indexed))
    filters: dict = dataclasses.field(default_factory=dict)  # status (list), support_type, ...
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.per_page


@dataclasses.dataclass
class Hit:
    kind: str
    object_id: int
    reference: str
    score: float
    highlight: str = ""


@dataclasses.dataclass
class SubmissionResults:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]

    def ids(self, kind: str) -> list[int]:
        return [hit.object_id for hit in self.hits if hit.kind == kind]


def _spellings(word: str) -> list[str]:
    """A query word's forms to compare with indexed words when it matches nothing: its stems,
    the word without ال, and the word with a hamza for a و or ي typed in its place (مومن for
    مؤمن, عايشه for عائشة: normalised, the seat is a bare ء)."""
    bare = word[2:] if word.startswith("ال") and len(word) > 4 else word
    seats = [bare[:i] + "ء" + bare[i + 1 :] for i in range(1, len(bare)) if bare[i] in "وي"]
    return list(dict.fromkeys([*arabic.variants(word), bare, *seats]))


@dataclasses.dataclass
class ParsedText:
    """What a staff query means: a reference, numbers (phone, ID, partial), and words."""

    reference: str = ""
    digits: str = ""
    words: list[list[str]] = dataclasses.field(default_factory=list)  # variants per word
    names: list[str] = dataclasses.field(default_factory=list)
    # Per word, its variants and the word as typed (normalised, without ال): what a word that
    # matches nothing is compared with to find what it may be a misspelling of.
    spellings: list[list[str]] = dataclasses.field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> "ParsedText":
        text = to_ascii_digits((text or "").strip())
        if REFERENCE.match(text):
            return cls(reference=text.upper())
        digits = "".join(ch for ch in text if ch.isdigit())
        letters = re.sub(r"[\d+\-\s()]", "", text)
        if digits and not letters:
            return cls(digits=digits)
        # عبد الله is searched as عبدالله, the way names are indexed (both spellings).
        tokens = [
            word for word in joined_words(arabic.tokens(text)) if word not in arabic.STOPWORDS
        ]
        return cls(
            words=[arabic.variants(word) for word in tokens],
            names=name_words(text),
            spellings=[_spellings(word) for word in tokens],
        )

    @property
    def phone(self) -> str:
        return local_phone(self.digits)


def highlight(name: str, parsed: ParsedText) -> str:
    """The name with the words that matched marked (normalised form)."""
    wanted = set(parsed.names) | {v for group in parsed.words for v in group}
    return " ".join(
        f"<mark>{word}</mark>" if any(word.startswith(w) or w in word for w in wanted) else word
        for word in name.split()
    )


class Backend:
    """The interface. `index` and `remove` take documents from `document()`."""

    name = "base"

    def index(self, documents: list[dict]) -> None:
        raise NotImplementedError

    def remove(self, kind: str, object_ids: list[int]) -> None:
        raise NotImplementedError

    def search(self, query: SubmissionQuery) -> SubmissionResults:
        raise NotImplementedError

    def count(self, kind: str) -> int:
        raise NotImplementedError

    # A rebuild writes into a fresh target and switches to it at the end (no downtime).
    def rebuild_start(self) -> str:
        return ""

    def rebuild_index(self, target: str, documents: list[dict]) -> None:
        self.index(documents)

    def rebuild_finish(self, target: str, kinds_ids: dict[str, set[int]] | None = None) -> None:
        """Switch to `target`; the database backend drops entries of deleted submissions."""

    def prune(self) -> int:
        """Forget what no submission holds any more; returns how much. Nothing by default."""
        return 0


# --- the database backend --------------------------------------------------------------------


class DatabaseBackend(Backend):
    name = "database"

    def _entries(self):
        from search.models import SubmissionEntry

        return SubmissionEntry.objects

    def index(self, documents: list[dict]) -> None:
        if not documents:
            return
        if connection.vendor == "postgresql":
            self._upsert_postgresql(documents)
            return
        from search.models import SubmissionEntry

        with transaction.atomic():
            for doc in documents:
                entry, _ = SubmissionEntry.objects.update_or_create(
                    kind=doc["kind"], object_id=doc["object_id"], defaults=doc
                )
                self._forget_engine([entry.pk])
                self._remember_engine([entry])

    def bulk_index(self, documents: list[dict]) -> None:
        """Fast path for rebuilds: PostgreSQL upserts the whole batch in one statement; SQLite
        deletes the batch's old entries and inserts it again."""
        from search.models import SubmissionEntry

        if not documents:
            return
        if connection.vendor == "postgresql":
            self._upsert_postgresql(documents)
            return
        with transaction.atomic():
            by_kind: dict[str, list[int]] = {}
            for doc in documents:
                by_kind.setdefault(doc["kind"], []).append(doc["object_id"])
            for kind, ids in by_kind.items():
                old = SubmissionEntry.objects.filter(kind=kind, object_id__in=ids)
                self._forget_engine(list(old.values_list("pk", flat=True)))
                old.delete()
            created = SubmissionEntry.objects.bulk_create(
                [SubmissionEntry(**doc) for doc in documents]
            )
            if not created or created[0].pk is None:
                created = list(
                    SubmissionEntry.objects.filter(
                        reference__in=[d["reference"] for d in documents]
                    )
                )
            self._remember_engine(created)

    # The columns written by one upsert, with their PostgreSQL array types.
    _COLUMNS = (
        ("kind", "varchar"),
        ("object_id", "bigint"),
        ("reference", "varchar"),
        ("national_id", "varchar"),
        ("phone", "varchar"),
        ("name", "varchar"),
        ("text", "text"),
        ("status", "varchar"),
        ("support_type_id", "integer"),
        ("channel", "varchar"),
        ("city", "varchar"),
        ("assignee_id", "integer"),
        ("submitted_at", "timestamptz"),
    )

    def _upsert_postgresql(self, documents: list[dict]) -> None:
        """One INSERT … ON CONFLICT for the batch, from one array per column, with the text's
        vector computed in the same statement (no second write of every row)."""
        from search.models import SubmissionEntry

        table = SubmissionEntry._meta.db_table
        names = [name for name, _type in self._COLUMNS]
        columns = ", ".join(names)
        arrays = ", ".join(f"%s::{type_}[]" for _name, type_ in self._COLUMNS)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names[2:])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}, search_vector) "  # noqa: S608 - names from the model
                f"SELECT {columns}, to_tsvector('arabic', text) FROM unnest({arrays}) "
                f"AS batch ({columns}) "
                f"ON CONFLICT (kind, object_id) DO UPDATE SET {updates}, "
                "search_vector = EXCLUDED.search_vector",
                [[doc[name] for doc in documents] for name in names],
            )
            # New words for the misspelling lookup; sorted, so concurrent batches lock them
            # in the same order.
            cursor.execute(
                "INSERT INTO search_submission_words (word) SELECT unnest(%s::varchar[]) "
                "ON CONFLICT DO NOTHING",
                [vocabulary(doc["text"] for doc in documents)],
            )

    def _remember_engine(self, entries) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_submission_fts (rowid, name, text) VALUES (%s, %s, %s)",
                [(e.pk, e.name, e.text) for e in entries],
            )

    def rebuild_index(self, target: str, documents: list[dict]) -> None:
        self.bulk_index(documents)

    def _forget_engine(self, entry_ids: list[int]) -> None:
        if entry_ids and connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany(
                    "DELETE FROM search_submission_fts WHERE rowid = %s", [(i,) for i in entry_ids]
                )

    def remove(self, kind: str, object_ids: list[int]) -> None:
        entries = self._entries().filter(kind=kind, object_id__in=object_ids)
        self._forget_engine(list(entries.values_list("pk", flat=True)))
        entries.delete()

    def count(self, kind: str) -> int:
        return self._entries().filter(kind=kind).count()

    def rebuild_finish(self, target: str, kinds_ids: dict[str, set[int]] | None = None) -> None:
        for kind, ids in (kinds_ids or {}).items():
            stale = set(
                self._entries().filter(kind=kind).values_list("object_id", flat=True)
            ).difference(ids)
            if stale:
                self.remove(kind, list(stale))
        self.prune()

    # -- searching --

    def _filtered(self, query: SubmissionQuery):
        entries = self._entries().filter(kind__in=query.kinds)
        filters = query.filters
        if filters.get("status"):
            statuses = filters["status"]
            entries = entries.filter(
                status__in=statuses if isinstance(statuses, list | tuple) else [statuses]
            )
        for name in ("support_type_id", "assignee_id"):
            if filters.get(name) not in (None, ""):
                entries = entries.filter(**{name: filters[name]})
        if filters.get("channel"):
            entries = entries.filter(channel=filters["channel"])
        if filters.get("city"):
            entries = entries.filter(city=filters["city"])
        return entries

    # What a ranked search reads of each match: enough to count, facet, order and page.
    _RANKED = ("pk", "submitted_at", "status", "support_type_id", "channel", "city")

    def _scored(self, entries, parsed: ParsedText):
        """(entries narrowed to the matches, None when unranked, else the matches as rows of
        (score, *_RANKED), at most MAX_CANDIDATES)."""
        if parsed.reference:
            return entries.filter(reference=parsed.reference), None
        if parsed.digits:
            phone = parsed.phone
            exact = entries.filter(Q(national_id=parsed.digits) | Q(phone=phone))
            if len(parsed.digits) < 4 or exact.exists():
                return exact, None
            # Part of a number: IDs by their first digits, phones by any run of digits.
            return entries.filter(
                Q(national_id__startswith=parsed.digits) | Q(phone__contains=phone or parsed.digits)
            ), None
        if not parsed.words:
            return entries, None
        if connection.vendor == "postgresql":
            return self._scored_postgresql(entries, parsed)
        return self._scored_sqlite(entries, parsed)

    def _scored_postgresql(self, entries, parsed: ParsedText):
        groups = self._corrected(parsed)
        if groups is None:
            return entries.none(), []
        # Every word as one of its stems, exactly: the planner then knows how common each is
        # and walks the newest-first index for common names, the text index for rare ones.
        tsquery = self._tsquery(groups)
        # Rank only the newest matches (a common name can match thousands of requests), by
        # how well they match the name, read with them.
        rows = (
            entries.filter(search_vector=tsquery)
            .order_by("-submitted_at")
            .values_list("name", *self._RANKED)[:MAX_CANDIDATES]
        )
        ranked = [(name_score(name, groups), *row) for name, *row in rows]
        return entries.filter(pk__in=[row[1] for row in ranked]), ranked

    @staticmethod
    def _tsquery(groups: list[list[str]]):
        """Every group must match (one of its variants)."""
        from django.contrib.postgres.search import SearchQuery

        raw = " & ".join("(" + " | ".join(group) + ")" for group in groups)
        return SearchQuery(raw, config="arabic", search_type="raw")

    @staticmethod
    def _corrected(parsed: ParsedText) -> list[list[str]] | None:
        """The query's words, each word no entry holds (not in the index's vocabulary) replaced
        by the indexed words it may be the start of (عبدالل for عبدالله) or a misspelling of
        (`looks_like`); None when such a word looks like no indexed word at all."""
        groups = [list(group) for group in parsed.words]
        checkable = [v for group in groups for v in group if len(v) >= 3]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_submission_words WHERE word = ANY(%s::varchar[])",
                [checkable],
            )
            known = {word for (word,) in cursor.fetchall()}
            unknown = [
                index
                for index, group in enumerate(groups)
                if all(len(v) >= 3 for v in group) and not known.intersection(group)
            ]
            if unknown:
                # Candidates share a few trigrams; `looks_like` decides.
                cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.2")
            for index in unknown:
                likely: list[str] = []
                for spelling in parsed.spellings[index]:
                    cursor.execute(
                        "SELECT word FROM search_submission_words WHERE word LIKE %s "
                        "ORDER BY length(word), word LIMIT %s",
                        [spelling + "%", SIMILAR_WORDS * 4],
                    )
                    likely.extend(word for (word,) in cursor.fetchall() if word not in likely)
                    cursor.execute(
                        "SELECT word FROM search_submission_words WHERE word %% %s "
                        "ORDER BY word <-> %s, word LIMIT %s",
                        [spelling, spelling, SIMILAR_WORDS * 4],
                    )
                    similar = [w for (w,) in cursor.fetchall() if looks_like(spelling, w)]
                    likely.extend(w for w in similar[:SIMILAR_WORDS] if w not in likely)
                if not likely:
                    return None
                groups[index] = likely
        return groups

    def prune(self) -> int:
        """Forget vocabulary words no entry holds any more (after erasures and retention);
        returns how many. PostgreSQL only: SQLite searches its trigram table directly."""
        if connection.vendor != "postgresql":
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH gone AS (SELECT word FROM search_submission_words EXCEPT "
                "SELECT word FROM search_submissionentry, "
                "regexp_split_to_table(text, '\\s+') AS word) "
                "DELETE FROM search_submission_words WHERE word IN (SELECT word FROM gone)"
            )
            return cursor.rowcount

    def _scored_sqlite(self, entries, parsed: ParsedText):
        """FTS5 (trigram tokenizer): every word must match one of its variants. When nothing
        does and a word matches nothing at all, that word may be misspelt: it then matches the
        indexed words that look like it (trigram similarity, as pg_trgm measures it)."""
        pairs = [
            ([v for v in group if len(v) >= 3], spellings)
            for group, spellings in zip(parsed.words, parsed.spellings, strict=True)
        ]
        pairs = [(group, spellings) for group, spellings in pairs if group]
        groups = [group for group, _spellings in pairs]
        scores: dict[int, float] = {}
        with connection.cursor() as cursor:
            if groups:
                scores = self._fts(cursor, groups, MAX_CANDIDATES)
            if groups and not scores:
                unknown = [pair for pair in pairs if not self._fts(cursor, [pair[0]], 1)]
                known = [group for group, spellings in pairs if (group, spellings) not in unknown]
                if unknown:
                    found = self._fts(cursor, known, MAX_CANDIDATES * 20) if known else None
                    for _group, spellings in unknown:
                        similar = self._similar_sqlite(cursor, spellings)
                        found = {
                            rowid: (found[rowid] if found is not None else 0.0) + similarity
                            for rowid, similarity in similar.items()
                            if found is None or rowid in found
                        }
                    scores = found or {}
        short = [group for group in parsed.words if all(len(v) < 3 for v in group)]
        matched = entries.filter(pk__in=list(scores))
        for group in short:  # two-letter words: plain containment
            condition = Q()
            for variant in group:
                condition |= Q(text__contains=variant)
            matched = (matched if scores else entries).filter(condition)
        if not scores:
            return matched, None
        return matched, [
            (scores.get(row[0], 0.0), *row) for row in matched.values_list(*self._RANKED)
        ]

    @staticmethod
    def _fts(cursor, groups: list[list[str]], limit: int) -> dict[int, float]:
        """{rowid: score} of the rows where every group matches one of its variants."""
        expression = " AND ".join(
            "(" + " OR ".join(f'"{v}"' for v in group) + ")" for group in groups
        )
        cursor.execute(
            "SELECT rowid, bm25(search_submission_fts) FROM search_submission_fts "
            "WHERE search_submission_fts MATCH %s ORDER BY 2 LIMIT %s",
            [expression, limit],
        )
        return {rowid: -rank for rowid, rank in cursor.fetchall()}

    @staticmethod
    def _similar_sqlite(cursor, group: list[str]) -> dict[int, float]:
        """{rowid: similarity} of the rows holding a word at least SIMILAR_WORD like one of
        the group's variants: candidates share a three-letter piece, then are measured."""
        pieces = sorted({v[i : i + 3] for v in group for i in range(len(v) - 2)})
        cursor.execute(
            "SELECT rowid, text FROM search_submission_fts WHERE search_submission_fts MATCH %s "
            "LIMIT %s",
            ["text : (" + " OR ".join(f'"{p}"' for p in pieces) + ")", MAX_CANDIDATES * 5],
        )
        found = {}
        for rowid, text in cursor.fetchall():
            best = max(
                (trigram_similarity(variant, word) or 0.2) if looks_like(variant, word) else 0.0
                for variant in group
                for word in text.split()
            )
            if best:
                found[rowid] = best
        return found

    def search(self, query: SubmissionQuery) -> SubmissionResults:
        parsed = ParsedText.parse(query.text)
        entries, ranked = self._scored(self._filtered(query), parsed)
        fields = ("status", "support_type_id", "channel", "city")
        if ranked is not None:
            # Ranked words: the matches (at most MAX_CANDIDATES) were read once, for the
            # total, the facets and the order (best first, then newest).
            groups = Counter(row[3:] for row in ranked)
            ranked = sorted(ranked, key=lambda row: (-row[0], -row[2].timestamp()))
            page_ids = [row[1] for row in ranked[query.offset : query.offset + query.per_page]]
            scores = {row[1]: row[0] for row in ranked}
        else:
            # The total and the four facets from one grouped scan of the covering index.
            groups = Counter(
                {
                    tuple(row[:4]): row[4]
                    for row in entries.order_by().values_list(*fields).annotate(n=Count("*"))
                }
            )
            page_ids = None
            scores = {}
        total = sum(groups.values())
        facets = {}
        for position, facet in enumerate(FACETS):
            counter = Counter()
            for key, n in groups.items():
                if key[position] is not None:
                    counter[str(key[position])] += n
            facets[facet] = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:20]
        if page_ids is None and total <= SMALL_RESULT:
            # Few matches: order them from the covering index instead of walking the
            # newest-first index past every row that does not match.
            ordered = sorted(entries.values_list("submitted_at", "pk"), reverse=True)
            page_ids = [pk for _at, pk in ordered[query.offset : query.offset + query.per_page]]
        if page_ids is not None:
            by_pk = {e.pk: e for e in self._entries().filter(pk__in=page_ids)}
            page = [by_pk[pk] for pk in page_ids]
        else:
            page = list(
                entries.order_by("-submitted_at", "-pk")[
                    query.offset : query.offset + query.per_page
                ]
            )
        hits = [
            Hit(
                kind=entry.kind,
                object_id=entry.object_id,
                reference=entry.reference,
                score=float(scores.get(entry.pk, 0.0)),
                highlight=highlight(entry.name, parsed) if parsed.words else "",
            )
            for entry in page
        ]
        return SubmissionResults(total=total, hits=hits, facets=facets)


# --- choosing the backend, following the truth -------------------------------------------------


@lru_cache(maxsize=4)
def _backend(path: str) -> Backend:
    return import_string(path)()


def get_backend() -> Backend:
    return _backend(settings.SUBMISSION_SEARCH_BACKEND)


def mark_pending(kind: str, object_id: int) -> None:
    """Called in the transaction that saves or deletes the submission; the index follows the
    commit (a submission no longer in the database is removed from the index)."""
    from search.models import SearchPending

    SearchPending.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"since": timezone.now(), "attempts": 0, "last_error": ""},
    )
    transaction.on_commit(_enqueue_pending)


def _enqueue_pending() -> None:
    from search.tasks import index_pending_submissions

    try:
        index_pending_submissions.enqueue()
    except Exception:  # noqa: BLE001 - the pending rows stay; the next change or sweep retries
        logger.warning("could not queue submission indexing", exc_info=True)


def index_pending(*, limit: int = 500) -> tuple[int, int]:
    """Index what is pending. Returns (indexed, still pending). A failing backend leaves the
    rows pending with the error; nothing is lost."""
    from search.models import SearchPending

    backend = get_backend()
    done = failed = 0
    pending = list(SearchPending.objects.order_by("since")[:limit])
    for kind in _indexed.values():
        rows = [row for row in pending if row.kind == kind.slug]
        if not rows:
            continue
        objects = {
            obj.pk: obj for obj in kind.model.objects.filter(pk__in=[r.object_id for r in rows])
        }
        try:
            present = [kind.document(objects[r.object_id]) for r in rows if r.object_id in objects]
            backend.index(present)
            gone = [r.object_id for r in rows if r.object_id not in objects]
            if gone:
                backend.remove(kind.slug, gone)
        except Exception as error:  # noqa: BLE001 - the search server may be down: retry later
            failed += len(rows)
            SearchPending.objects.filter(pk__in=[r.pk for r in rows]).update(
                attempts=F("attempts") + 1,
                last_error=f"{type(error).__name__}: {error}"[:300],
            )
            logger.warning("submission indexing failed: %s", type(error).__name__)
            continue
        # Remove only rows not changed again while indexing.
        for row in rows:
            SearchPending.objects.filter(pk=row.pk, since=row.since).delete()
        done += len(rows)
    return done, SearchPending.objects.count()


def allowed_kinds(user) -> tuple[str, ...]:
    """The kinds this user may see."""
    return tuple(slug for slug, kind in _indexed.items() if kind.visible_to(user))


def search_submissions(
    user, *, text: str = "", kinds=None, filters=None, page: int = 1, per_page: int = 20
) -> SubmissionResults:
    """Search what this user may see (all kinds unless `kinds` narrows them): kinds they have no
    right to are never searched or counted."""
    allowed = allowed_kinds(user)
    visible = tuple(kind for kind in (kinds or allowed) if kind in allowed)
    if not visible:
        return SubmissionResults(total=0, hits=[], facets={facet: [] for facet in FACETS})
    return get_backend().search(
        SubmissionQuery(
            text=text, kinds=visible, filters=filters or {}, page=page, per_page=per_page
        )
    )


def matching_ids(user, kind: str, text: str) -> list[int]:
    """The ids of this kind that match `text` (best first, at most MAX_CANDIDATES): what the
    inbox list and the staff API filter on."""
    results = search_submissions(user, text=text, kinds=(kind,), per_page=MAX_CANDIDATES)
    return results.ids(kind)


def health() -> dict:
    """The backend, documents in the index against rows in the database, and the lag."""
    from search.models import IndexRebuild, SearchPending

    backend = get_backend()
    report = {"backend": backend.name, "kinds": {}}
    for kind in _indexed.values():
        try:
            in_index = backend.count(kind.slug)
        except Exception as error:  # noqa: BLE001 - report an unreachable server, do not fail
            in_index = f"unavailable ({type(error).__name__})"
        report["kinds"][kind.slug] = {
            "database": kind.model.objects.count(),
            "index": in_index,
            "pending": SearchPending.objects.filter(kind=kind.slug).count(),
        }
    oldest = SearchPending.objects.order_by("since").values_list("since", flat=True).first()
    report["lag_seconds"] = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    last = IndexRebuild.objects.first()
    report["last_rebuild"] = (
        {
            "kind": last.kind,
            "done": last.done,
            "total": last.total,
            "started_at": last.started_at.isoformat(),
            "finished": bool(last.finished_at),
        }
        if last
        else None
    )
    return report
