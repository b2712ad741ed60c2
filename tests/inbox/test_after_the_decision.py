"""After the decision: the rating, the dashboard, the public service report, retention and the
person's rights over their data."""

import datetime as dt
import json

import pytest

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from forms import reports as statistics
from forms import sms
from forms.casework import transitions as services
from forms.kinds.help import help_request_submit, help_request_transition
from forms.models import (
    Attachment,
    HelpRequest,
    RequestStatus,
    SatisfactionRating,
    StatusEvent,
    SupportType,
)
from tests.forms.helpers import pdf
from tests.inbox.conftest import CONSENTS, file_application, file_request, help_data

pytestmark = pytest.mark.django_db

RATING = {"score": "4", "courteous": "yes", "on_time": "yes", "clear": "no", "comment": "شكراً"}


def close(request, roles):
    for to, who, extra in (
        ("under_review", "officer", {}),
        ("referred", "officer", {}),
        ("accepted", "committee", {"meeting": "١٢"}),
        ("delivered", "officer", {}),
        ("closed", "officer", {}),
    ):
        help_request_transition(help_request=request, user=roles[who], to_status=to, **extra)


def test_the_applicant_rates_a_closed_request_once(client, roles, home):
    request = file_request()
    track = f"/ar/track/help/{request.reference}/{request.tracking_key}/"
    assert client.get(track + "rate/").status_code == 302  # not closed yet
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        close(request, roles)
    assert any(track + "rate/" in m["message"] for m in sms.outbox)
    assert f'href="{track}rate/"' in client.get(track).content.decode()
    bad = client.post(track + "rate/", {**RATING, "score": "9"})
    assert bad.status_code == 400 and not SatisfactionRating.objects.exists()
    assert client.post(track + "rate/", RATING).status_code == 200
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.clear, rating.language) == (4, "no", "ar")
    again = client.post(track + "rate/", {**RATING, "score": "1"})
    assert again.status_code == 200 and SatisfactionRating.objects.get().score == 4
    assert client.get(f"/ar/track/help/{request.reference}/wrong/rate/").status_code == 404


def test_the_dashboard_shows_status_overdue_time_to_decision_and_satisfaction(client, roles):
    decided = file_request()
    close(decided, roles)
    SatisfactionRating.objects.create(
        owner=decided, score=5, courteous="yes", on_time="yes", clear="yes", language="ar"
    )
    late = file_request()
    HelpRequest.objects.filter(pk=late.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=1)
    )
    numbers = statistics.dashboard()
    assert numbers["overdue"] == 1 and numbers["decisions"] == 1
    assert numbers["satisfaction_average"] == 5
    assert {v: n for v, _l, n in numbers["statuses"]}["closed"] == 1
    client.force_login(roles["officer"])
    page = client.get("/admin/").content.decode()
    assert "inbox-panel" in page and "/admin/inbox/help-requests/?overdue=true" in page
    client.force_login(roles["communications"])
    assert "inbox-panel" not in client.get("/admin/").content.decode()


@override_settings(SERVICE_REPORT_MIN_COUNT=3)
def test_the_public_service_report_publishes_aggregates_only_above_the_minimum(client, roles, home):
    financial = SupportType.objects.get(slug="financial")
    now = timezone.now()
    for days in (3, 10, 20):
        request = file_request()
        HelpRequest.objects.filter(pk=request.pk).update(
            status="accepted", submitted_at=now - dt.timedelta(days=days), decided_at=now
        )
    rare = SupportType.objects.exclude(pk=financial.pk).first()
    lonely = file_request(support_type=rare)
    HelpRequest.objects.filter(pk=lonely.pk).update(status="rejected", decided_at=now)
    report = {row["type"].pk: row for row in statistics.service_report()["rows"]}
    row = report[financial.pk]
    assert row["enough"] and row["median_days"] == pytest.approx(10)
    assert row["p90_days"] == pytest.approx(20)
    assert row["within_promise"] == pytest.approx(2 / 3)  # 14-day promise: 3 and 10 days kept it
    assert not report[rare.pk]["enough"] and report[rare.pk]["median_days"] is None
    for language in ("ar", "en"):
        page = client.get(f"/{language}/service-report/")
        assert page.status_code == 200
        html = page.content.decode()
        assert f'lang="{language}"' in html
        assert lonely.reference not in html and "فاطمة" not in html


def test_retention_anonymises_old_finished_submissions_and_reports_it(roles, capsys):
    with TestCase.captureOnCommitCallbacks(execute=True):
        old, _ = help_request_submit(data=help_data(), consents=CONSENTS, attachments=[pdf()])
    HelpRequest.objects.filter(pk=old.pk).update(
        status="closed", status_changed_at=timezone.now() - dt.timedelta(days=800)
    )
    services.submission_note_add(submission=old, user=roles["officer"], text="ملاحظة")
    recent = file_request(status=RequestStatus.CLOSED)
    still_open = file_request()
    HelpRequest.objects.filter(pk=still_open.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=900)
    )
    stored = Attachment.objects.get().file.path
    call_command("apply_retention", "--dry-run")
    assert json.loads(capsys.readouterr().out)["help_requests"] == [old.reference]
    assert HelpRequest.objects.get(pk=old.pk).anonymised_at is None
    call_command("apply_retention")
    old.refresh_from_db()
    assert old.anonymised_at and old.full_name == "—" and old.national_id == "" and old.mobile == ""
    assert not old.attachments.exists() and not old.notes.exists()
    import os

    assert not os.path.exists(stored)
    assert old.support_type and old.city == "جدة"  # aggregates survive
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.full_name != "—"


def test_a_person_can_get_their_data_and_have_it_erased(roles, tmp_path):
    request = file_request()
    application = file_application(national_id=request.national_id)
    out = tmp_path / "person.json"
    call_command("person_data", "--national-id", request.national_id, "--export", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["help_requests"][0]["reference"] == request.reference
    assert data["volunteer_applications"][0]["reference"] == application.reference
    assert "tracking_salt" not in data["help_requests"][0]
    call_command("person_data", "--national-id", request.national_id, "--erase")
    request.refresh_from_db()
    application.refresh_from_db()
    assert request.status == "withdrawn" and request.anonymised_at and request.national_id == ""
    assert application.status == "withdrawn" and application.anonymised_at
    assert StatusEvent.objects.of(request).filter(to_status="withdrawn").exists()
