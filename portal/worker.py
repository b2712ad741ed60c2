"""The task worker that heals: django-tasks-db's worker, kept running through database and
Redis restarts, and running the periodic work (portal.schedule).

A lost connection is never a reason to exit: the worker closes its connections, waits with
exponential back-off and jitter, and tries again. A task whose outcome could not be written
because the connection dropped under it is marked failed once the database is back; the work
it stood for is picked up again by the sweeps (notifications, search index), which look at the
rows themselves, never at task results.
"""

import contextlib
import logging
import random
import time

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from django.db import Error as DatabaseError
from django.db import OperationalError, close_old_connections, connections

from portal import schedule

logger = logging.getLogger("sila.worker")


class Backoff:
    """0.5 s, 1 s, 2 s, … up to `maximum`, each with up to 50 % jitter."""

    def __init__(self, *, initial: float = 0.5, maximum: float = 30.0):
        self.initial = initial
        self.maximum = maximum
        self.failures = 0

    def next_delay(self) -> float:
        delay = min(self.maximum, self.initial * 2**self.failures)
        self.failures += 1
        return delay * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security

    def reset(self) -> None:
        self.failures = 0


class HealingWorker(Worker):
    schedule_every = 1.0  # seconds between two looks at the periodic work

    def __init__(self, *, run_schedule: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.run_schedule = run_schedule
        self.backoff = Backoff()
        self._next_schedule = 0.0
        self._lost_task = False

    def run(self) -> None:
        logger.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        while self.running:
            try:
                if self._lost_task:
                    self.fail_lost_tasks()
                self.tick_schedule()
                ran = self.run_one()
            except DatabaseError as error:
                if isinstance(error, OperationalError) and is_locked_database_exception(error):
                    ran = False
                elif self.batch:
                    raise  # a one-off run reports the error; the long-running worker waits
                else:
                    self.wait_for_database(error)
                    continue
            self.backoff.reset()
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.batch and not ran:
                return
            if self.running and not ran:
                time.sleep(self.interval)

    def run_one(self) -> bool:
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is None:
            return False
        self._lost_task = True  # until its outcome is written
        self.run_task(task_result)
        self._lost_task = False
        return True

    def tick_schedule(self) -> None:
        if not self.run_schedule or time.monotonic() < self._next_schedule:
            return
        schedule.run_due()
        self._next_schedule = time.monotonic() + self.schedule_every

    def fail_lost_tasks(self) -> None:
        """Tasks this worker claimed but could not finish writing: mark them failed."""
        lost = [r for r in DBTaskResult.objects.running() if self.worker_id in r.worker_ids]
        for result in lost:
            result.set_failed(ConnectionError("the worker lost its database connection"))
        self._lost_task = False
        if lost:
            logger.warning("marked %s interrupted task(s) as failed", len(lost))

    def wait_for_database(self, error: Exception) -> None:
        delay = self.backoff.next_delay()
        logger.warning("database unavailable (%s); retrying in %.1fs", type(error).__name__, delay)
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(DatabaseError):
                connection.close()
        deadline = time.monotonic() + delay
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))
