"""Retries racing with one Idempotency-Key, on PostgreSQL (where requests really run at once):
one submission, and every answer is its receipt."""

import threading

import pytest

from django.conf import settings
from django.db import close_old_connections, connection
from django.test import Client

from forms.models import HelpRequest
from tests.forms.helpers import help_form_data

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="SQLite runs one writer at a time: the race needs PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RETRIES = 12


def api_data():
    data = help_form_data()
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    return data


@pytest.mark.parametrize("round_", range(3))
def test_parallel_retries_with_one_key_all_receive_the_one_receipt(home, round_):
    data, key = api_data(), f"retry-{round_}"
    barrier = threading.Barrier(RETRIES)
    answers = []

    def retry():
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post("/api/v1/help-requests/", data, headers={"Idempotency-Key": key})
            answers.append((response.status_code, response.json()))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == RETRIES
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] * (RETRIES - 1) + [201], statuses
    assert len({body["reference"] for _status, body in answers}) == 1
    assert all("tracking_url" in body for _status, body in answers)
    assert HelpRequest.objects.count() == 1
