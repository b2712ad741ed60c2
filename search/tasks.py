"""Background tasks of submission search. Their paths (`search.tasks.*`) are stored with every
queued task: keep them."""

from django_tasks import task

from search.index.base import get_backend
from search.index.service import index_pending


@task()
def index_pending_submissions() -> list[int]:
    return list(index_pending())


@task()
def prune_submission_words() -> int:
    """Forget index words no submission holds any more (after erasures and retention)."""
    return get_backend().prune()
