"""Concurrent filings never queue on the reference counter (PostgreSQL, where filings really run
at once): a filing still writing its rows does not hold up another one's number or commit."""

import threading

import pytest

from django.conf import settings
from django.db import close_old_connections, connection

import forms.casework.filing as filing
from forms.casework import registry
from forms.fields.help import HelpRequestFields
from forms.models import HelpRequest
from tests.forms.helpers import help_form_data, saudi_id

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _file(number: int):
    data = help_form_data(national_id=saudi_id(body=f"{number:08d}"))
    form = HelpRequestFields(data)
    assert form.is_valid(), form.errors
    submission, created = filing.submission_file(
        kind=registry.get("help"), data=form.submission_data(), consents=form.consents()
    )
    assert created
    return submission


def test_a_filing_in_progress_does_not_hold_up_the_next_ones_number(home, monkeypatch):
    held, release = threading.Event(), threading.Event()
    write = filing.filing_write
    first_thread = {}

    def write_held(**kwargs):
        if threading.current_thread() is first_thread.get("thread"):
            held.set()  # the first filing is numbered and about to write its rows
            assert release.wait(timeout=60)
        return write(**kwargs)

    monkeypatch.setattr(filing, "filing_write", write_held)
    results = {}

    def first():
        try:
            results["first"] = _file(1)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=first)
    first_thread["thread"] = thread
    thread.start()
    try:
        assert held.wait(timeout=60)
        # With the counter locked until the first filing commits, this would wait for it
        # (and the statement timeout below would fail it).
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '5s'")
        second = _file(2)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        assert HelpRequest.objects.filter(pk=second.pk).exists()  # committed while first waits
    finally:
        release.set()
        thread.join(timeout=60)
    first_number = int(results["first"].reference.rsplit("-", 1)[1])
    second_number = int(second.reference.rsplit("-", 1)[1])
    assert second_number == first_number + 1
    assert HelpRequest.objects.count() == 2
