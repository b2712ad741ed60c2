"""Queueing work that looks at rows, not at its arguments: one waiting run is enough."""

import logging

from django_tasks_db import DatabaseBackend

from django.db import transaction

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
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        enqueue_unless_waiting(task)
        return
    wanted = getattr(connection, "sila_tasks_after_commit", None)
    registered = any(func is _enqueue_wanted for _sids, func, _robust in connection.run_on_commit)
    if wanted is not None and registered:
        wanted.setdefault(task.module_path, task)
        return
    connection.sila_tasks_after_commit = {task.module_path: task}
    # robust: nothing after the commit turns a committed change into an error answer
    transaction.on_commit(_enqueue_wanted, robust=True)


def _enqueue_wanted() -> None:
    connection = transaction.get_connection()
    wanted, connection.sila_tasks_after_commit = connection.sila_tasks_after_commit, None
    enqueue_unless_waiting(*wanted.values())
