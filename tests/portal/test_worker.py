"""The worker heals: lost connections, the outbox sweep, receipts claimed once, the schedule."""

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest

from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from forms import sms
from forms.models import Notification
from forms.notifications import (
    ChannelBreaker,
    breaker,
    notification_deliver,
    notifications_retry_due,
)
from portal import schedule
from portal.models import ScheduledRun
from portal.worker import Backoff, HealingWorker
from tests.forms.helpers import help_form_data, saudi_id

pytestmark = pytest.mark.django_db


def api_filing(client, number: int):
    data = help_form_data(national_id=saudi_id(body=f"{number:08d}"))
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    return client.post("/api/v1/help-requests/", data, headers={"Idempotency-Key": f"k{number}"})


def test_a_filing_whose_receipt_cannot_be_queued_is_still_accepted_and_the_sweep_sends_it(
    client, home, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks.base import Task

    def broken_queue(*args, **kwargs):
        raise OperationalError("the database went away after the commit")

    monkeypatch.setattr(Task, "enqueue", broken_queue)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_filing(client, 1)
    assert response.status_code == 201
    reference = response.json()["reference"]
    assert sms.outbox == []
    assert Notification.objects.get(case_file__helprequest__reference=reference).status == "pending"
    sent, pending = notifications_retry_due()
    assert (sent, pending) == (1, 0)
    assert reference in sms.outbox[0]["message"]


def test_a_message_is_sent_once_when_the_task_and_the_sweep_both_take_it(home, client):
    sms.outbox.clear()
    response = api_filing(client, 2)
    notification = Notification.objects.get(
        case_file__helprequest__reference=response.json()["reference"]
    )
    sms.outbox.clear()
    Notification.objects.filter(pk=notification.pk).update(status="pending", attempts=0)
    stale_copy = Notification.objects.get(pk=notification.pk)
    assert notification_deliver(notification=Notification.objects.get(pk=notification.pk))
    # a second worker read the row before the first one claimed it
    assert notification_deliver(notification=stale_copy) is False or stale_copy.status == "sent"
    assert len(sms.outbox) == 1


def test_a_refused_message_waits_for_its_back_off_then_the_sweep_retries_it(
    home, client, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, *, to, message):
        raise sms.SMSError("gateway down")

    monkeypatch.setattr(sms.LocmemBackend, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        reference = api_filing(client, 3).json()["reference"]
    notification = Notification.objects.get(case_file__helprequest__reference=reference)
    assert notification.attempts == 1 and notification.status == "pending", (
        notification.last_error,
        list(sms.outbox),
    )
    assert notification.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    monkeypatch.undo()
    sms.outbox.clear()
    assert notifications_retry_due() == (0, 0)  # not yet due
    later = notification.next_attempt_at + dt.timedelta(seconds=1)
    assert notifications_retry_due(now=later) == (1, 0)
    assert Notification.objects.get(case_file__helprequest__reference=reference).status == "sent"


PERIODIC = {
    "sweep": {"task": "forms.tasks.retry_notifications", "every": 30},
    "daily": {"task": "forms.tasks.apply_retention", "at": "03:00"},
}


@override_settings(PERIODIC_TASKS=PERIODIC)
def test_each_periodic_task_is_queued_once_when_due(monkeypatch):
    queued = []
    from forms import tasks

    monkeypatch.setattr(
        tasks, "retry_notifications", SimpleNamespace(enqueue=lambda: queued.append("sweep"))
    )
    monkeypatch.setattr(
        tasks, "apply_retention", SimpleNamespace(enqueue=lambda: queued.append("daily"))
    )
    now = timezone.make_aware(dt.datetime(2026, 3, 1, 2, 0))
    assert schedule.run_due(now=now) == ["sweep"]
    assert schedule.run_due(now=now + dt.timedelta(seconds=10)) == []  # a second worker
    assert schedule.run_due(now=now + dt.timedelta(seconds=31)) == ["sweep"]
    daily = ScheduledRun.objects.get(name="daily")
    assert timezone.localtime(daily.next_run_at).time() == dt.time(3, 0)
    assert schedule.run_due(now=now + dt.timedelta(hours=1, minutes=1)) == ["sweep", "daily"]
    assert queued == ["sweep", "sweep", "sweep", "daily"]


@override_settings(PERIODIC_TASKS={"bad": {"task": "x", "every": 5, "at": "03:00"}})
def test_a_periodic_entry_needs_either_an_interval_or_a_time():
    with pytest.raises(ValueError):
        schedule.entries()


def make_worker(**kwargs):
    return HealingWorker(
        queue_names=["*"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=kwargs.pop("max_tasks", None),
        worker_id="test-worker",
        excluded_queue_names=[],
        run_schedule=False,
        **kwargs,
    )


def test_the_worker_waits_and_goes_on_when_the_database_is_lost(monkeypatch):
    worker = make_worker()
    calls = {"n": 0}
    waits = []

    def run_one():
        calls["n"] += 1
        if calls["n"] <= 3:
            raise OperationalError("server closed the connection unexpectedly")
        worker.running = False
        return True

    monkeypatch.setattr(worker, "run_one", run_one)
    monkeypatch.setattr(worker, "wait_for_database", lambda error: waits.append(type(error)))
    worker.run()
    assert calls["n"] == 4
    assert waits == [OperationalError] * 3


def test_back_off_doubles_up_to_its_ceiling_with_jitter():
    backoff = Backoff(initial=0.5, maximum=4)
    delays = [backoff.next_delay() for _ in range(6)]
    assert 0.25 <= delays[0] <= 0.5
    assert all(2 <= delay <= 4 for delay in delays[3:])
    backoff.reset()
    assert backoff.next_delay() <= 0.5


def test_run_worker_command_runs_queued_tasks_in_batch(home, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from django.core.management import call_command

    from forms.tasks import retry_notifications

    # The worker drops stale connections before each task; inside this test's transaction the
    # connection must stay open (PostgreSQL with a pool would close it under the test).
    monkeypatch.setattr("portal.worker.close_old_connections", lambda: None)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        result = retry_notifications.enqueue()
        call_command("run_worker", "--batch", "--no-schedule")
        assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_retry_back_off_is_the_one_the_settings_promise(
    home, client, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_RETRY_DELAYS = [7, 11]

    def refuse(self, *, to, message):
        raise sms.SMSError("gateway down")

    monkeypatch.setattr(sms.LocmemBackend, "send", refuse)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        reference = api_filing(client, 4).json()["reference"]
    notification = Notification.objects.get(case_file__helprequest__reference=reference)
    waited = (notification.next_attempt_at - before).total_seconds()
    assert notification.attempts == 1 and 7 <= waited < 9
    for _attempt in (2, 3):
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
        breaker.reset()
        notification_deliver(notification=Notification.objects.get(pk=notification.pk))
    notification.refresh_from_db()
    assert (notification.attempts, notification.status) == (3, "failed")  # two retries promised


def test_a_channel_that_keeps_failing_is_paused_and_its_messages_put_off_not_tried(
    home, client, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_RETRY_DELAYS = [60, 300]
    tried = []

    def refuse(self, *, to, message):
        tried.append(to)
        raise sms.SMSError("gateway down")

    monkeypatch.setattr(sms.LocmemBackend, "send", refuse)
    references = []
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            references.append(api_filing(client, 10 + n).json()["reference"])
    assert len(tried) == ChannelBreaker.threshold  # then the channel is left alone
    rows = {
        n.case_file.helprequest.reference: n
        for n in Notification.objects.filter(channel="sms").select_related("case_file__helprequest")
    }
    put_off = [rows[reference] for reference in references[ChannelBreaker.threshold :]]
    assert all(n.attempts == 0 and n.status == "pending" for n in put_off)
    assert all(n.next_attempt_at > timezone.now() + dt.timedelta(seconds=50) for n in put_off)
    # the service is back: once the pause is over the sweep sends every one of them, once
    monkeypatch.undo()
    sms.outbox.clear()
    later = timezone.now() + dt.timedelta(seconds=61)
    breaker.reset()
    assert notifications_retry_due(now=later) == (5, 0)
    assert sorted(m["message"].split("HR-")[1][:11] for m in sms.outbox) == sorted(
        r[3:] for r in references
    )


def test_the_sweep_runs_ahead_of_a_backlog_of_other_tasks(home):
    from django_tasks_db.models import DBTaskResult

    from forms.tasks import deliver_notification, retry_notifications

    with override_settings(TASKS=DATABASE_QUEUE):
        for pk in range(50):
            deliver_notification.enqueue(pk)
        sweep = retry_notifications.enqueue()
        assert str(DBTaskResult.objects.ready().first().pk) == str(sweep.id)


def test_a_filing_queues_one_run_of_the_sweep_and_one_index_run_whatever_the_burst(
    client, home, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_QUEUE):
        for number in range(20, 24):
            with django_capture_on_commit_callbacks(execute=True):
                assert api_filing(client, number).status_code == 201
        queued = Counter(
            DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)
        )
    # no reference-index task: casework is not content; one run of the sweep sends the
    # receipts of the whole burst
    assert queued == {
        "forms.tasks.retry_notifications": 1,
        "search.tasks.index_pending_submissions": 1,
    }


def test_references_rise_by_one_and_start_a_counter_on_first_use(home):
    from forms.casework.filing import reference_next
    from forms.models import ReferenceCounter

    ReferenceCounter.objects.filter(prefix="ZZ").delete()
    year = timezone.localdate().year
    assert [reference_next(prefix="ZZ") for _ in range(3)] == [
        f"ZZ-{year}-00000{n}" for n in (1, 2, 3)
    ]
    assert ReferenceCounter.objects.get(prefix="ZZ", year=year).last == 3
