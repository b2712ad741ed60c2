"""Run a task worker that survives database and Redis restarts and runs the periodic work."""

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from portal.worker import HealingWorker


class Command(BaseCommand):
    help = (
        "Run the background task worker: queued tasks (messages, search indexing, cache "
        "purges) and the periodic work of settings.PERIODIC_TASKS. Never exits on a lost "
        "database connection; stops on SIGTERM after the task at hand."
    )
    # The database may be down when the worker starts: it waits for it instead of failing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="Queues to run, comma-separated")
        parser.add_argument("--interval", type=float, default=0.2, help="Seconds between polls")
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not queue the periodic work"
        )
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty")

    def handle(self, *args, queue_name, interval, no_schedule, max_tasks, batch, **options):
        worker = HealingWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
            run_schedule=not no_schedule,
        )
        worker.configure_signals()
        worker.run()
