"""Searching submissions (help requests and volunteer applications) for staff.

One interface, two backends chosen by settings (`SUBMISSION_SEARCH_BACKEND`):

- `search.submissions.DatabaseBackend` (the default): an index table in the project's own
  database — SQLite FTS5 with the trigram tokenizer, or PostgreSQL full-text search with the
  `arabic` configuration plus `pg_trgm` for names and numbers;
- `search.elastic.ElasticsearchBackend`: Elasticsearch through the Elasticsearch DSL.

Both index and query text normalised by `search.arabic`, and answer in the same shape. The
database is the source of truth: every change of a submission marks it pending in the same
transaction; a task indexes pending submissions after the commit, and whatever failed stays
pending until the next attempt or `manage.py rebuild_submission_index`.

`search_submissions(user, ...)` applies the inbox's permissions before anything is counted, so
a role never sees another kind of submission, not even in a facet.
"""

import dataclasses
import logging
import re
from collections import Counter
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.dates import to_ascii_digits
from search import arabic

logger = logging.getLogger(__name__)

KINDS = ("help", "volunteer")
FACETS = ("status", "support_type", "channel", "city")
REFERENCE = re.compile(r"^(HR|VA)-\d{4}-\d{6}$", re.IGNORECASE)
MAX_CANDIDATES = 1000
SMALL_RESULT = 20_000


# --- what is indexed -------------------------------------------------------------------------


def local_phone(value: str) -> str:
    """Digits of a Saudi mobile however written (+966 55…, 0096655…, 055…, Arabic-Indic
    digits) as the nine local digits 5XXXXXXXX; other numbers are returned as digits."""
    digits = "".join(ch for ch in to_ascii_digits(value or "") if ch.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("966"):
        digits = digits[3:]
    return digits.lstrip("0") if digits.startswith("05") or digits.startswith("0") else digits


def name_words(name: str) -> list[str]:
    """A name's normalised words with عبد / ابو joined to the word after them (عبد الله and
    عبدالله are one word) and the article dropped from family names (الحربي = حربي)."""
    words = arabic.tokens(name)
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in ("عبد", "ابو", "ام"):
            joined[-1] = joined[-1] + word
        else:
            joined.append(word)
    return [
        word[2:] if word.startswith("ال") and len(word) > 4 else word
        for word in joined
        if word not in ("بن", "بنت")
    ]


def document(submission) -> dict:
    """The index entry of one submission: only what staff search and filter on."""
    from forms.models import HelpRequest

    is_help = isinstance(submission, HelpRequest)
    name = " ".join(name_words(submission.full_name))
    free_text = (
        [submission.district, submission.city, submission.description]
        if is_help
        else [submission.city, submission.skills, submission.interests]
    )
    return {
        "kind": "help" if is_help else "volunteer",
        "object_id": submission.pk,
        "reference": submission.reference,
        "national_id": submission.national_id,
        "phone": local_phone(submission.mobile),
        "name": name,
        # The name as written (normalised) and every stem, so both spellings meet.
        "text": " ".join([name, arabic.index_text(submission.full_name, *free_text)]).strip(),
        "status": submission.status,
        "support_type_id": submission.support_type_id if is_help else None,
        "channel": submission.channel,
        "city": submission.city,
        "assignee_id": submission.assignee_id,
        "submitted_at": submission.submitted_at,
    }


# --- the query and the answer -------------------------------------------------------------------


@dataclasses.dataclass
class SubmissionQuery:
    text: str = ""
    kinds: tuple[str, ...] = KINDS
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


@dataclasses.dataclass
class ParsedText:
    """What a staff query means: a reference, numbers (phone, ID, partial), and words."""

    reference: str = ""
    digits: str = ""
    words: list[list[str]] = dataclasses.field(default_factory=list)  # variants per word
    names: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> "ParsedText":
        text = to_ascii_digits((text or "").strip())
        if REFERENCE.match(text):
            return cls(reference=text.upper())
        digits = "".join(ch for ch in text if ch.isdigit())
        letters = re.sub(r"[\d+\-\s()]", "", text)
        if digits and not letters:
            return cls(digits=digits)
        return cls(words=arabic.term_groups(text), names=name_words(text))

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


# --- the database backend --------------------------------------------------------------------


class DatabaseBackend(Backend):
    name = "database"

    def _entries(self):
        from search.models import SubmissionEntry

        return SubmissionEntry.objects

    def index(self, documents: list[dict]) -> None:
        from search.models import SubmissionEntry

        if not documents:
            return
        with transaction.atomic():
            for doc in documents:
                entry, _ = SubmissionEntry.objects.update_or_create(
                    kind=doc["kind"], object_id=doc["object_id"], defaults=doc
                )
                self._sync_engine(entry)

    def _sync_engine(self, entry) -> None:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchVector

            type(entry).objects.filter(pk=entry.pk).update(
                search_vector=SearchVector("text", config="arabic")
            )
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_submission_fts WHERE rowid = %s", [entry.pk])
                cursor.execute(
                    "INSERT INTO search_submission_fts (rowid, name, text) VALUES (%s, %s, %s)",
                    [entry.pk, entry.name, entry.text],
                )

    def bulk_index(self, documents: list[dict]) -> None:
        """Fast path for rebuilds: one delete and one insert per batch."""
        from search.models import SubmissionEntry

        if not documents:
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
            if connection.vendor == "postgresql":
                from django.contrib.postgres.search import SearchVector

                SubmissionEntry.objects.filter(pk__in=[e.pk for e in created]).update(
                    search_vector=SearchVector("text", config="arabic")
                )
            elif connection.vendor == "sqlite":
                if not created or created[0].pk is None:
                    created = list(
                        SubmissionEntry.objects.filter(
                            reference__in=[d["reference"] for d in documents]
                        )
                    )
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO search_submission_fts (rowid, name, text) VALUES (%s, %s, %s)",
                        [(e.pk, e.name, e.text) for e in created],
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

    def _scored(self, entries, parsed: ParsedText):
        """(entries narrowed to the matches, {entry id: score} or None when unranked)."""
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
        from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

        # Every word (one of its stems), each also as the start of a longer word.
        raw = " & ".join(
            "(" + " | ".join(f"{variant}:*" for variant in group) + ")" for group in parsed.words
        )
        tsquery = SearchQuery(raw, config="arabic", search_type="raw")
        # Rank only the newest matches: a common name can match thousands of requests.
        newest = (
            entries.filter(search_vector=tsquery)
            .order_by("-submitted_at")
            .values_list("pk", flat=True)[:MAX_CANDIDATES]
        )
        rows = list(
            entries.model.objects.filter(pk__in=list(newest))
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .values_list("pk", "rank")
        )
        name_text = " ".join(parsed.names)
        if not rows and name_text and self._some_word_unknown(entries, parsed):
            # A word matched nothing at all, so it may be misspelt: names that look alike,
            # by trigrams. (When every word is known, the combination simply does not exist.)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.4")
                rows = list(
                    entries.filter(name__trigram_word_similar=name_text)
                    .annotate(rank=TrigramWordSimilarity(name_text, "name"))
                    .order_by("-rank", "-submitted_at")
                    .values_list("pk", "rank")[:MAX_CANDIDATES]
                )
        scores = dict(rows)
        return entries.filter(pk__in=list(scores)), scores

    @staticmethod
    def _some_word_unknown(entries, parsed: ParsedText) -> bool:
        from django.contrib.postgres.search import SearchQuery

        for group in parsed.words:
            raw = " | ".join(f"{variant}:*" for variant in group)
            word = SearchQuery(raw, config="arabic", search_type="raw")
            if not entries.filter(search_vector=word).exists():
                return True
        return False

    def _scored_sqlite(self, entries, parsed: ParsedText):
        """FTS5 (trigram tokenizer): every word must match one of its variants; when nothing
        does, names sharing the most three-letter pieces with the query (misspellings)."""
        groups = [[v for v in group if len(v) >= 3] for group in parsed.words]
        groups = [g for g in groups if g]
        scores: dict[int, float] = {}
        with connection.cursor() as cursor:
            if groups:
                expression = " AND ".join(
                    "(" + " OR ".join(f'"{v}"' for v in group) + ")" for group in groups
                )
                cursor.execute(
                    "SELECT rowid, bm25(search_submission_fts) FROM search_submission_fts "
                    "WHERE search_submission_fts MATCH %s ORDER BY 2 LIMIT %s",
                    [expression, MAX_CANDIDATES],
                )
                scores = {rowid: -rank for rowid, rank in cursor.fetchall()}
            if not scores and parsed.names:
                pieces = sorted({w[i : i + 3] for w in parsed.names for i in range(len(w) - 2)})
                if pieces:
                    cursor.execute(
                        "SELECT rowid, name FROM search_submission_fts WHERE "
                        "search_submission_fts MATCH %s LIMIT %s",
                        [
                            "name : (" + " OR ".join(f'"{p}"' for p in pieces) + ")",
                            MAX_CANDIDATES * 5,
                        ],
                    )
                    wanted = set(pieces)
                    for rowid, name in cursor.fetchall():
                        own = {name[i : i + 3] for i in range(len(name) - 2)}
                        shared = len(wanted & own) / len(wanted)
                        if shared >= 0.4:
                            scores[rowid] = shared
        short = [group for group in parsed.words if all(len(v) < 3 for v in group)]
        matched = entries.filter(pk__in=list(scores))
        for group in short:  # two-letter words: plain containment
            condition = Q()
            for variant in group:
                condition |= Q(text__contains=variant)
            matched = (matched if scores else entries).filter(condition)
        return matched, scores or None

    def search(self, query: SubmissionQuery) -> SubmissionResults:
        parsed = ParsedText.parse(query.text)
        entries, scores = self._scored(self._filtered(query), parsed)
        # The total and the four facets from one grouped scan of the matches.
        fields = {
            "status": "status",
            "support_type": "support_type_id",
            "channel": "channel",
            "city": "city",
        }
        counters = {facet: Counter() for facet in fields}
        total = 0
        for row in entries.order_by().values(*fields.values()).annotate(n=Count("*")):
            total += row["n"]
            for facet, field in fields.items():
                if row[field] is not None:
                    counters[facet][str(row[field])] += row["n"]
        facets = {
            facet: sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:20]
            for facet, counter in counters.items()
        }
        if scores:
            ordered = sorted(
                entries.values_list("pk", "submitted_at"),
                key=lambda row: (-scores.get(row[0], 0), -row[1].timestamp()),
            )
            page_ids = [pk for pk, _at in ordered[query.offset : query.offset + query.per_page]]
            rows = {e.pk: e for e in self._entries().filter(pk__in=page_ids)}
            page = [rows[pk] for pk in page_ids]
        elif total <= SMALL_RESULT:
            # Few matches: order them from the covering index instead of walking the
            # newest-first index past every row that does not match.
            ordered = sorted(entries.values_list("submitted_at", "pk"), reverse=True)
            page_ids = [pk for _at, pk in ordered[query.offset : query.offset + query.per_page]]
            rows = {e.pk: e for e in self._entries().filter(pk__in=page_ids)}
            page = [rows[pk] for pk in page_ids]
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
                score=float((scores or {}).get(entry.pk, 0.0)),
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


def _model(kind: str):
    from forms.models import HelpRequest, VolunteerApplication

    return HelpRequest if kind == "help" else VolunteerApplication


def kind_of(submission) -> str:
    """ "help" or "volunteer", for a submission or its model."""
    from forms.models import HelpRequest

    model = submission if isinstance(submission, type) else type(submission)
    return "help" if issubclass(model, HelpRequest) else "volunteer"


def mark_pending(submission) -> None:
    """Called in the transaction that saves or deletes the submission; the index follows the
    commit (a submission no longer in the database is removed from the index)."""
    from search.models import SearchPending

    SearchPending.objects.update_or_create(
        kind=kind_of(submission),
        object_id=submission.pk,
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
    for kind in KINDS:
        rows = [row for row in pending if row.kind == kind]
        if not rows:
            continue
        objects = {
            obj.pk: obj for obj in _model(kind).objects.filter(pk__in=[r.object_id for r in rows])
        }
        try:
            present = [document(objects[r.object_id]) for r in rows if r.object_id in objects]
            backend.index(present)
            gone = [r.object_id for r in rows if r.object_id not in objects]
            if gone:
                backend.remove(kind, gone)
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
    """The kinds this user may see in the inbox."""
    kinds = []
    if user.has_perm("intake.view_helprequest"):
        kinds.append("help")
    if user.has_perm("intake.view_volunteerapplication"):
        kinds.append("volunteer")
    return tuple(kinds)


def search_submissions(
    user, *, text: str = "", kinds=KINDS, filters=None, page: int = 1, per_page: int = 20
) -> SubmissionResults:
    """Search what this user may see: kinds they have no right to are never searched or
    counted."""
    visible = tuple(kind for kind in kinds if kind in allowed_kinds(user))
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
    for kind in KINDS:
        try:
            indexed = backend.count(kind)
        except Exception as error:  # noqa: BLE001 - report an unreachable server, do not fail
            indexed = f"unavailable ({type(error).__name__})"
        report["kinds"][kind] = {
            "database": _model(kind).objects.count(),
            "index": indexed,
            "pending": SearchPending.objects.filter(kind=kind).count(),
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
