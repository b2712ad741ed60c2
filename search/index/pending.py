"""Following the database: every change of a submission is marked pending in the transaction
that makes it, and a task indexes what is pending after the commit. When the search backend is
down the rows stay pending, with the error, until the next attempt, the daily sweep or a
rebuild; nothing is lost."""

import logging

from django.db import transaction
from django.utils import timezone

from portal.core.tasks import enqueue_unless_waiting
from search.models import SearchPending

logger = logging.getLogger(__name__)


def mark_pending(kind: str, object_id: int) -> None:
    """Called in the transaction that saves or deletes the submission; the index follows the
    commit (a submission no longer in the database is removed from the index)."""
    # one statement (INSERT … ON CONFLICT DO UPDATE): filing is a hot path
    SearchPending.objects.bulk_create(
        [SearchPending(kind=kind, object_id=object_id, since=timezone.now())],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["since", "attempts", "last_error"],
    )
    transaction.on_commit(_enqueue_pending)


def _enqueue_pending() -> None:
    # search.tasks imports the indexing service, which reaches this module through the
    # registry: the task is imported on use to break that cycle.
    from search.tasks import index_pending_submissions

    try:
        # a run already waiting will index this change too
        enqueue_unless_waiting(index_pending_submissions)
    except Exception:  # noqa: BLE001 - the pending rows stay; the next change or sweep retries
        logger.warning("could not queue submission indexing", exc_info=True)
