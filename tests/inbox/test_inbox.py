"""The inbox at work: lists, search, the request's page, notes, assignment, bulk actions,
export, audit, deadlines."""

import csv
import datetime as dt
import io

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import ModelLogEntry

from forms import groups
from forms.casework import transitions as services
from forms.kinds.help import help_request_transition
from forms.models import HelpRequest, InternalNote, Notification, RequestStatus, StaffNotice
from forms.reminders import deadline_reminders_send
from tests.inbox.conftest import file_application, file_request

pytestmark = pytest.mark.django_db


def test_a_fresh_install_has_the_roles_with_their_permissions(db):
    # Created by the post-migrate step that built this test database.
    officers = Group.objects.get(name=groups.OFFICERS)
    assert {p.codename for p in officers.permissions.all()} >= {
        "access_admin",
        "view_helprequest",
        "work_helprequest",
        "export_helprequest",
    }
    committee = {p.codename for p in Group.objects.get(name=groups.COMMITTEE).permissions.all()}
    assert "decide_helprequest" in committee and "work_helprequest" not in committee
    coordinators = Group.objects.get(name=groups.VOLUNTEER_COORDINATORS)
    assert not coordinators.permissions.filter(codename__contains="helprequest").exists()


@pytest.mark.parametrize("typed", ["0551234567", "+966551234567", "٠٥٥١٢٣٤٥٦٧", "966 55 123 4567"])
def test_a_phone_written_any_way_finds_the_request(client, roles, typed):
    wanted = file_request(mobile="+966551234567")
    file_request(mobile="+966509999999", full_name="خالد عمر")
    client.force_login(roles["officer"])
    page = client.get("/admin/inbox/help-requests/", {"q": typed}).content.decode()
    assert wanted.reference in page and page.count("HR-") >= 1
    api = client.get("/api/v1/staff/help-requests/", {"q": typed}).json()
    assert [row["reference"] for row in api["results"]] == [wanted.reference]


def test_an_id_finds_exactly_one_request(client, roles):
    wanted = file_request()
    file_request()
    client.force_login(roles["officer"])
    api = client.get("/api/v1/staff/help-requests/", {"q": wanted.national_id}).json()
    assert api["count"] == 1 and api["results"][0]["reference"] == wanted.reference


def test_filters_overdue_status_and_city(client, roles):
    late = file_request(city="مكة المكرمة")
    HelpRequest.objects.filter(pk=late.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=3)
    )
    on_time = file_request(city="جدة")
    closed_late = file_request(status=RequestStatus.CLOSED)
    HelpRequest.objects.filter(pk=closed_late.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=30)
    )
    client.force_login(roles["officer"])
    api = client.get("/api/v1/staff/help-requests/", {"overdue": "true"}).json()
    assert [r["reference"] for r in api["results"]] == [late.reference]
    assert api["results"][0]["days_left"] == -3
    page = client.get("/admin/inbox/help-requests/", {"overdue": "true"}).content.decode()
    assert late.reference in page and on_time.reference not in page
    assert "متأخر" in page
    city = client.get("/api/v1/staff/help-requests/", {"city": "جدة"}).json()
    assert {r["reference"] for r in city["results"]} == {on_time.reference, closed_late.reference}
    status = client.get("/api/v1/staff/help-requests/", {"status": ["closed", "received"]}).json()
    assert status["count"] == 3


def test_the_request_page_shows_everything_and_its_view_is_audited(client, roles):
    request = file_request()
    officer = roles["officer"]
    services.submission_note_add(submission=request, user=officer, text="اتصلت بها ولم ترد")
    client.force_login(officer)
    page = client.get(f"/admin/inbox/help-requests/inspect/{request.pk}/").content.decode()
    for text in (
        request.full_name,
        request.national_id,
        "اتصلت بها ولم ترد",
        "الروضة",
        "تم الاستلام",
    ):
        assert text in page
    assert ModelLogEntry.objects.filter(
        action="intake.view", user=officer, object_id=str(request.pk)
    ).exists()


def test_notes_are_never_shown_to_the_applicant(client, roles):
    request = file_request(status=RequestStatus.UNDER_REVIEW)
    services.submission_note_add(
        submission=request, user=roles["officer"], text="سري: شكوك حول الدخل"
    )
    help_request_transition(
        help_request=request,
        user=roles["officer"],
        to_status="referred",
        note="ملاحظة داخلية للجنة",
    )
    tracking = client.get(
        f"/ar/track/help/{request.reference}/{request.tracking_key}/"
    ).content.decode()
    assert "سري" not in tracking and "ملاحظة داخلية" not in tracking
    public_api = client.get(
        f"/api/v1/track/help/{request.reference}/", headers={"x-tracking-key": request.tracking_key}
    ).content.decode()
    assert "سري" not in public_api and "ملاحظة داخلية" not in public_api
    # The committee reads them.
    client.force_login(roles["committee"])
    detail = client.get(f"/api/v1/staff/help-requests/{request.reference}/").json()
    assert detail["notes"][0]["text"].startswith("سري")


def test_assignment_and_referral_to_the_social_researcher(client, roles):
    request = file_request()
    client.force_login(roles["officer"])
    response = client.post(
        f"/admin/inbox/help-requests/assign/{request.pk}/",
        {"assignee": roles["researcher"].pk, "note": "للدراسة الميدانية"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.assignee == roles["researcher"]
    event = request.events.last()
    assert event.is_assignment and not event.public and event.assigned_to == roles["researcher"]
    mine = client.get("/api/v1/staff/help-requests/", {"assignee": roles["researcher"].pk}).json()
    assert mine["count"] == 1
    # Nobody outside the help-request roles can be given a help request.
    api = client.post(
        f"/api/v1/staff/help-requests/{request.reference}/assignee/",
        {"assignee": roles["coordinator"].pk},
        content_type="application/json",
    )
    assert api.status_code == 400
    request.refresh_from_db()
    assert request.assignee == roles["researcher"]


def test_bulk_status_change_skips_what_the_procedure_does_not_allow(client, roles):
    received = [file_request(), file_request()]
    closed = file_request(status=RequestStatus.CLOSED)
    client.force_login(roles["officer"])
    ids = "&".join(f"id={r.pk}" for r in [*received, closed])
    url = f"/admin/bulk/intake/helprequest/change_status/?{ids}&next=/admin/inbox/help-requests/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_status": "under_review", "notify": ""})
    assert response.status_code == 302
    assert set(HelpRequest.objects.values_list("status", flat=True)) == {"under_review", "closed"}
    assert HelpRequest.objects.filter(status="under_review").count() == 2
    assign = f"/admin/bulk/intake/helprequest/assign/?{ids}&next=/admin/inbox/help-requests/"
    client.post(assign, {"assignee": roles["researcher"].pk})
    assert HelpRequest.objects.filter(assignee=roles["researcher"]).count() == 3


def test_export_is_complete_and_recorded(client, roles):
    file_request(full_name="منيرة صالح")
    file_request(full_name="هند فهد", status=RequestStatus.CLOSED)
    client.force_login(roles["officer"])
    response = client.get("/admin/inbox/help-requests/", {"export": "csv", "status": "received"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2 and "منيرة صالح" in rows[1]
    entry = ModelLogEntry.objects.get(action="intake.export")
    assert entry.user == roles["officer"] and entry.data["rows"] == 1
    xlsx = client.get("/admin/inbox/help-requests/", {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_accepted_volunteers_export_with_availability_and_skills(client, roles):
    file_application(status="accepted", full_name="ريم العتيبي")
    file_application(full_name="منى الشهري")
    client.force_login(roles["coordinator"])
    response = client.get("/admin/inbox/volunteers/", {"export": "csv", "status": "accepted"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2 and "ريم العتيبي" in rows[1]
    # the structured answers are exported by their names, "other" in the applicant's words
    assert "عطلة نهاية الأسبوع" in rows[1] and "تنظيم الفعاليات، التصميم والتصوير" in rows[1]
    assert "أخرى: الأسر المنتجة" in rows[1]


def test_deadline_reminders_go_to_assignees_without_personal_data(roles):
    officer, researcher = roles["officer"], roles["researcher"]
    late = file_request(full_name="اسم سري")
    HelpRequest.objects.filter(pk=late.pk).update(
        response_due=timezone.localdate() - dt.timedelta(days=2), assignee=researcher
    )
    unassigned = file_request()
    HelpRequest.objects.filter(pk=unassigned.pk).update(
        response_due=timezone.localdate() + dt.timedelta(days=1)
    )
    file_request()  # due in two weeks: no reminder
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        count = deadline_reminders_send()
    assert count == 2
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert late.reference in by_recipient[researcher.email]
    assert unassigned.reference in by_recipient[officer.email]
    assert "اسم سري" not in "".join(by_recipient.values())
    assert Notification.objects.filter(channel="email", status="sent").count() == 2
    # …and a notice on each one's admin dashboard, with references only.
    (notice,) = StaffNotice.objects.filter(user=researcher)
    assert late.reference in notice.text and "اسم سري" not in notice.text
    assert unassigned.reference in StaffNotice.objects.get(user=officer).text


def test_the_inbox_list_uses_a_bounded_number_of_queries(client, roles):
    client.force_login(roles["officer"])
    for _ in range(3):
        file_request()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/inbox/help-requests/").status_code == 200
    for _ in range(20):
        request = file_request()
        services.submission_assign(
            submission=request, user=roles["officer"], assignee=roles["researcher"]
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/admin/inbox/help-requests/").status_code == 200
    assert len(many) <= len(few) + 2, (len(few), len(many))


def test_internal_notes_need_words(roles):
    request = file_request()
    with pytest.raises(Exception, match="text"):
        services.submission_note_add(submission=request, user=roles["officer"], text="   ")
    assert not InternalNote.objects.exists()


def test_the_coordinator_filters_volunteers_by_interest_and_skill(client, roles):
    file_application(full_name="ريم العتيبي", interests="education,health", skills="teaching")
    file_application(full_name="منى الشهري", interests="food", skills="media")
    file_application(full_name="هند القحطاني", interests="events", skills="medical")
    client.force_login(roles["coordinator"])

    def names(**query):
        response = client.get("/admin/inbox/volunteers/", {"export": "csv", **query})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        return {row[3] for row in rows[1:]}

    assert names(interests="health") == {"ريم العتيبي"}
    assert names(interests=["food", "events"]) == {"منى الشهري", "هند القحطاني"}
    assert names(skills="media") == {"منى الشهري"}  # not "medical"
