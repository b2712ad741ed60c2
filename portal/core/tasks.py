"""Queueing work that looks at rows, not at its arguments: one waiting run is enough.

Catch-up tasks (index what is pending, send what is due) read the rows when they run, so a run
that has not started yet covers whatever is committed before it starts. Such a run is queued to
start `settings.CATCH_UP_DELAY_SECONDS` after it is asked for: the changes of that moment
gather behind it, and a burst of filings costs the worker one run a second instead of one run
each. Each process also remembers, until shortly before it starts, the run it knows is
waiting, so the changes it commits meanwhile do not even look at the queue."""

import datetime as dt
import logging
import threading
import time

from django_tasks_db import DatabaseBackend

from django.conf import settings
from django.utils import timezone

from portal.core.commit import gather_after_commit

logger = logging.getLogger(__name__)

# A remembered run is trusted until this long before its start: room for the clocks of the
# process and of the worker to disagree a little. (A run that started earlier than expected
# covers nothing committed after its start; the task's periodic run sends or indexes that.)
CLOCK_MARGIN = dt.timedelta(milliseconds=250)


class _WaitingRuns:
    """This process's memory of the runs it knows are waiting: (backend, task) → the monotonic
    time until which a commit is sure to come before the run starts."""

    def __init__(self):
        self._until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def known(self, key: tuple[str, str]) -> bool:
        return self._until.get(key, 0.0) > time.monotonic()

    def remember(self, key: tuple[str, str], run_after: dt.datetime | None) -> None:
        """`run_after`: when the waiting run may start (None: at once, nothing to remember)."""
        if run_after is None:
            return
        left = (run_after - CLOCK_MARGIN - timezone.now()).total_seconds()
        if left <= 0:
            return
        until = time.monotonic() + left
        with self._lock:
            self._until[key] = max(until, self._until.get(key, 0.0))

    def forget(self) -> None:
        with self._lock:
            self._until.clear()


waiting_runs = _WaitingRuns()


def _key(task) -> tuple[str, str]:
    return task.backend, task.module_path


def enqueue_unless_waiting(*tasks) -> None:
    """Queue each of `tasks` (they take no arguments) unless a run of it is already waiting in
    the database queue. One look at the queue serves every task given, and none is needed for a
    run this process knows is waiting. A new run starts `settings.CATCH_UP_DELAY_SECONDS` from
    now where the backend can defer (the database queue), at once elsewhere. A task that cannot
    be queued is logged and left to its periodic run (the rows it would read stay where they
    are); the others are still queued."""
    tasks = [task for task in tasks if not waiting_runs.known(_key(task))]
    in_database = [task for task in tasks if isinstance(task.get_backend(), DatabaseBackend)]
    waiting: set[tuple[str, str]] = set()
    if in_database:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult, get_date_max

        # Ready to run, now or later: a deferred run that has not started covers these rows.
        rows = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            backend_name__in={task.backend for task in in_database},
            task_path__in={task.module_path for task in in_database},
        ).values_list("backend_name", "task_path", "run_after")
        never = get_date_max()
        for backend_name, task_path, run_after in rows:
            waiting.add((backend_name, task_path))
            waiting_runs.remember(
                (backend_name, task_path), None if run_after == never else run_after
            )
    delay = dt.timedelta(seconds=settings.CATCH_UP_DELAY_SECONDS)
    for task in tasks:
        if _key(task) in waiting:
            continue
        deferred = task
        if delay and task.get_backend().supports_defer:
            deferred = task.using(run_after=timezone.now() + delay)
        try:
            deferred.enqueue()
        except Exception:  # noqa: BLE001 - the rows stay; the task's periodic run catches up
            logger.warning("could not queue %s; its periodic run will", task.module_path)
            continue
        if deferred is not task:
            waiting_runs.remember(_key(task), deferred.run_after)


def enqueue_after_commit(task) -> None:
    """Queue `task` (see `enqueue_unless_waiting`) once the current transaction commits (at once
    outside one). The tasks one transaction asks for are queued together after its commit, with
    one look at the queue at most; a rolled-back transaction queues nothing."""
    gather_after_commit(_enqueue_gathered, {task.module_path: task})


def _enqueue_gathered(tasks: dict) -> None:
    enqueue_unless_waiting(*tasks.values())
