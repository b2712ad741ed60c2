"""Complaints and suggestions in the inbox: the procedure through every door (service, admin
page, bulk action, staff API), the complaints officer's room, escalation to the board past the
promised date, the public annual report, search, export, retention and the person's rights."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from forms import sms
from forms.casework.escalation import overdue_escalate
from forms.casework.kinds import Step
from forms.casework.transitions import submission_transition
from forms.kinds.complaint import COMPLAINT_TRANSITIONS, COMPLAINTS
from forms.models import Complaint, ComplaintStatus, Notification, StatusEvent
from forms.reports import complaints_report
from forms.tasks import escalate_overdue
from search.index.service import search_submissions
from tests.inbox.conftest import file_application, file_complaint, file_request

pytestmark = pytest.mark.django_db

_C = ComplaintStatus
LEGAL = [(src, dst) for src, targets in COMPLAINT_TRANSITIONS.items() for dst in targets]
ILLEGAL = [
    (src, dst)
    for src in _C.values
    for dst in _C.values
    if dst not in COMPLAINT_TRANSITIONS.get(src, {})
]


def step_data(dst: str) -> dict:
    """What staff give for a step: the answer when the step answers."""
    needs_text = dst in COMPLAINTS.decided or dst == COMPLAINTS.waiting_status
    return {
        "to_status": dst,
        **({"message": "أجبنا عن ملاحظتك وعالجنا السبب."} if needs_text else {}),
    }


def snapshot(complaint):
    complaint.refresh_from_db()
    return (complaint.status, StatusEvent.objects.of(complaint).count(), complaint.outcome)


def test_the_engine_never_names_the_kind():
    """The kind is declared (its class, model, tables); the engine and the API door are
    written once for every kind."""
    forms = Path(__file__).resolve().parents[2] / "forms"
    engine = [*(forms / "casework").rglob("*.py"), *(forms / "api").rglob("*.py")]
    engine += [forms / name for name in ("notifications.py", "privacy.py", "reminders.py")]
    named = [str(path) for path in engine if "complaint" in path.read_text().lower()]
    assert not named


def test_the_table_is_the_procedure_the_issue_names():
    path = [_C.RECEIVED, _C.UNDER_REVIEW, _C.REFERRED, _C.ANSWERED, _C.CLOSED]
    assert all(b in COMPLAINT_TRANSITIONS[a] for a, b in zip(path, path[1:], strict=False))
    assert _C.CLOSED in COMPLAINT_TRANSITIONS[_C.RESOLVED]
    assert COMPLAINTS.escalates_from == {_C.RECEIVED, _C.UNDER_REVIEW, _C.REFERRED}
    assert not COMPLAINT_TRANSITIONS.get(_C.CLOSED)


@pytest.mark.parametrize(("src", "dst"), LEGAL)
def test_every_legal_step_through_service_admin_bulk_and_api(client, roles, src, dst):
    officer = roles["complaints"]
    client.force_login(officer)
    # The bulk action leaves out a question to the applicant: it is asked on each one's page.
    bulk = ("bulk",) if dst != COMPLAINTS.waiting_status else ()
    for door in ("service", "admin", *bulk, "api"):
        complaint = file_complaint(status=src, anonymous=door == "bulk")
        data = step_data(dst)
        if door == "service":
            step = Step(to=dst, message=data.get("message", ""))
            submission_transition(submission=complaint, user=officer, step=step)
        elif door == "admin":
            url = f"/admin/inbox/complaints/transition/{complaint.pk}/"
            assert client.post(url, {**data, "notify": "on"}).status_code == 302
        elif door == "bulk":
            url = f"/admin/bulk/intake/complaint/change_status/?id={complaint.pk}&next=/admin/"
            assert client.post(url, {**data, "notify": "on"}).status_code == 302
        else:
            response = client.post(
                f"/api/v1/staff/complaints/{complaint.reference}/transitions/",
                data,
                content_type="application/json",
            )
            assert response.status_code == 200, response.json()
        complaint.refresh_from_db()
        assert complaint.status == dst, door
        if dst in COMPLAINTS.decided:
            assert complaint.outcome and complaint.decided_at, door


def test_every_illegal_step_is_refused_everywhere_and_changes_nothing(client, roles):
    officer = roles["complaints"]
    client.force_login(officer)
    for src, dst in ILLEGAL:
        complaint = file_complaint(status=src)
        before = snapshot(complaint)
        with pytest.raises(ValidationError):
            submission_transition(
                submission=complaint, user=officer, step=Step(to=dst, message="نص")
            )
        client.post(f"/admin/inbox/complaints/transition/{complaint.pk}/", step_data(dst))
        api = client.post(
            f"/api/v1/staff/complaints/{complaint.reference}/transitions/",
            step_data(dst),
            content_type="application/json",
        )
        assert api.status_code == 400, (src, dst)
        assert snapshot(complaint) == before, (src, dst)


def test_an_answer_needs_its_text_and_the_sender_is_told_it(client, roles, home):
    officer = roles["complaints"]
    complaint = file_complaint(status=_C.REFERRED)
    with pytest.raises(ValidationError) as refused:
        submission_transition(submission=complaint, user=officer, step=Step(to=_C.ANSWERED))
    assert "message" in refused.value.message_dict
    assert snapshot(complaint)[0] == _C.REFERRED
    sms.outbox.clear()
    answer = "راجعنا مواعيد الاستقبال وأضفنا موظفًا في الفترة المسائية."
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission_transition(
            submission=complaint,
            user=officer,
            step=Step(to=_C.ANSWERED, message=answer, notify=False),
        )
    complaint.refresh_from_db()
    assert complaint.outcome == answer
    assert sms.outbox and answer in sms.outbox[-1]["message"]  # the answer is always told
    page = client.get(f"/ar/track/complaint/{complaint.reference}/{complaint.tracking_key}/")
    assert answer in page.content.decode()


def test_an_anonymous_sender_reads_every_step_on_the_tracking_page_and_gets_no_message(
    client, roles, home
):
    officer = roles["complaints"]
    suggestion = file_complaint(anonymous=True, nature="suggestion")
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        for step in (
            Step(to=_C.UNDER_REVIEW),
            Step(to=_C.INFORMATION_NEEDED, message="في أي فرع حدث ذلك؟"),
        ):
            submission_transition(submission=suggestion, user=officer, step=step)
    assert not sms.outbox and not Notification.objects.of(suggestion).exists()
    track = f"/en/track/complaint/{suggestion.reference}/{suggestion.tracking_key}/"
    assert "في أي فرع" in client.get(track).content.decode()
    client.post(track, {"answer": "فرع الروضة"})  # the answer from the tracking page
    suggestion.refresh_from_db()
    assert suggestion.status == _C.UNDER_REVIEW


def test_only_the_complaints_officers_work_complaints(client, roles):
    complaint = file_complaint()
    for role in (
        "officer",
        "researcher",
        "committee",
        "coordinator",
        "communications",
        "secretary",
    ):
        with pytest.raises(PermissionDenied):
            submission_transition(
                submission=complaint, user=roles[role], step=Step(to=_C.UNDER_REVIEW)
            )
        assert search_submissions(roles[role], text="القحطاني").total == 0, role
    assert search_submissions(roles["complaints"], text="القحطاني").total == 1
    # …and the complaints officer sees no other kind.
    file_request(full_name="سارة عبدالله القحطاني")
    file_application(full_name="سارة عبدالله القحطاني")
    hits = search_submissions(roles["complaints"], text="القحطاني").hits
    assert [hit.reference for hit in hits] == [complaint.reference]
    client.force_login(roles["complaints"])
    menu = client.get("/admin/").content.decode()
    assert "/admin/inbox/complaints/" in menu and "/admin/inbox/help-requests/" not in menu


def test_the_inbox_lists_filters_searches_and_exports_them(client, roles):
    named = file_complaint(full_name="هند فهد العتيبي")
    file_complaint(anonymous=True, nature="suggestion", status=_C.CLOSED)
    client.force_login(roles["complaints"])
    listing = client.get("/admin/inbox/complaints/", {"status": "received"}).content.decode()
    assert named.reference in listing
    assert named.reference in client.get("/admin/inbox/complaints/?q=العتيبي").content.decode()
    api = client.get("/api/v1/staff/complaints/", {"q": "العتيبي"}).json()
    assert [row["reference"] for row in api["results"]] == [named.reference]
    detail = client.get(f"/api/v1/staff/complaints/{named.reference}/").json()
    assert detail["applicant"]["theme"] == "waiting" and "under_review" in detail["next_statuses"]
    response = client.get("/admin/inbox/complaints/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3 and any("هند فهد العتيبي" in row for row in rows)


def test_escalation_past_the_promised_date_goes_to_the_board(roles, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    late = file_complaint(status=_C.REFERRED)
    late_anonymous = file_complaint(status=_C.RECEIVED, anonymous=True)
    waiting = file_complaint(status=_C.INFORMATION_NEEDED)
    answered = file_complaint(status=_C.ANSWERED)
    on_time = file_complaint()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Complaint.objects.exclude(pk=on_time.pk).update(response_due=yesterday)
    sms.outbox.clear()
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = escalate_overdue.enqueue().return_value
    assert report == {"complaint": 2}
    for complaint, status in (
        (late, _C.ESCALATED),
        (late_anonymous, _C.ESCALATED),
        (waiting, _C.INFORMATION_NEEDED),
        (answered, _C.ANSWERED),
        (on_time, _C.RECEIVED),
    ):
        complaint.refresh_from_db()
        assert complaint.status == status, complaint.reference
    assert late.escalated_at and StatusEvent.objects.of(late).filter(
        to_status="escalated", public=True
    )
    assert [m["to"] for m in sms.outbox] == [late.mobile]  # the anonymous sender gets nothing
    secretaries = [m for m in mail.outbox if "secretary@example.org" in m.to]
    assert secretaries and late.reference in secretaries[0].body
    assert late.full_name not in secretaries[0].body and late.description not in secretaries[0].body
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert overdue_escalate() == {"complaint": []}  # never twice
    # The officers still answer an escalated complaint.
    submission_transition(
        submission=late, user=roles["complaints"], step=Step(to=_C.ANSWERED, message="تمت المعالجة")
    )


def test_escalation_is_a_periodic_task_and_part_of_the_daily_work(settings, capsys):
    assert settings.PERIODIC_TASKS["escalation"]["task"] == "forms.tasks.escalate_overdue"
    call_command("run_daily_tasks")
    assert "escalate_overdue" in capsys.readouterr().out


def _filed(theme, nature, *, days=None, on_time=True, escalated=False, year=2025):
    complaint = file_complaint(theme=theme, nature=nature)
    submitted = timezone.make_aware(dt.datetime(year, 3, 1, 10))
    fields = {"submitted_at": submitted, "response_due": submitted.date() + dt.timedelta(days=14)}
    if days is not None:
        fields["decided_at"] = submitted + dt.timedelta(days=days)
        fields["status"] = _C.ANSWERED
        if not on_time:
            fields["response_due"] = submitted.date() + dt.timedelta(days=days - 2)
    if escalated:
        fields["escalated_at"] = submitted + dt.timedelta(days=15)
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    return complaint


@override_settings(SERVICE_REPORT_MIN_COUNT=3)
def test_the_annual_report_publishes_themes_and_answer_times_above_the_minimum(client, home):
    for days in (2, 4, 9):
        _filed("waiting", "complaint", days=days)
    _filed("waiting", "suggestion", days=20, on_time=False, escalated=True)
    _filed("waiting", "complaint", year=2024)  # another year
    rare = [_filed("staff", "complaint", days=1), _filed("staff", "complaint")]
    spam = _filed("access", "complaint", days=1)
    Complaint.objects.filter(pk=spam.pk).update(status=_C.SPAM)
    report = complaints_report(year=2025)
    rows = {row["theme"]: row for row in report["rows"]}
    waiting = rows["waiting"]
    assert (waiting["complaints"], waiting["suggestions"], waiting["escalated"]) == (3, 1, 1)
    assert waiting["median_days"] == pytest.approx(6.5)
    assert waiting["within_promise"] == pytest.approx(3 / 4)
    assert not rows["staff"]["enough"] and rows["access"]["count"] == 0
    # One theme withheld with fewer than the minimum: the totals would give it away.
    assert not report["total"]["enough"]
    _filed("staff", "complaint")
    assert complaints_report(year=2025)["total"]["enough"]
    for language in ("ar", "en"):
        page = client.get(f"/{language}/complaints-report/", {"year": "٢٠٢٥"})
        html = page.content.decode()
        assert page.status_code == 200 and f'lang="{language}"' in html
        assert rare[0].reference not in html and "القحطاني" not in html


def test_retention_and_the_persons_rights_cover_complaints(roles, tmp_path):
    complaint = file_complaint()
    request = file_request(national_id=complaint.national_id)
    out = tmp_path / "person.json"
    call_command("person_data", "--national-id", complaint.national_id, "--export", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["complaints"][0]["reference"] == complaint.reference
    assert data["help_requests"][0]["reference"] == request.reference
    call_command("person_data", "--national-id", complaint.national_id, "--erase")
    complaint.refresh_from_db()
    assert complaint.status == _C.WITHDRAWN and complaint.anonymised_at
    assert (complaint.mobile, complaint.description) == ("", "")
    old = file_complaint(status=_C.CLOSED, anonymous=True)
    Complaint.objects.filter(pk=old.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=800)
    )
    call_command("apply_retention")
    old.refresh_from_db()
    assert old.anonymised_at and old.theme == "waiting"  # the report's figures survive
