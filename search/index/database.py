"""The database backend of submission search (the default): an index table in the project's own
database — SQLite FTS5 with the trigram tokenizer, or PostgreSQL full-text search with the
`arabic` configuration plus `pg_trgm` for names and numbers — searched with text normalised by
search.text, answering in the shape every backend shares (search.index.query)."""

from collections import Counter

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import Count, Q

from search.index.base import Backend
from search.index.query import (
    FACETS,
    MAX_CANDIDATES,
    Hit,
    ParsedText,
    SubmissionQuery,
    SubmissionResults,
    highlight,
    name_score,
)
from search.index.words import corrected_groups, site_token
from search.models import SubmissionEntry
from search.text.fuzzy import looks_like, trigram_similarity

SMALL_RESULT = 20_000


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


def site_vocabulary(documents: list[dict]) -> list[tuple[int, str]]:
    """The distinct (association, word) pairs of these documents, sorted: each association's
    words are its own, so one association's rare name is never a misspelling of another's."""
    by_site: dict[int, list[str]] = {}
    for doc in documents:
        by_site.setdefault(doc["site_id"], []).append(doc["text"])
    return [(site_id, word) for site_id in sorted(by_site) for word in vocabulary(by_site[site_id])]


class DatabaseBackend(Backend):
    name = "database"

    def index(self, documents: list[dict]) -> None:
        """Write the entries of these documents: PostgreSQL upserts the batch in one statement;
        SQLite deletes the batch's old entries and inserts it again."""
        if not documents:
            return
        if connection.vendor == "postgresql":
            self._upsert_postgresql(documents)
            if self._rebuilding():
                self._upsert_postgresql(documents, table=self.REBUILD_TABLE)
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
        ("site_id", "integer"),
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

    def _upsert_postgresql(self, documents: list[dict], *, table: str = "") -> None:
        """One INSERT … ON CONFLICT for the batch, from one array per column, with the text's
        vector computed in the same statement (no second write of every row)."""
        table = table or SubmissionEntry._meta.db_table
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
            self._remember_words(cursor, documents)

    @staticmethod
    def _remember_words(cursor, documents: list[dict]) -> None:
        # New words for the misspelling lookup, each association's its own; sorted, so
        # concurrent batches lock them in the same order.
        pairs = site_vocabulary(documents)
        cursor.execute(
            "INSERT INTO search_submission_words (site_id, word) "
            "SELECT * FROM unnest(%s::integer[], %s::varchar[]) "
            "ON CONFLICT DO NOTHING",
            [[site_id for site_id, _word in pairs], [word for _site_id, word in pairs]],
        )

    # -- a full rebuild (PostgreSQL) --
    #
    # A rebuild writes a fresh table next to the index, keyed only by submission, and gives it
    # the index's other indexes once it is full (one sort each, instead of millions of
    # inserts into GIN and trigram indexes); then the two are switched in one transaction.
    # Searches read the old entries until then. Changes indexed meanwhile are written to both.

    REBUILD_TABLE = "search_submissionentry_rebuild"

    def rebuild_start(self) -> str:
        if connection.vendor != "postgresql":
            return ""
        table = SubmissionEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.REBUILD_TABLE}")
            cursor.execute(
                f"CREATE TABLE {self.REBUILD_TABLE} "
                f"(LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f"CREATE UNIQUE INDEX {self.REBUILD_TABLE}_submission "
                f"ON {self.REBUILD_TABLE} (kind, object_id)"
            )
        return self.REBUILD_TABLE

    def rebuild_index(self, target: str, documents: list[dict]) -> None:
        if target != self.REBUILD_TABLE:
            self.index(documents)
        elif documents:
            self._copy_postgresql(documents, table=target)

    def _copy_postgresql(self, documents: list[dict], *, table: str) -> None:
        """The batch COPYed into a temporary table (the driver's fast path, not one literal
        per value), then upserted from it as `_upsert_postgresql` does, with its words."""
        names = [name for name, _type in self._COLUMNS]
        columns = ", ".join(names)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names[2:])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS search_rebuild_batch "  # noqa: S608
                f"ON COMMIT DELETE ROWS AS SELECT {columns} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY search_rebuild_batch ({columns}) FROM STDIN") as copy:
                for doc in documents:
                    copy.write_row([doc[name] for name in names])
            cursor.execute(
                f"INSERT INTO {table} ({columns}, search_vector) "  # noqa: S608 - names from the model
                f"SELECT {columns}, to_tsvector('arabic', text) FROM search_rebuild_batch "
                f"ON CONFLICT (kind, object_id) DO UPDATE SET {updates}, "
                "search_vector = EXCLUDED.search_vector"
            )
            self._remember_words(cursor, documents)

    def _rebuilding(self) -> bool:
        """Whether a rebuild table is being filled (PostgreSQL)."""
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.REBUILD_TABLE])
            return cursor.fetchone()[0]

    def _switch(self) -> None:
        """Give the rebuild table the index's keys and indexes, under temporary names, then
        put it in the index's place, with the index's names, in one transaction."""
        table = SubmissionEntry._meta.db_table
        new = self.REBUILD_TABLE
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY conname",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                "ORDER BY i.relname",
                [table],
            )
            indexes = cursor.fetchall()
            for name, definition in constraints:
                cursor.execute(f'ALTER TABLE {new} ADD CONSTRAINT "{name}_r" {definition}')
            # Changes indexed meanwhile are upserted on the submission's key from now on.
            cursor.execute(f"DROP INDEX {new}_submission")
            for name, definition in indexes:
                head, on, rest = definition.partition(" ON ")
                relation, using, columns = rest.partition(" USING ")
                if not on or not using or relation.rsplit(".", 1)[-1] != table:
                    raise ValueError(f"unexpected index definition: {definition}")
                head = head.replace(f"INDEX {name}", f'INDEX "{name}_r"', 1)
                cursor.execute(f"{head} ON {new} USING {columns}")
            with transaction.atomic():
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, 'id'), pg_get_serial_sequence(%s, 'id')",
                    [table, new],
                )
                old_sequence, new_sequence = cursor.fetchone()
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
                if old_sequence and new_sequence:
                    name = old_sequence.rsplit(".", 1)[-1]
                    cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {name}")
                for name, _definition in constraints + indexes:
                    cursor.execute(f'ALTER INDEX "{name}_r" RENAME TO "{name}"')
            cursor.execute(f"ANALYZE {table}")

    def _remember_engine(self, entries) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_submission_fts (rowid, name, text, site) "
                "VALUES (%s, %s, %s, %s)",
                [(e.pk, e.name, e.text, site_token(e.site_id)) for e in entries],
            )

    def _forget_engine(self, entry_ids: list[int]) -> None:
        if entry_ids and connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany(
                    "DELETE FROM search_submission_fts WHERE rowid = %s", [(i,) for i in entry_ids]
                )

    def remove(self, kind: str, object_ids: list[int]) -> None:
        entries = SubmissionEntry.objects.filter(kind=kind, object_id__in=object_ids)
        self._forget_engine(list(entries.values_list("pk", flat=True)))
        entries.delete()
        if self._rebuilding():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {self.REBUILD_TABLE} "  # noqa: S608 - a constant
                    "WHERE kind = %s AND object_id = ANY(%s::bigint[])",
                    [kind, list(object_ids)],
                )

    def count(self, kind: str) -> int:
        return SubmissionEntry.objects.filter(kind=kind).count()

    def rebuild_finish(self, target: str, kinds_ids: dict[str, set[int]] | None = None) -> None:
        if target == self.REBUILD_TABLE:
            self._switch()
        for kind, ids in (kinds_ids or {}).items():
            stale = set(
                SubmissionEntry.objects.filter(kind=kind).values_list("object_id", flat=True)
            ).difference(ids)
            if stale:
                self.remove(kind, list(stale))
        self.prune()

    # -- searching --

    def _filtered(self, query: SubmissionQuery):
        # Within one association, always: no association, no entries.
        entries = SubmissionEntry.objects.filter(site_id=query.site_id, kind__in=query.kinds)
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

    def _scored(self, entries, parsed: ParsedText, site_id: int | None):
        """(entries narrowed to the matches, None when unranked, else the matches as rows of
        (score, *_RANKED), at most MAX_CANDIDATES). The words are looked up in the
        association's own words and rows only (`site_id`, the one `entries` are of)."""
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
            return self._scored_postgresql(entries, parsed, site_id)
        return self._scored_sqlite(entries, parsed, site_id)

    def _scored_postgresql(self, entries, parsed: ParsedText, site_id: int | None):
        groups = self._corrected(parsed, site_id)
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
        raw = " & ".join("(" + " | ".join(group) + ")" for group in groups)
        return SearchQuery(raw, config="arabic", search_type="raw")

    @staticmethod
    def _corrected(parsed: ParsedText, site_id: int | None) -> list[list[str]] | None:
        """The query's words, each word no entry of the association holds replaced by the
        association's words it may be the start or a misspelling of (search.index.words, which
        the Elasticsearch backend reads too); None when such a word looks like none of them."""
        return corrected_groups(parsed, site_id)

    def prune(self) -> int:
        """Forget vocabulary words no entry holds any more (after erasures and retention);
        returns how many. PostgreSQL only: SQLite searches its trigram table directly."""
        if connection.vendor != "postgresql":
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH gone AS (SELECT site_id, word FROM search_submission_words EXCEPT "
                "SELECT site_id, word FROM search_submissionentry, "
                "regexp_split_to_table(text, '\\s+') AS word) "
                "DELETE FROM search_submission_words AS w USING gone "
                "WHERE w.site_id = gone.site_id AND w.word = gone.word"
            )
            return cursor.rowcount

    def _scored_sqlite(self, entries, parsed: ParsedText, site_id: int | None):
        """FTS5 (trigram tokenizer): every word must match one of its variants. When nothing
        does and a word matches nothing at all, that word may be misspelt: it then matches the
        indexed words that look like it (trigram similarity, as pg_trgm measures it). Every
        MATCH is within the association (its column in the FTS table), so whether a word is
        known, what it may be a misspelling of, and the candidates' limits are its own."""
        pairs = [
            ([v for v in group if len(v) >= 3], spellings)
            for group, spellings in zip(parsed.words, parsed.spellings, strict=True)
        ]
        pairs = [(group, spellings) for group, spellings in pairs if group]
        groups = [group for group, _spellings in pairs]
        scores: dict[int, float] = {}
        with connection.cursor() as cursor:
            if groups:
                scores = self._fts(cursor, site_id, groups, MAX_CANDIDATES)
            if groups and not scores:
                unknown = [pair for pair in pairs if not self._fts(cursor, site_id, [pair[0]], 1)]
                known = [group for group, spellings in pairs if (group, spellings) not in unknown]
                if unknown:
                    found = (
                        self._fts(cursor, site_id, known, MAX_CANDIDATES * 20) if known else None
                    )
                    for _group, spellings in unknown:
                        similar = self._similar_sqlite(cursor, site_id, spellings)
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
        # Scored as on PostgreSQL and Elasticsearch, by the name's words, plus how much a
        # misspelt word looks like the match's words when one was.
        return matched, [
            (name_score(name, parsed.words) + scores.get(row[0], 0.0), *row)
            for name, *row in matched.values_list("name", *self._RANKED)
        ]

    @staticmethod
    def _fts(cursor, site_id: int | None, groups: list[list[str]], limit: int) -> dict[int, float]:
        """{rowid: 0.0} of the association's newest rows (at most `limit`) where every group
        matches one of its variants. No bm25(): its word statistics are the whole table's, so
        another association's rows would move this one's scores and which rows make the limit;
        the matches are scored by their names afterwards, as on the other backends."""
        expression = " AND ".join(
            "(" + " OR ".join(f'"{v}"' for v in group) + ")" for group in groups
        )
        cursor.execute(
            "SELECT rowid FROM search_submission_fts "
            "WHERE search_submission_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
            [f'{{name text}} : ({expression}) AND site : "{site_token(site_id)}"', limit],
        )
        return {rowid: 0.0 for (rowid,) in cursor.fetchall()}

    @staticmethod
    def _similar_sqlite(cursor, site_id: int | None, group: list[str]) -> dict[int, float]:
        """{rowid: similarity} of the association's rows holding a word at least SIMILAR_WORD
        like one of the group's variants: candidates share a three-letter piece, then are
        measured. Another association's rows are never read (nor use up the limit)."""
        pieces = sorted({v[i : i + 3] for v in group for i in range(len(v) - 2)})
        cursor.execute(
            "SELECT rowid, text FROM search_submission_fts WHERE search_submission_fts MATCH %s "
            "LIMIT %s",
            [
                "text : (" + " OR ".join(f'"{p}"' for p in pieces) + ")"
                f' AND site : "{site_token(site_id)}"',
                MAX_CANDIDATES * 5,
            ],
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
        entries, ranked = self._scored(self._filtered(query), parsed, query.site_id)
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
            by_pk = {e.pk: e for e in SubmissionEntry.objects.filter(pk__in=page_ids)}
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
