"""Following the database: every change of a submission is marked pending in the transaction
that makes it, and a task indexes what is pending after the commit. When the search backend is
down the rows stay pending, with the error, until the next attempt, the daily sweep or a
rebuild; nothing is lost."""

from django.utils import timezone

from portal.core.tasks import enqueue_after_commit
from search.models import SearchPending


def mark_pending(kind: str, object_id: int) -> None:
    """Called in the transaction that saves or deletes the submission; the index follows the
    commit (a submission no longer in the database is removed from the index)."""
    # search.tasks imports the indexing service, which reaches this module through the
    # registry: the task is imported on use to break that cycle.
    from search.tasks import index_pending_submissions

    # one statement (INSERT … ON CONFLICT DO UPDATE): filing is a hot path
    SearchPending.objects.bulk_create(
        [SearchPending(kind=kind, object_id=object_id, since=timezone.now())],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["since", "attempts", "last_error"],
    )
    # a run already waiting will index this change too; if none can be queued, the pending
    # rows stay for the next change or the periodic catch-up
    enqueue_after_commit(index_pending_submissions)
