"""Queueing work that looks at rows, not at its arguments: one waiting run is enough."""

import logging

from django_tasks_db import DatabaseBackend

from portal.core.commit import gather_after_commit

logger = logging.getLogger(__name__)


def enqueue_unless_waiting(*tasks) -> None:
    """Queue each of `tasks` (they take no arguments) unless a run of it is already waiting in
    the database queue. Catch-up tasks (index what is pending, send what is due) read the rows
    when they run, so a waiting run covers whatever was committed before it starts; a burst of
    filings then costs the worker one run instead of one run each. One look at the queue
    serves every task given. A task that cannot be queued is logged and left to its periodic
    run (the rows it would read stay where they are); the others are still queued."""
    waiting: set[tuple[str, str]] = set()
    in_database = [task for task in tasks if isinstance(task.get_backend(), DatabaseBackend)]
    if in_database:
        from django_tasks_db.models import DBTaskResult

        waiting = set(
            DBTaskResult.objects.ready()
            .filter(
                backend_name__in={task.backend for task in in_database},
                task_path__in={task.module_path for task in in_database},
            )
            .values_list("backend_name", "task_path")
        )
    for task in tasks:
        if (task.backend, task.module_path) in waiting:
            continue
        try:
            task.enqueue()
        except Exception:  # noqa: BLE001 - the rows stay; the task's periodic run catches up
            logger.warning("could not queue %s; its periodic run will", task.module_path)


def enqueue_after_commit(task) -> None:
    """Queue `task` (see `enqueue_unless_waiting`) once the current transaction commits (at once
    outside one). The tasks one transaction asks for are queued together after its commit, with
    one look at the queue; a rolled-back transaction queues nothing."""
    gather_after_commit(_enqueue_gathered, {task.module_path: task})


def _enqueue_gathered(tasks: dict) -> None:
    enqueue_unless_waiting(*tasks.values())
