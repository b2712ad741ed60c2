"""The outbox sweep claims due messages a batch at a time: two statements per batch, each
message sent at most once whatever the number of workers, a claim that outlives its lease
overwrites nothing, and a send that breaks off leaves the message to the next run."""

import datetime as dt
import threading
from collections import Counter

import pytest

from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forms import notifications, sms
from forms.models import Notification
from forms.notifications import NOTIFICATION_LEASE, breaker, notifications_retry_due


def due_messages(count: int, *, start: int = 0) -> list[Notification]:
    past = timezone.now() - dt.timedelta(seconds=1)
    return Notification.objects.bulk_create(
        Notification(
            channel=Notification.Channel.SMS,
            recipient=f"+9665{start + number:08d}",
            body=f"receipt {start + number}",
            next_attempt_at=past,
        )
        for number in range(count)
    )


@pytest.fixture
def outbox():
    sms.outbox.clear()
    breaker.reset()
    yield sms.outbox
    sms.outbox.clear()
    breaker.reset()


# The claim of several workers at once (FOR UPDATE SKIP LOCKED) is PostgreSQL's; SQLite, for
# local work, claims and records row by row under its single writer.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the batch claim (SKIP LOCKED) is PostgreSQL's"
)


@postgresql_only
@pytest.mark.django_db
def test_a_batch_of_due_messages_is_claimed_and_recorded_in_two_statements(outbox, monkeypatch):
    monkeypatch.setattr(notifications, "SWEEP_BATCH", 20, raising=False)
    due_messages(40)
    with CaptureQueriesContext(connection) as queries:
        assert notifications_retry_due() == (40, 0)
    # two batches (claim + outcomes each) and the claim that finds nothing left
    assert len(queries) == 5, [q["sql"][:80] for q in queries]
    assert len(outbox) == 40
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_failures_in_a_batch_get_the_promised_back_off_and_the_rest_are_sent(
    outbox, monkeypatch, settings
):
    settings.NOTIFICATION_RETRY_DELAYS = [70, 300]
    refused = {"+966500000001", "+966500000003"}
    real_send = sms.LocmemBackend.send

    def send(self, *, to, message):
        if to in refused:
            raise sms.SMSError("gateway refused")
        return real_send(self, to=to, message=message)

    monkeypatch.setattr(sms.LocmemBackend, "send", send)
    due_messages(6)
    before = timezone.now()
    assert notifications_retry_due() == (4, 2)
    for row in Notification.objects.all():
        if row.recipient in refused:
            assert (row.status, row.attempts, row.last_error) == (
                "pending",
                1,
                "SMSError: gateway refused",
            )
            assert 69 <= (row.next_attempt_at - before).total_seconds() < 80
        else:
            assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
            assert row.sent_at is not None
    assert [m["to"] for m in outbox] == [
        f"+9665{n:08d}" for n in range(6) if f"+9665{n:08d}" not in refused
    ]  # in the order they fell due


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_split_the_due_messages_and_never_send_one_twice(outbox, monkeypatch):
    """Worker A holds a batch while it sends; worker B's run skips that batch (SKIP LOCKED, then
    the lease) and sends the others; every message goes out once."""
    monkeypatch.setattr(notifications, "SWEEP_BATCH", 10, raising=False)
    due_messages(30)
    real_send = sms.LocmemBackend.send
    a_sending, b_done = threading.Event(), threading.Event()
    senders = Counter()

    def send(self, *, to, message):
        worker = threading.current_thread().name
        senders[worker] += 1
        if worker == "A" and not a_sending.is_set():
            a_sending.set()
            assert b_done.wait(30)
        return real_send(self, to=to, message=message)

    monkeypatch.setattr(sms.LocmemBackend, "send", send)
    results = {}

    def worker(name):
        try:
            if name == "B":
                assert a_sending.wait(30)
            results[name] = notifications_retry_due()
        finally:
            if name == "B":
                b_done.set()
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,), name=n) for n in "AB"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {"A": (10, 0), "B": (20, 0)}
    assert Counter(m["to"] for m in outbox) == Counter({f"+9665{n:08d}": 1 for n in range(30)})
    assert Notification.objects.filter(status="sent", attempts=1).count() == 30


@pytest.mark.django_db
def test_a_worker_that_outlived_its_lease_does_not_overwrite_the_message_sent_since(
    outbox, monkeypatch
):
    """Worker A's send hangs past the lease; worker B takes the message and sends it; A's send
    then fails. A's outcome must not put the sent message back in the queue (sent twice)."""
    (message,) = due_messages(1)
    real_send = sms.LocmemBackend.send
    calls = []

    def send(self, *, to, message):
        calls.append(to)
        if len(calls) == 1:  # worker A, stuck in the gateway past its lease
            later = timezone.now() + NOTIFICATION_LEASE + dt.timedelta(seconds=5)
            assert notifications_retry_due(now=later) == (1, 0)  # worker B
            raise sms.SMSError("timed out")
        return real_send(self, to=to, message=message)

    monkeypatch.setattr(sms.LocmemBackend, "send", send)
    notifications_retry_due()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    breaker.reset()
    assert notifications_retry_due(now=timezone.now() + dt.timedelta(days=1)) == (0, 0)
    assert len(outbox) == 1


class WorkerKilled(BaseException):
    """The worker process stopped in the middle of a send (not a gateway failure)."""


@pytest.mark.django_db
def test_a_send_that_breaks_off_leaves_the_message_to_a_run_after_the_lease(outbox, monkeypatch):
    first, second, *rest = due_messages(5)
    real_send = sms.LocmemBackend.send

    def send(self, *, to, message):
        if to == second.recipient:
            raise WorkerKilled
        return real_send(self, to=to, message=message)

    monkeypatch.setattr(sms.LocmemBackend, "send", send)
    with pytest.raises(WorkerKilled):
        notifications_retry_due()
    monkeypatch.undo()
    assert [m["to"] for m in outbox] == [first.recipient]
    rows = {row.pk: row for row in Notification.objects.all()}
    assert rows[first.pk].status == "sent"
    # whether the broken-off send went out is unknown: it waits for the lease, not counted
    assert (rows[second.pk].status, rows[second.pk].attempts) == ("pending", 0)
    assert rows[second.pk].next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    # the rest of the batch was never tried: the next run sends it at once
    assert notifications_retry_due() == (3, 0)
    assert second.recipient not in [m["to"] for m in outbox]
    after_lease = timezone.now() + NOTIFICATION_LEASE + dt.timedelta(seconds=1)
    assert notifications_retry_due(now=after_lease) == (1, 0)
    assert Counter(m["to"] for m in outbox) == Counter(
        {n.recipient: 1 for n in [first, second, *rest]}
    )
