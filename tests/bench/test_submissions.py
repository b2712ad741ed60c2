"""Accepted help-request submissions per second through the API (in-process client)."""

import time

import pytest

from django.db import connection
from django.test import TestCase
from rest_framework.throttling import ScopedRateThrottle

from forms.models import HelpRequest
from tests.forms.helpers import help_form_data, saudi_id

pytestmark = pytest.mark.django_db

COUNT = 200


def test_help_request_submissions_per_second(client, home, monkeypatch, report):
    # DRF reads throttle rates once, into the class: lift the public limit for the measurement.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"submissions": "100000/hour"})
    payloads = []
    for number in range(COUNT):
        data = help_form_data(national_id=saudi_id(body=f"{number:08d}"))
        for key in ("started", "submission_token", "website"):
            data.pop(key)
        payloads.append(data)
    started = time.perf_counter()
    for number, data in enumerate(payloads):
        with TestCase.captureOnCommitCallbacks(
            execute=True
        ):  # receipts are sent, as after a commit
            response = client.post(
                "/api/v1/help-requests/", data, headers={"Idempotency-Key": f"bench-{number}"}
            )
        assert response.status_code == 201, (number, response.content)
    elapsed = time.perf_counter() - started
    assert HelpRequest.objects.count() == COUNT
    report(
        f"submissions_{connection.vendor}",
        {
            "submissions": COUNT,
            "per_second": round(COUNT / elapsed, 1),
            "database": connection.vendor,
        },
    )
