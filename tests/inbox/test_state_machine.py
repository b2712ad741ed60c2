"""The procedure as a state machine: every legal step works from the services, the admin and the
API; every illegal step is refused everywhere and changes nothing."""

import pytest

from django.test import TestCase

from forms import sms
from forms.kinds import help as services
from forms.kinds import volunteer
from forms.models import (
    HelpRequest,
    Notification,
    RequestStatus,
    StatusEvent,
    VolunteerApplication,
    VolunteerStatus,
)
from tests.inbox.conftest import file_application, file_request

pytestmark = pytest.mark.django_db

HELP_LEGAL = [
    (src, dst) for src, targets in services.HELP_REQUEST_TRANSITIONS.items() for dst in targets
]
HELP_ILLEGAL = [
    (src, dst)
    for src in RequestStatus.values
    for dst in RequestStatus.values
    if dst not in services.HELP_REQUEST_TRANSITIONS.get(src, {})
]
VOLUNTEER_LEGAL = [
    (src, dst) for src, targets in volunteer.VOLUNTEER_TRANSITIONS.items() for dst in targets
]
VOLUNTEER_ILLEGAL = [
    (src, dst)
    for src in VolunteerStatus.values
    for dst in VolunteerStatus.values
    if dst not in volunteer.VOLUNTEER_TRANSITIONS.get(src, {})
]


def actor(roles, src, dst):
    """The role the procedure gives this step to."""
    return (
        roles["committee"]
        if services.HELP_REQUEST_TRANSITIONS[src][dst] == services.DECIDE
        else roles["officer"]
    )


def step_fields(dst) -> dict:
    fields = {"note": "ملاحظة داخلية", "notify": True}
    if dst in (RequestStatus.ACCEPTED, RequestStatus.REJECTED):
        fields["meeting"] = "الاجتماع ١٢ بتاريخ ١٤٤٨/٥/١"
    if dst == RequestStatus.REJECTED:
        fields["reason"] = "الدخل يتجاوز حد الاستحقاق"
    if dst == RequestStatus.INFORMATION_NEEDED:
        fields["message"] = "أرسلي صورة عقد الإيجار"
    return fields


def snapshot(submission):
    submission.refresh_from_db()
    return (
        submission.status,
        submission.events.count(),
        Notification.objects.of(submission).count(),
    )


def test_the_tables_cover_the_published_procedure():
    R = RequestStatus
    path = [
        R.RECEIVED,
        R.UNDER_REVIEW,
        R.INFORMATION_NEEDED,
        R.UNDER_REVIEW,
        R.REFERRED,
        R.ACCEPTED,
        R.DELIVERED,
        R.CLOSED,
    ]
    for src, dst in zip(path, path[1:], strict=False):
        assert dst in services.HELP_REQUEST_TRANSITIONS[src]
    assert R.CLOSED in services.HELP_REQUEST_TRANSITIONS[R.REJECTED]
    for open_status in (R.RECEIVED, R.UNDER_REVIEW, R.INFORMATION_NEEDED, R.REFERRED):
        assert {R.WITHDRAWN, R.SPAM} <= set(services.HELP_REQUEST_TRANSITIONS[open_status])
    # Decisions are the committee's alone.
    assert services.HELP_REQUEST_TRANSITIONS[R.REFERRED][R.ACCEPTED] == services.DECIDE
    assert services.HELP_REQUEST_TRANSITIONS[R.REFERRED][R.REJECTED] == services.DECIDE


@pytest.mark.parametrize(("src", "dst"), HELP_LEGAL)
def test_every_legal_help_request_step_through_the_service(roles, src, dst):
    request = file_request(status=src)
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        event = services.help_request_transition(
            help_request=request, user=actor(roles, src, dst), to_status=dst, **step_fields(dst)
        )
    request.refresh_from_db()
    assert request.status == dst
    assert (event.from_status, event.to_status, event.by) == (src, dst, actor(roles, src, dst))
    assert event.note == "ملاحظة داخلية" and event.public
    # Steps that concern the applicant send a message; checking and referring the file do not.
    quiet = dst in (RequestStatus.UNDER_REVIEW, RequestStatus.REFERRED)
    assert bool(sms.outbox) is not quiet, "the applicant is told when the step concerns them"
    if dst in (RequestStatus.ACCEPTED, RequestStatus.REJECTED):
        assert request.decided_at and request.committee_meeting
    if dst == RequestStatus.CLOSED:
        assert any("/rate/" in message["message"] for message in sms.outbox)


@pytest.mark.parametrize(("src", "dst"), HELP_LEGAL)
def test_every_legal_help_request_step_from_the_admin(client, roles, src, dst):
    request = file_request(status=src)
    client.force_login(actor(roles, src, dst))
    response = client.post(
        f"/admin/inbox/help-requests/transition/{request.pk}/",
        {"to_status": dst, **step_fields(dst)},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == dst


@pytest.mark.parametrize(("src", "dst"), HELP_LEGAL)
def test_every_legal_help_request_step_from_the_api(client, roles, src, dst):
    request = file_request(status=src)
    client.force_login(actor(roles, src, dst))
    response = client.post(
        f"/api/v1/staff/help-requests/{request.reference}/transitions/",
        {"to_status": dst, **step_fields(dst)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == dst


def test_every_illegal_help_request_step_is_refused_everywhere(client, roles):
    superuser = roles["officer"].__class__.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(superuser)
    for src, dst in HELP_ILLEGAL:
        request = file_request(status=src)
        before = snapshot(request)
        with pytest.raises(Exception) as refused:
            services.help_request_transition(
                help_request=request, user=superuser, to_status=dst, **step_fields(dst)
            )
        assert refused.type.__name__ == "ValidationError", (src, dst)
        admin = client.post(
            f"/admin/inbox/help-requests/transition/{request.pk}/",
            {"to_status": dst, **step_fields(dst)},
        )
        assert admin.status_code == 302
        api = client.post(
            f"/api/v1/staff/help-requests/{request.reference}/transitions/",
            {"to_status": dst, **step_fields(dst)},
            content_type="application/json",
        )
        assert api.status_code == 400, (src, dst)
        assert api.json()["fields"]["to_status"]
        assert snapshot(request) == before, (src, dst)


def test_a_role_cannot_take_a_step_that_is_not_its_own(client, roles):
    referred = file_request(status=RequestStatus.REFERRED)
    before = snapshot(referred)
    client.force_login(roles["officer"])
    response = client.post(
        f"/api/v1/staff/help-requests/{referred.reference}/transitions/",
        {"to_status": "accepted", "meeting": "12", "notify": True},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"/admin/inbox/help-requests/transition/{referred.pk}/",
            {"to_status": "accepted", "meeting": "12"},
        ).status_code
        == 403
    )
    received = file_request()
    client.force_login(roles["committee"])
    response = client.post(
        f"/api/v1/staff/help-requests/{received.reference}/transitions/",
        {"to_status": "under_review"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert snapshot(referred) == before
    assert HelpRequest.objects.get(pk=received.pk).status == "received"


@pytest.mark.parametrize(
    ("dst", "missing", "fields"),
    [
        ("rejected", "reason", {"meeting": "12"}),
        ("rejected", "meeting", {"reason": "سبب"}),
        ("accepted", "meeting", {}),
    ],
)
def test_a_decision_needs_its_meeting_and_a_rejection_its_reason(
    client, roles, dst, missing, fields
):
    request = file_request(status=RequestStatus.REFERRED)
    before = snapshot(request)
    client.force_login(roles["committee"])
    response = client.post(
        f"/api/v1/staff/help-requests/{request.reference}/transitions/",
        {"to_status": dst, **fields},
        content_type="application/json",
        headers={"accept-language": "ar"},
    )
    assert response.status_code == 400
    assert missing in response.json()["fields"]
    assert snapshot(request) == before


def test_asking_for_information_needs_the_question(roles):
    request = file_request(status=RequestStatus.UNDER_REVIEW)
    with pytest.raises(Exception, match="message"):
        services.help_request_transition(
            help_request=request, user=roles["officer"], to_status="information_needed"
        )
    assert HelpRequest.objects.get(pk=request.pk).status == "under_review"


def test_the_applicant_is_not_told_when_staff_say_so(roles):
    request = file_request()
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        event = services.help_request_transition(
            help_request=request, user=roles["officer"], to_status="under_review", notify=False
        )
    assert not event.public and not sms.outbox


def test_a_rejection_tells_the_applicant_the_reason_in_their_language(roles):
    request = file_request(
        status=RequestStatus.REFERRED,
    )
    HelpRequest.objects.filter(pk=request.pk).update(language="en")
    request.refresh_from_db()
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.help_request_transition(
            help_request=request,
            user=roles["committee"],
            to_status="rejected",
            reason="Income above the limit",
            meeting="Meeting 12",
        )
    message = sms.outbox[-1]["message"]
    assert "could not accept" in message and "Income above the limit" in message
    assert (
        StatusEvent.objects.of(request).filter(to_status="rejected").get().message
        == "Income above the limit"
    )


@pytest.mark.parametrize(("src", "dst"), VOLUNTEER_LEGAL)
def test_every_legal_volunteer_step_from_service_admin_and_api(client, roles, src, dst):
    coordinator = roles["coordinator"]
    client.force_login(coordinator)
    for door in ("service", "admin", "api"):
        application = file_application(status=src)
        if door == "service":
            volunteer.volunteer_application_transition(
                application=application, user=coordinator, to_status=dst
            )
        elif door == "admin":
            assert (
                client.post(
                    f"/admin/inbox/volunteers/transition/{application.pk}/",
                    {"to_status": dst, "notify": "on"},
                ).status_code
                == 302
            )
        else:
            response = client.post(
                f"/api/v1/staff/volunteer-applications/{application.reference}/transitions/",
                {"to_status": dst},
                content_type="application/json",
            )
            assert response.status_code == 200, response.json()
        application.refresh_from_db()
        assert application.status == dst, door


def test_every_illegal_volunteer_step_is_refused_everywhere(client, roles):
    coordinator = roles["coordinator"]
    client.force_login(coordinator)
    for src, dst in VOLUNTEER_ILLEGAL:
        application = file_application(status=src)
        before = snapshot(application)
        with pytest.raises(Exception) as refused:
            volunteer.volunteer_application_transition(
                application=application, user=coordinator, to_status=dst
            )
        assert refused.type.__name__ == "ValidationError"
        client.post(f"/admin/inbox/volunteers/transition/{application.pk}/", {"to_status": dst})
        api = client.post(
            f"/api/v1/staff/volunteer-applications/{application.reference}/transitions/",
            {"to_status": dst},
            content_type="application/json",
        )
        assert api.status_code == 400
        assert snapshot(application) == before, (src, dst)
    assert VolunteerApplication.objects.exists()
