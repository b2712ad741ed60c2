"""Periodic work without cron: the task workers queue each entry of settings.PERIODIC_TASKS
when it is due. The due time is a database row locked by the worker that queues the task, in
the same transaction as the task itself, so an entry runs once however many workers there are
and whenever they restart."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    name: str
    task: str  # dotted path of a django-tasks task
    every: int | None = None  # seconds
    at: dt.time | None = None  # daily, local time

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        if self.every:
            return moment + dt.timedelta(seconds=self.every)
        local = timezone.localtime(moment)
        due = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        if due <= local:
            due += dt.timedelta(days=1)
        return due


def entries() -> list[Entry]:
    found = []
    for name, spec in settings.PERIODIC_TASKS.items():
        if bool(spec.get("every")) == bool(spec.get("at")):
            raise ValueError(f"periodic task {name}: give either `every` or `at`")
        at = dt.time.fromisoformat(spec["at"]) if spec.get("at") else None
        found.append(Entry(name=name, task=spec["task"], every=spec.get("every"), at=at))
    return found


def run_due(*, now: dt.datetime | None = None) -> list[str]:
    """Queue every entry that is due; returns the names queued by this call."""
    now = now or timezone.now()
    queued = []
    for entry in entries():
        if _queue_if_due(entry, now):
            queued.append(entry.name)
    return queued


def _queue_if_due(entry: Entry, now: dt.datetime) -> bool:
    # get_or_create survives two workers creating the row at once (it reads the winner's).
    ScheduledRun.objects.get_or_create(
        name=entry.name, defaults={"next_run_at": entry.next_after(now) if entry.at else now}
    )
    with transaction.atomic():
        run = (
            ScheduledRun.objects.select_for_update(skip_locked=True)
            .filter(name=entry.name, next_run_at__lte=now)
            .first()
        )
        if run is None:
            return False  # not due, or another worker is queueing it right now
        import_string(entry.task).enqueue()
        run.last_run_at = now
        run.next_run_at = entry.next_after(now)
        run.save(update_fields=["last_run_at", "next_run_at"])
    logger.info("periodic task queued: %s", entry.name)
    return True
