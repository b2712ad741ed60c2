"""Following the database: every change of a submission is marked pending in the transaction
that makes it, and a task indexes what is pending after the commit. When the search backend is
down the rows stay pending, with the error, until the next attempt, the daily sweep or a
rebuild; nothing is lost."""

from django.utils import timezone

from portal.core.tasks import enqueue_after_commit
from search.models import SearchPending

# Marking a submission already marked moves its mark to now and clears its failures.
PENDING_UPSERT = (("kind", "object_id"), ("since", "attempts", "last_error"))


def pending_row(kind: str, object_id: int | None = None) -> SearchPending:
    """The mark of `mark_pending`, not yet saved: for a writer that inserts it in its own
    statement (then `pending_written()`), with PENDING_UPSERT as its conflict rule."""
    return SearchPending(kind=kind, object_id=object_id, since=timezone.now())


def pending_written() -> None:
    """A mark was written in the current transaction: index it after the commit. A run
    already waiting will index it too; if none can be queued, the pending rows stay for the
    next change or the periodic catch-up."""
    # search.tasks imports the indexing service, which reaches this module through the
    # registry: the task is imported on use to break that cycle.
    from search.tasks import index_pending_submissions

    enqueue_after_commit(index_pending_submissions)


def mark_pending(kind: str, object_id: int) -> None:
    """Called in the transaction that saves or deletes the submission; the index follows the
    commit (a submission no longer in the database is removed from the index)."""
    # one statement (INSERT … ON CONFLICT DO UPDATE): filing is a hot path
    unique, update = PENDING_UPSERT
    SearchPending.objects.bulk_create(
        [pending_row(kind, object_id)],
        update_conflicts=True,
        unique_fields=list(unique),
        update_fields=list(update),
    )
    pending_written()
