"""Queueing work that looks at rows, not at its arguments: one waiting run is enough."""

from django_tasks_db import DatabaseBackend


def enqueue_unless_waiting(task) -> None:
    """Queue `task` (it takes no arguments) unless a run of it is already waiting in the
    database queue. Catch-up tasks (index what is pending, send what is due) read the rows when
    they run, so a waiting run covers whatever was committed before it starts; a burst of
    filings then costs the worker one run instead of one run each."""
    if isinstance(task.get_backend(), DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.ready().filter(
            backend_name=task.backend, task_path=task.module_path
        )
        if waiting.exists():
            return
    task.enqueue()
