"""Background tasks of submission search."""

from django_tasks import task


@task()
def index_pending_submissions() -> list[int]:
    from search.submissions import index_pending

    return list(index_pending())
