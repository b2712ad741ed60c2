"""Submission search for the apps: search what a user may see (kinds they have no right to are
never searched or counted), index what is pending, and report the index's health."""

import functools
import logging
import operator

from django.db.models import F, Q
from django.utils import timezone

from wagtail.models import Site

from portal.core.associations import association, current_or_default_site
from search.index.base import get_backend
from search.index.query import FACETS, MAX_CANDIDATES, SubmissionQuery, SubmissionResults
from search.index.registry import indexed, indexed_kinds
from search.models import IndexRebuild, SearchPending

logger = logging.getLogger(__name__)
DELETE_BATCH = 200  # pending rows removed per statement (SQLite limits a statement's depth)


def index_pending(*, limit: int = 500) -> tuple[int, int]:
    """Index what is pending. Returns (indexed, still pending). A failing backend leaves the
    rows pending with the error; nothing is lost."""
    backend = get_backend()
    done = failed = 0
    pending = list(SearchPending.objects.order_by("since")[:limit])
    for kind in map(indexed, indexed_kinds()):
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
        # Remove only rows not changed again while indexing: one statement for many rows.
        for start in range(0, len(rows), DELETE_BATCH):
            unchanged = (
                Q(pk=row.pk, since=row.since) for row in rows[start : start + DELETE_BATCH]
            )
            SearchPending.objects.filter(functools.reduce(operator.or_, unchanged)).delete()
        done += len(rows)
    return done, SearchPending.objects.count()


def allowed_kinds(user) -> tuple[str, ...]:
    """The kinds this user may see."""
    return tuple(slug for slug in indexed_kinds() if indexed(slug).visible_to(user))


def search_submissions(
    user,
    *,
    text: str = "",
    kinds=None,
    filters=None,
    page: int = 1,
    per_page: int = 20,
    site_id: int | None = None,
) -> SubmissionResults:
    """Search what this user may see in one association — the current one unless `site_id`
    names it — (all kinds unless `kinds` narrows them): kinds they have no right to there are
    never searched or counted, nor is anything of another association."""
    site = current_or_default_site() if site_id is None else Site.objects.filter(pk=site_id).first()
    site_id = site.pk if site else None
    with association(site):  # the user's roles in that association
        allowed = allowed_kinds(user)
    visible = tuple(kind for kind in (kinds or allowed) if kind in allowed)
    if not visible or site_id is None:
        return SubmissionResults(total=0, hits=[], facets={facet: [] for facet in FACETS})
    return get_backend().search(
        SubmissionQuery(
            text=text,
            kinds=visible,
            filters=filters or {},
            page=page,
            per_page=per_page,
            site_id=site_id,
        )
    )


def matching_ids(user, kind: str, text: str, *, site_id: int | None = None) -> list[int]:
    """The ids of this kind that match `text` in one association (best first, at most
    MAX_CANDIDATES): what the inbox list and the staff API filter on."""
    results = search_submissions(
        user, text=text, kinds=(kind,), per_page=MAX_CANDIDATES, site_id=site_id
    )
    return results.ids(kind)


def health() -> dict:
    """The backend, documents in the index against rows in the database, and the lag."""
    backend = get_backend()
    report = {"backend": backend.name, "kinds": {}}
    for kind in map(indexed, indexed_kinds()):
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
