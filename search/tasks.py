"""Background tasks of submission search."""

from django_tasks import task


@task()
def index_pending_submissions() -> list[int]:
    from search.index.database import index_pending

    return list(index_pending())


@task()
def prune_submission_words() -> int:
    """Forget index words no submission holds any more (after erasures and retention)."""
    from search.index.database import get_backend

    return get_backend().prune()
