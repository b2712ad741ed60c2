"""Background tasks of the portal: housekeeping of the task queue itself."""

import datetime as dt

from django_tasks import task

from django.utils import timezone

FINISHED_RESULTS_KEPT_DAYS = 7


@task()
def prune_task_results() -> int:
    """Forget finished task results older than a week (each filing leaves one or two)."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=FINISHED_RESULTS_KEPT_DAYS)
    deleted, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
