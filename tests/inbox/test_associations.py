"""Several associations on one install, the inbox's side: two associations × every role × every
inbox URL, chooser, staff API endpoint, export, attachment download and search. Whatever belongs
to the other association is 404/403 and never listed or counted; a user with roles in two
associations sees each only on its own host; reminders, retention, person-data requests and the
service report stay within one association."""

import datetime as dt

import pytest

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from wagtail.models import Site

from forms import reports
from forms.associations import (
    association_casework_delete,
    association_casework_export,
    association_defaults_create,
)
from forms.casework.escalation import overdue_escalate
from forms.casework.filing import submission_file
from forms.casework.messages import tracking_url
from forms.casework.selectors import staff_for
from forms.fields.help import HelpRequestFields
from forms.kinds.complaint import COMPLAINTS
from forms.kinds.help import help_request_submit
from forms.models import Attachment, Complaint, HelpRequest, StaffNotice, SupportType
from forms.privacy import person_data_export, retention_apply
from forms.reminders import deadline_reminders_send
from portal.core.associations import association
from search.index.elastic import build_search
from search.index.query import SubmissionQuery
from search.index.service import index_pending, search_submissions
from tests.associations import OTHER_HOST, association_add, member_of
from tests.forms.helpers import pdf, saudi_id
from tests.inbox.conftest import (
    CONSENTS,
    complaint_data,
    file_application,
    file_complaint,
    help_data,
)
from tests.inbox.test_permissions import doors

pytestmark = pytest.mark.django_db

HOME = "testserver"  # the default association's host
ROLES = [
    "officer",
    "researcher",
    "committee",
    "coordinator",
    "complaints",
    "administrator",
    "editor",
    "secretary",
]
# Doors that name no submission: allowed to a role on its own association's host, where they
# must list and count nothing of the other association.
LISTS = {
    "help list",
    "help list results",
    "help export csv",
    "help export xlsx",
    "help chooser",
    "help chooser results",
    "help chooser chosen many",  # answers with the chosen rows it may show: none
    "record off-line request",
    "volunteer list",
    "volunteer export csv",
    "volunteer chooser",
    "complaint list",
    "complaint export csv",
    "api complaint list",
    "api help list",
    "api volunteer list",
}


def _denied(response) -> bool:
    if response.status_code in (403, 404):
        return True
    # The admin sends those who may not enter it to the sign-in page.
    return response.status_code == 302 and "/login" in response["Location"]


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _call(client, method, url, host):
    if method == "get":
        return client.get(url, HTTP_HOST=host)
    if url.startswith("/api/"):
        return client.post(url, {"text": "ملاحظة"}, content_type="application/json", HTTP_HOST=host)
    return client.post(url, {"text": "ملاحظة"}, HTTP_HOST=host)


def _casework(site, name: str, *, with_attachment: bool = True):
    """One submission of every kind (and a document) in association `site`."""
    support_type = SupportType.objects.get(site=site, slug="financial")
    with association(site), TestCase.captureOnCommitCallbacks(execute=True):
        help_request, _ = help_request_submit(
            data={
                **BASE_HELP,
                "support_type": support_type,
                "full_name": name,
                "national_id": saudi_id(body=str(30000000 + site.pk * 1000 + len(name))),
            },
            consents=CONSENTS,
            attachments=[pdf("هوية.pdf")] if with_attachment else [],
        )
        application = file_application(**{"full_name": name})
        complaint = file_complaint(**{"full_name": name})
    attachment = Attachment.objects.filter(case_file=help_request.case_file).first()
    return {
        "help": help_request,
        "volunteer": application,
        "complaint": complaint,
        "attachment": attachment,
    }


BASE_HELP: dict = {}
MINE_NAME = "فاطمة علي الحربي"  # the default association's applicant


@pytest.fixture
def two(db, settings, roles):
    """The default association (`testserver`) and another (`other.example.org`), each with a
    submission of every kind; `roles` holds a user per role of the default association."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]
    BASE_HELP.clear()
    BASE_HELP.update(help_data())
    home = Site.objects.get(is_default_site=True)
    other = association_add()
    association_defaults_create(other)
    mine = _casework(home, MINE_NAME)
    theirs = _casework(other, "نورة سالم العتيبي")
    index_pending()
    return {"home": home, "other": other, "mine": mine, "theirs": theirs}


def _objects(data):
    return data["help"], data["volunteer"], data["attachment"], data["complaint"]


def test_the_casework_of_each_association_is_its_own(two):
    assert two["mine"]["help"].site == two["home"]
    assert two["theirs"]["help"].site == two["other"]
    for submission in (*_objects(two["theirs"])[:2], two["theirs"]["complaint"]):
        assert submission.site == two["other"]
        assert submission.case_file.site == two["other"]


@pytest.mark.parametrize("role", ROLES)
def test_a_role_of_one_association_opens_nothing_of_the_other(client, two, role):
    """A member of the other association, on its own host: the default association's
    submissions are 404/403 at every door; its lists show none of them. On the default
    association's host they are nobody at all."""
    user = member_of(two["other"], role)
    client.force_login(user)
    mine, theirs = two["mine"], two["theirs"]
    foreign = {mine["help"].reference, mine["volunteer"].reference, mine["complaint"].reference}
    failures = []
    for name, (method, url, _allowed) in doors(*_objects(mine)).items():
        response = _call(client, method, url, OTHER_HOST)
        if name in LISTS:
            body = _body(response)
            # A reference typed into a search comes back in the page's links: not a leak.
            shown = {ref for ref in foreign if ref not in url}
            if any(text in body for text in shown | {MINE_NAME}):
                failures.append((name, "lists the other association's", response.status_code))
        elif not _denied(response):
            failures.append((name, OTHER_HOST, response.status_code))
        # On the default association's host the role counts for nothing.
        response = _call(client, method, url, HOME)
        if not _denied(response):
            failures.append((name, HOME, response.status_code))
    assert failures == [], failures
    # The same doors for its own association's submissions, on its own host, open as the
    # single-association matrix says.
    allowed = {
        name: (role in roles_allowed)
        for name, (_m, _u, roles_allowed) in doors(*_objects(theirs)).items()
    }
    wrong = []
    for name, (method, url, _roles) in doors(*_objects(theirs)).items():
        response = _call(client, method, url, OTHER_HOST)
        ok = response.status_code in (200, 201) or (
            response.status_code == 302 and "/inspect/" in response["Location"]
        )
        if ok != allowed[name]:
            wrong.append((name, response.status_code))
    assert wrong == []


@pytest.mark.parametrize(
    "role", ["officer", "researcher", "committee", "coordinator", "complaints"]
)
def test_a_role_of_the_default_association_opens_nothing_on_the_other_host(
    client, two, roles, role
):
    client.force_login(roles[role])
    theirs = two["theirs"]
    failures = []
    for name, (method, url, _allowed) in doors(*_objects(theirs)).items():
        response = _call(client, method, url, OTHER_HOST)
        if not _denied(response):
            failures.append((name, response.status_code))
    assert failures == []


def test_a_superuser_sees_only_the_host_association(client, two, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    for host, own, other in (
        (HOME, two["mine"], two["theirs"]),
        (OTHER_HOST, two["theirs"], two["mine"]),
    ):
        body = client.get("/admin/inbox/help-requests/", HTTP_HOST=host).content.decode()
        assert own["help"].reference in body and other["help"].reference not in body
        response = client.get(
            f"/admin/inbox/help-requests/inspect/{other['help'].pk}/", HTTP_HOST=host
        )
        assert response.status_code in (403, 404)
        response = client.get(
            f"/admin/requests/attachments/{other['attachment'].pk}/", HTTP_HOST=host
        )
        assert response.status_code == 404


def test_a_user_with_roles_in_two_associations_sees_each_only_on_its_own_host(client, two):
    user = member_of(two["home"], "officer")
    member_of(two["other"], "coordinator", user=user)
    client.force_login(user)
    assert client.get("/admin/inbox/help-requests/", HTTP_HOST=HOME).status_code == 200
    assert _denied(client.get("/admin/inbox/volunteers/", HTTP_HOST=HOME))
    assert client.get("/admin/inbox/volunteers/", HTTP_HOST=OTHER_HOST).status_code == 200
    assert _denied(client.get("/admin/inbox/help-requests/", HTTP_HOST=OTHER_HOST))
    body = client.get("/admin/inbox/volunteers/", HTTP_HOST=OTHER_HOST).content.decode()
    assert two["theirs"]["volunteer"].reference in body
    assert two["mine"]["volunteer"].reference not in body
    api = client.get("/api/v1/staff/volunteer-applications/", HTTP_HOST=OTHER_HOST).json()
    references = {row["reference"] for row in api["results"]} if "results" in api else set()
    assert references == {two["theirs"]["volunteer"].reference}


def test_search_finds_only_the_host_association(client, two):
    officer = member_of(two["other"], "officer")
    mine, theirs = two["mine"]["help"], two["theirs"]["help"]
    with association(two["other"]):
        found = {hit.reference for hit in search_submissions(officer, text="").hits}
        assert found == {theirs.reference}
        for text in (mine.reference, mine.national_id, "فاطمة الحربي", "الحربي"):
            assert search_submissions(officer, text=text).total == 0, text
        assert search_submissions(officer, text="نورة العتيبي").total == 1
    client.force_login(officer)
    for text in (mine.reference, "فاطمة", mine.national_id):
        response = client.get(f"/api/v1/staff/search/?q={text}", HTTP_HOST=OTHER_HOST)
        assert response.status_code == 200
        assert response.json()["total"] == 0, text
        body = client.get(
            f"/admin/inbox/help-requests/?q={text}", HTTP_HOST=OTHER_HOST
        ).content.decode()
        assert MINE_NAME not in body and f"inspect/{mine.pk}/" not in body
    # The default association's officer searching for the other's names finds nothing.
    home_officer = member_of(two["home"], "officer")
    with association(two["home"]):
        assert search_submissions(home_officer, text="نورة العتيبي").total == 0
        assert search_submissions(home_officer, text=theirs.reference).total == 0


def test_counts_and_reports_are_of_one_association(two):
    with association(two["other"]):
        board = reports.status_board(COMPLAINTS)
        stats = reports.dashboard()
    assert sum(n for _v, _l, n in board["statuses"]) == 1
    assert sum(n for _v, _l, n in stats["statuses"]) == 1
    # A third request in the default association changes only its own figures.
    with association(two["home"]), TestCase.captureOnCommitCallbacks(execute=True):
        submission_file(kind=COMPLAINTS, data=complaint_data(), consents=CONSENTS)
    assert sum(n for _v, _l, n in reports.status_board(COMPLAINTS, two["home"])["statuses"]) == 2
    assert sum(n for _v, _l, n in reports.status_board(COMPLAINTS, two["other"])["statuses"]) == 1
    years = reports.complaints_report(year=timezone.localdate().year, site=two["other"])
    assert years["total"]["count"] == 1
    report = reports.service_report(site=two["other"])
    assert {row["type"].site_id for row in report["rows"]} == {two["other"].pk}


def test_dashboard_counts_only_the_host_association(client, two):
    officer = member_of(two["other"], "officer")
    client.force_login(officer)
    body = client.get("/admin/", HTTP_HOST=OTHER_HOST).content.decode()
    assert two["mine"]["help"].reference not in body
    with association(two["other"]):
        assert reports.dashboard()["open"] == 1


def test_tracking_answers_only_on_the_association_host(client, two):
    mine = two["mine"]["help"]
    path = tracking_url(mine).split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}", HTTP_HOST=HOME).status_code == 200
    assert client.get(f"/{path}", HTTP_HOST=OTHER_HOST).status_code == 404
    theirs = two["theirs"]["help"]
    assert tracking_url(theirs).startswith(f"http://{OTHER_HOST}/")
    api = f"/api/v1/track/help/{mine.reference}/"
    key = {"HTTP_X_TRACKING_KEY": mine.tracking_key}
    assert client.get(api, HTTP_HOST=HOME, **key).status_code == 200
    assert client.get(api, HTTP_HOST=OTHER_HOST, **key).status_code == 404


def test_reminders_stay_within_one_association(two):
    today = timezone.localdate()
    HelpRequest.objects.update(response_due=today - dt.timedelta(days=1))
    mine_officer = member_of(two["home"], "officer")
    mine_officer.email = "home@example.org"
    mine_officer.save()
    their_officer = member_of(two["other"], "officer")
    their_officer.email = "other@example.org"
    their_officer.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        deadline_reminders_send(today=today)
    home_notice = StaffNotice.objects.get(user=mine_officer)
    their_notice = StaffNotice.objects.get(user=their_officer)
    assert home_notice.site == two["home"] and their_notice.site == two["other"]
    assert two["mine"]["help"].reference in home_notice.text
    assert two["theirs"]["help"].reference not in home_notice.text
    assert two["theirs"]["help"].reference in their_notice.text
    assert two["mine"]["help"].reference not in their_notice.text
    for message in mail.outbox:
        if "home@example.org" in message.to:
            assert two["theirs"]["help"].reference not in message.body
        if "other@example.org" in message.to:
            assert two["mine"]["help"].reference not in message.body
            assert OTHER_HOST in message.body


def test_escalation_tells_each_association_of_its_own(two):
    Complaint.objects.update(response_due=timezone.localdate() - dt.timedelta(days=3))
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = overdue_escalate()
    assert set(report["complaint"]) == {
        two["mine"]["complaint"].reference,
        two["theirs"]["complaint"].reference,
    }
    for message in mail.outbox:
        assert not (
            two["mine"]["complaint"].reference in message.body
            and two["theirs"]["complaint"].reference in message.body
        )


def test_retention_and_person_data_stay_within_one_association(two, settings):
    later = timezone.now() + dt.timedelta(days=settings.SUBMISSION_RETENTION_DAYS + 5)
    HelpRequest.objects.update(status="closed")
    report = retention_apply(now=later, site=two["other"])
    assert report["help_requests"] == [two["theirs"]["help"].reference]
    assert HelpRequest.objects.get(pk=two["mine"]["help"].pk).anonymised_at is None
    assert HelpRequest.objects.get(pk=two["theirs"]["help"].pk).anonymised_at is not None
    # The same person in both associations: each answers for its own data only.
    national_id = two["mine"]["help"].national_id
    HelpRequest.objects.filter(pk=two["theirs"]["help"].pk).update(national_id=national_id)
    exported = person_data_export(national_id=national_id, site=two["home"])
    assert [row["reference"] for row in exported["help_requests"]] == [
        two["mine"]["help"].reference
    ]


def test_an_association_casework_is_exported_then_deleted_alone(two):
    export = association_casework_export(two["other"])
    assert [row["reference"] for row in export["help_requests"]] == [
        two["theirs"]["help"].reference
    ]
    assert {row["slug"] for row in export["support_types"]} >= {"financial"}
    association_casework_delete(two["other"])
    assert not HelpRequest.objects.filter(site=two["other"]).exists()
    assert HelpRequest.objects.filter(site=two["home"]).count() == 1
    assert SupportType.objects.filter(site=two["home"]).exists()


def test_defaults_of_an_association_are_made_once(two):
    assert association_defaults_create(two["other"]) == []
    assert (
        SupportType.objects.filter(site=two["other"]).count()
        == SupportType.objects.filter(site=two["home"]).count()
    )


def test_staff_choices_are_of_the_host_association(client, two):
    """The assignee choices and the filter of types of support offer only the association's."""
    mine_officer = member_of(two["home"], "officer")
    their_officer = member_of(two["other"], "officer")
    with association(two["other"]):
        people = set(staff_for(two["theirs"]["help"].kind))
    assert their_officer in people and mine_officer not in people
    client.force_login(their_officer)
    body = client.get("/admin/inbox/help-requests/", HTTP_HOST=OTHER_HOST).content.decode()
    mine_type = SupportType.objects.get(site=two["home"], slug="financial")
    assert f'value="{mine_type.pk}"' not in body


def test_public_forms_offer_and_accept_only_the_host_types_of_support(client, two):
    mine_type = SupportType.objects.get(site=two["home"], slug="financial")
    with association(two["other"]):
        form = HelpRequestFields()
        offered = set(form.fields["support_type"].queryset.values_list("site_id", flat=True))
    assert offered == {two["other"].pk}
    with association(two["other"]):
        form = HelpRequestFields(data={"support_type": mine_type.pk})
        form.is_valid()
    assert "support_type" in form.errors


def test_every_elasticsearch_query_of_the_service_is_within_one_association():
    indexes = {"help": "sila-help-requests", "volunteer": "sila-volunteer-applications"}
    for text in ("", "إبراهيم الأسمري", "0551234567", "HR-2026-000001"):
        body = build_search(SubmissionQuery(text=text, kinds=("help",), site_id=7), indexes)
        assert {"term": {"site": 7}} in body.to_dict()["query"]["bool"]["filter"], text


# --- idempotency keys are each association's own ---------------------------------------------


def _file_with_key(site, key, *, replay_checked=False, name="سلمى خالد الدوسري"):
    with association(site), TestCase.captureOnCommitCallbacks(execute=True):
        return submission_file(
            kind=COMPLAINTS,
            data=complaint_data(full_name=name),
            consents=CONSENTS,
            idempotency_key=key,
            replay_checked=replay_checked,
        )


def test_the_same_idempotency_key_files_once_per_association(two):
    mine, created_mine = _file_with_key(two["home"], "retry-1")
    theirs, created_theirs = _file_with_key(two["other"], "retry-1")
    assert created_mine and created_theirs and mine.pk != theirs.pk
    assert (mine.site, theirs.site) == (two["home"], two["other"])
    # Within one association the key replays what it filed.
    assert _file_with_key(two["home"], "retry-1") == (mine, False)
    assert _file_with_key(two["other"], "retry-1") == (theirs, False)
    assert Complaint.objects.filter(idempotency_key="retry-1").count() == 2


def test_a_raced_idempotency_key_returns_its_own_associations_submission(two):
    """A door that looked the key up (replay_checked) and raced another filing meets the
    database's constraint, which holds per association: it returns the one of its own."""
    mine, _created = _file_with_key(two["home"], "raced")
    again, created = _file_with_key(two["home"], "raced", replay_checked=True)
    assert (again, created) == (mine, False)
    theirs, created = _file_with_key(two["other"], "raced", replay_checked=True)
    assert created and theirs.site == two["other"]


def test_the_api_files_the_same_key_once_in_each_association(client, two):
    from tests.forms.test_api import api_data

    data = api_data(support_type=SupportType.objects.get(site=two["home"], slug="financial").pk)
    headers = {"Idempotency-Key": "client-key-1"}
    url = "/api/v1/help-requests/?locale=en"
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.post(url, data, headers=headers, HTTP_HOST=HOME)
        replay = client.post(url, data, headers=headers, HTTP_HOST=HOME)
    data["support_type"] = SupportType.objects.get(site=two["other"], slug="financial").pk
    with TestCase.captureOnCommitCallbacks(execute=True):
        other = client.post(url, data, headers=headers, HTTP_HOST=OTHER_HOST)
    assert (first.status_code, replay.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["reference"] == replay.json()["reference"] != other.json()["reference"]
    assert HelpRequest.objects.filter(site=two["other"], idempotency_key__isnull=False).count() == 1
