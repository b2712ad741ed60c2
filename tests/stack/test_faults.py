"""Faults under load: PostgreSQL restarted in the middle of 2,000 filings made 30 at a time,
with the SMS gateway refusing until the filings are done. Every accepted filing is stored
exactly once, the worker process is the same one afterwards, and every receipt is delivered
once the gateway accepts again, with nothing done by hand."""

import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.stack.conftest import Client, file_request

pytestmark = [pytest.mark.stack, pytest.mark.xdist_group("stack")]

FILINGS = 2000
CONCURRENCY = 30
ADDRESSES = 150  # the API allows 30 filings an hour per address: 13 or 14 each
ATTEMPTS = 40
# The gateway refuses until 5 s after PostgreSQL is back; the stack's back-off (conftest:
# 20 s, 40 s, …) is long enough that no receipt runs out of attempts meanwhile.
GATEWAY_DOWN_AT_MOST = 50
# Once the gateway accepts and the last filing is in, every receipt must arrive within this
# (first retry delay, sweep interval and the worker's backlog on a busy machine): a bound, the
# test goes on as soon as they are all in.
RECEIPTS_WITHIN = 150


def worker_pids(stack) -> dict[str, str]:
    lines = stack.supervisorctl("status").stdout.splitlines()
    return {line.split()[0]: line for line in lines if line.startswith("worker")}


def outbox_state(stack) -> dict:
    """What the outbox and the task queue hold, to say why a receipt is late."""
    with psycopg.connect(stack.database_url) as connection:
        outbox = connection.execute(
            "SELECT status, attempts, next_attempt_at <= now(), count(*) FROM intake_notification "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ).fetchall()
        queue = connection.execute(
            "SELECT task_path, status, count(*) FROM django_tasks_database_dbtaskresult "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    return {"outbox": outbox, "queue": queue}


def test_filings_survive_a_database_restart_and_receipts_follow_the_gateway(stack, demo):
    gateway = stack.gateway
    gateway.accepting = False
    workers_before = {
        name: line.split("pid ")[1].split(",")[0] for name, line in worker_pids(stack).items()
    }
    accepted: dict[str, str] = {}  # idempotency key -> reference
    answered: Counter = Counter()
    server_errors_then_replayed = []
    lock = threading.Lock()
    done = Counter()
    restarted = threading.Event()
    gateway_back = threading.Event()
    came_back: list[float] = []

    clients = {address: Client(stack, f"127.0.1.{address + 1}") for address in range(ADDRESSES)}
    client_locks = {address: threading.Lock() for address in range(ADDRESSES)}

    def file_one(number: int) -> None:
        address = number % ADDRESSES
        key = uuid.uuid4().hex
        saw_500 = False
        with client_locks[address]:
            client = clients[address]
            for _attempt in range(ATTEMPTS):
                try:
                    response = file_request(client, demo, 50_000_000 + number, key=key)
                except OSError:
                    time.sleep(1)
                    continue
                with lock:
                    answered[response.status] += 1
                if response.status in (200, 201):
                    with lock:
                        accepted[key] = json.loads(response.body)["reference"]
                        done["accepted"] += 1
                        if saw_500 and response.status == 200:
                            server_errors_then_replayed.append(key)
                    return
                saw_500 = saw_500 or response.status == 500
                if response.status not in (500, 502, 503, 504):
                    raise AssertionError(
                        f"filing {number}: {response.status} {response.body[:300]}"
                    )
                time.sleep(1)

    def restart_midway() -> None:
        deadline = time.monotonic() + GATEWAY_DOWN_AT_MOST - 15
        while done["accepted"] < FILINGS // 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        stack.cluster.restart()
        restarted.set()
        time.sleep(5)
        gateway_back.set()

    def gateway_control() -> None:
        gateway_back.wait(GATEWAY_DOWN_AT_MOST)
        gateway.accepting = True
        came_back.append(time.monotonic())

    started = time.monotonic()
    for target in (restart_midway, gateway_control):
        threading.Thread(target=target, daemon=True).start()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(file_one, range(FILINGS)))
    filing_seconds = time.monotonic() - started
    for made in clients.values():
        made.close()
    assert restarted.is_set(), "PostgreSQL was not restarted during the run"
    assert len(accepted) == FILINGS, answered

    with psycopg.connect(stack.database_url) as connection:
        rows = connection.execute(
            "SELECT reference, count(*) FROM intake_helprequest "
            "WHERE national_id LIKE '15%%' GROUP BY reference"
        ).fetchall()
    stored = dict(rows)
    assert set(accepted.values()) <= set(stored), "an accepted filing is missing"
    assert all(count == 1 for count in stored.values())
    assert len(stored) == FILINGS, f"{len(stored)} stored for {FILINGS} accepted"
    assert not server_errors_then_replayed, "a committed filing was answered 500"

    gateway_back.wait(GATEWAY_DOWN_AT_MOST + 5)
    while not came_back:
        time.sleep(0.1)
    refused_while_down = gateway.refused
    references = set(accepted.values())
    back_at = came_back[0]

    def delivered() -> set[str]:
        with gateway.lock:
            texts = [message["message"] for message in gateway.received]
        return {ref for ref in references if any(ref in text for text in texts)}

    deadline = max(back_at, started + filing_seconds) + RECEIPTS_WITHIN
    while time.monotonic() < deadline and len(delivered()) < len(references):
        time.sleep(0.5)
    receipts_seconds = time.monotonic() - max(back_at, started + filing_seconds)
    got = delivered()
    with gateway.lock:
        per_reference = Counter(
            ref for message in gateway.received for ref in references if ref in message["message"]
        )
    duplicates = sum(count - 1 for count in per_reference.values() if count > 1)
    workers_after = {
        name: line.split("pid ")[1].split(",")[0] for name, line in worker_pids(stack).items()
    }
    print(
        f"\n[fault] {FILINGS} filings, {CONCURRENCY} at a time, in {filing_seconds:.1f}s "
        f"({FILINGS / filing_seconds:.0f}/s) with PostgreSQL restarted; answers {dict(answered)}; "
        f"gateway refused {refused_while_down} sends; all {len(got)} receipts delivered "
        f"{receipts_seconds:.0f}s after the gateway was back and the filings done; "
        f"duplicates {duplicates}"
    )
    assert got == references, (
        f"{len(references) - len(got)} receipts not delivered; outbox and queue: "
        f"{outbox_state(stack)}"
    )
    assert duplicates == 0, f"{duplicates} receipts sent twice"
    assert workers_after == workers_before, "a worker exited and was restarted"
    assert all("RUNNING" in line for line in worker_pids(stack).values())
    assert refused_while_down > 0
