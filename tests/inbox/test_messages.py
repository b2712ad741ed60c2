"""Messages that reach people the way they asked: channels and the SMS fallback, which steps
speak, merged steps, the count for a whole request, delivery states through a real loopback
gateway, resending, links on another port, and the multipart email in both languages."""

import datetime as dt
import random
import subprocess
from email.mime.image import MIMEImage
from pathlib import Path

import pytest

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.users.models import UserProfile

from forms import sms, whatsapp
from forms.casework import selectors
from forms.casework.transitions import submission_assign, submission_due_extend
from forms.kinds.help import HELP_REQUESTS, help_request_submit, help_request_transition
from forms.kinds.volunteer import volunteer_application_transition
from forms.models import HelpRequest, Notification, RequestStatus, StaffNotice
from forms.notifications import (
    failed_messages,
    notification_resend,
    notifications_retry_due,
    retry_delays,
)
from tests.inbox.conftest import CONSENTS, file_application, help_data
from tests.loopback import Gateway

R = RequestStatus
ROOT = Path(__file__).resolve().parents[2]


def file_request(status: str | None = None, language: str = "ar", **overrides) -> HelpRequest:
    """A help request filed through the service in the applicant's language."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        request, _created = help_request_submit(
            data=help_data(**overrides), consents=CONSENTS, language=language
        )
    if status:
        HelpRequest.objects.filter(pk=request.pk).update(status=status)
        request.refresh_from_db()
    return request


@pytest.fixture(autouse=True)
def _empty_outboxes():
    sms.outbox.clear()
    whatsapp.outbox.clear()
    mail.outbox.clear()
    yield
    sms.outbox.clear()
    whatsapp.outbox.clear()


def step(request, user, to, **fields):
    with TestCase.captureOnCommitCallbacks(execute=True):
        help_request_transition(help_request=request, user=user, to_status=to, **fields)
    request.refresh_from_db()


DECISION = {"meeting": "الاجتماع ١٢"}


def typical_request(roles, request):
    """The usual path of a request from the inbox: checked, referred, accepted, delivered,
    closed, each step as staff take it from the admin (which asks to tell the applicant)."""
    officer, committee = roles["officer"], roles["committee"]
    step(request, officer, R.UNDER_REVIEW, notify=True)
    step(request, officer, R.REFERRED, notify=True)
    step(request, committee, R.ACCEPTED, notify=True, **DECISION)
    step(request, officer, R.DELIVERED, notify=True)
    step(request, officer, R.CLOSED, notify=True)


def sweep_later(minutes: int = 5):
    """The worker's sweep, run as if some minutes had passed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notifications_retry_due(now=timezone.now() + dt.timedelta(minutes=minutes))


# --- channels --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preferred", "email", "expected"),
    [
        ("whatsapp", "", [("whatsapp", "+966551234567")]),
        ("whatsapp", "f@example.org", [("whatsapp", "+966551234567"), ("email", "f@example.org")]),
        ("sms", "f@example.org", [("sms", "+966551234567"), ("email", "f@example.org")]),
        ("call", "", [("sms", "+966551234567")]),
        ("email", "f@example.org", [("email", "f@example.org")]),
        ("email", "", [("sms", "+966551234567")]),  # no address: the mobile still gets it
    ],
)
def test_the_receipt_goes_the_way_the_applicant_asked_with_an_email_copy(
    roles, preferred, email, expected
):
    request = file_request(preferred_contact=preferred, email=email)
    sent = [(n.channel, n.recipient) for n in Notification.objects.of(request)]
    assert sent == expected
    assert Notification.objects.of(request).exclude(status="sent").count() == 0
    assert len(whatsapp.outbox) == sum(1 for c, _r in expected if c == "whatsapp")
    assert len(sms.outbox) == sum(1 for c, _r in expected if c == "sms")
    assert len(mail.outbox) == sum(1 for c, _r in expected if c == "email")
    for message in [*whatsapp.outbox, *sms.outbox]:
        assert request.reference in message["message"]


def test_whatsapp_that_fails_falls_back_to_sms_at_once(roles, settings):
    refusing = Gateway(failures=10_000)
    settings.WHATSAPP_BACKEND = "forms.whatsapp.HTTPGatewayBackend"
    settings.WHATSAPP_GATEWAY_URL = refusing.url
    try:
        request = file_request(preferred_contact="whatsapp")
    finally:
        refusing.close()
    assert len(refusing.received) == 1 and request.reference in refusing.received[0]["message"]
    whatsapp_message, sms_copy = Notification.objects.of(request)
    assert (whatsapp_message.channel, whatsapp_message.status) == ("whatsapp", "failed")
    assert "503" in whatsapp_message.last_error
    assert (sms_copy.channel, sms_copy.status, sms_copy.copy_of) == (
        "sms",
        "sent",
        whatsapp_message,
    )
    assert len(sms.outbox) == 1 and request.reference in sms.outbox[0]["message"]
    # The SMS answered the failure: the inbox does not flag it.
    assert not failed_messages().filter(case_file_id=request.case_file_id).exists()


def test_without_whatsapp_those_who_asked_for_it_get_sms(roles, settings):
    settings.WHATSAPP_BACKEND = "forms.whatsapp.UnavailableBackend"
    request = file_request(preferred_contact="whatsapp")
    (message,) = Notification.objects.of(request)
    assert (message.channel, message.status) == ("sms", "sent")
    assert whatsapp.outbox == [] and len(sms.outbox) == 1


# --- which events speak, and how many messages a request brings ------------------------------


def test_steps_that_do_not_concern_the_applicant_send_nothing(roles):
    request = file_request()
    sms.outbox.clear()
    step(request, roles["officer"], R.UNDER_REVIEW, notify=True)
    step(request, roles["officer"], R.REFERRED, notify=True)
    assert sms.outbox == []
    # …yet the applicant sees them on the tracking page, and staff may still write to them.
    assert [e.public for e in request.events.all()] == [True, True, True]
    step(request, roles["committee"], R.UNDER_REVIEW, message="نراجع ملفك مرة أخرى")
    assert len(sms.outbox) == 1 and "نراجع ملفك مرة أخرى" in sms.outbox[0]["message"]


def test_a_rejection_tells_the_reason_and_closing_invites_a_rating(roles):
    request = file_request(status=R.REFERRED, language="en")
    sms.outbox.clear()
    step(request, roles["committee"], R.REJECTED, reason="Income above the limit", **DECISION)
    step(request, roles["officer"], R.CLOSED)
    rejection, closing = (m["message"] for m in sms.outbox)
    assert "Income above the limit" in rejection and request.reference in rejection
    assert "/rate/" in closing and len(sms.outbox) == 2


VARIANTS = [
    (preferred, email, language)
    for preferred in ("sms", "whatsapp", "call", "email")
    for email in ("", "applicant@example.org")
    for language in ("ar", "en")
]


@pytest.mark.parametrize(("preferred", "email", "language"), random.Random(17).sample(VARIANTS, 6))
def test_a_typical_request_brings_four_messages_end_to_end(roles, preferred, email, language):
    request = file_request(preferred_contact=preferred, email=email, language=language)
    typical_request(roles, request)
    messages = list(Notification.objects.of(request))
    events = [m.event for m in messages if m.copy_of_id is None]
    # One message per event, on each of the applicant's channels.
    channels = len({(m.channel, m.recipient) for m in messages})
    assert len(messages) == 4 * channels
    assert len(set(events)) == 4
    assert set(events) == {"receipt_sms", "accepted_sms", "delivered_sms", "rating_request_sms"}
    assert {m.status for m in messages} == {"sent"}
    assert {m.language for m in messages} == {language}


def test_quick_successive_steps_reach_the_applicant_as_one_message(roles, settings):
    settings.MESSAGE_MERGE_SECONDS = 120
    request = file_request(preferred_contact="whatsapp", email="f@example.org")
    whatsapp.outbox.clear()
    mail.outbox.clear()
    step(request, roles["officer"], R.UNDER_REVIEW)
    step(request, roles["officer"], R.REFERRED)
    step(request, roles["committee"], R.ACCEPTED, **DECISION)
    step(request, roles["officer"], R.DELIVERED)
    step(request, roles["officer"], R.CLOSED)
    held = Notification.objects.of(request).filter(status="pending")
    assert held.count() == 2  # one WhatsApp, one email, nothing sent yet
    assert whatsapp.outbox == [] and mail.outbox == []
    assert sweep_later(3) == (2, 0)
    (message,) = whatsapp.outbox
    # The three texts (accepted, delivered, the rating invitation), each with its link.
    assert len(message["message"].split("\n\n")) == 3
    assert message["message"].count(request.reference) == 6
    assert "/rate/" in message["message"]
    assert len(mail.outbox) == 1 and "/rate/" in mail.outbox[0].body
    # The whole request: the receipt and this one message on each channel.
    assert Notification.objects.of(request).count() == 4
    # A later step is a message of its own.
    with TestCase.captureOnCommitCallbacks(execute=True):
        notifications_retry_due()
    assert Notification.objects.of(request).filter(status="pending").count() == 0


def test_volunteers_get_their_receipt_and_decision_by_email(roles):
    application = file_application()
    assert [m.to for m in mail.outbox] == [["sara@example.org"]]
    assert application.reference in mail.outbox[0].body
    mail.outbox.clear()
    coordinator = roles["coordinator"]
    for to in ("screening", "accepted"):
        with TestCase.captureOnCommitCallbacks(execute=True):
            volunteer_application_transition(
                application=application, user=coordinator, to_status=to, notify=True
            )
    # Screening is the coordinator's own work; the decision is told by SMS and email.
    assert len(mail.outbox) == 1 and application.reference in mail.outbox[0].body
    assert "مقبول" in mail.outbox[0].body


# --- delivery states through a real gateway --------------------------------------------------


@pytest.fixture
def gateway(settings):
    gateways = []

    def start(failures: int, answer_status: str = "accepted") -> Gateway:
        gateways.append(Gateway(failures, answer_status))
        settings.SMS_BACKEND = "forms.sms.HTTPGatewayBackend"
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = gateways[-1].url, "secret"
        return gateways[-1]

    yield start
    for running in gateways:
        running.close()


def test_a_gateway_that_fails_then_succeeds_shows_every_state(roles, gateway, settings, client):
    server = gateway(failures=2)
    request = file_request()
    (message,) = Notification.objects.of(request)
    # Refused once: queued, with the reason and the next attempt on the back-off.
    assert (message.status, message.attempts) == ("pending", 1)
    assert "503" in message.last_error
    assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=retry_delays()[0] - 5)
    assert sweep_later(2) == (0, 1)  # refused again
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 2)
    assert sweep_later(10) == (1, 0)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.gateway_id) == ("sent", 3, "gw-3")
    assert message.last_error == "" and len(server.received) == 3
    assert server.received[-1]["to"] == "+966551234567"

    # The gateway reports the delivery later.
    settings.MESSAGE_REPORT_TOKEN = "report-secret"
    url = reverse("api:message-delivery-report")
    report = {"id": "gw-3", "status": "delivered"}
    wrong = client.post(url, report, content_type="application/json", HTTP_AUTHORIZATION="Bearer x")
    assert wrong.status_code == 401
    answer = client.post(
        url, report, content_type="application/json", HTTP_AUTHORIZATION="Bearer report-secret"
    )
    assert answer.status_code == 204
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at is not None
    unknown = {"id": "gw-999", "status": "delivered"}
    assert (
        client.post(
            url, unknown, content_type="application/json", HTTP_AUTHORIZATION="Bearer report-secret"
        ).status_code
        == 404
    )

    # The officer sees each state on the request's timeline.
    client.force_login(roles["officer"])
    page = client.get(reverse("inbox_help:inspect", args=[request.pk])).content.decode()
    assert 'data-message-status="delivered"' in page
    # …and in the staff API.
    detail = client.get(f"/api/v1/staff/help-requests/{request.reference}/").json()
    (entry,) = detail["messages"]
    assert (entry["channel"], entry["status"], entry["attempts"]) == ("sms", "delivered", 3)
    assert entry["event"] == "receipt_sms" and entry["next_attempt_at"] is None


def test_a_gateway_that_answers_delivered_is_recorded_so(roles, gateway):
    gateway(failures=0, answer_status="delivered")
    request = file_request()
    (message,) = Notification.objects.of(request)
    assert message.status == "delivered" and message.gateway_id == "gw-1"


def test_delivery_reports_are_off_without_a_token(client, db):
    answer = client.post(
        reverse("api:message-delivery-report"),
        {"id": "gw-1", "status": "delivered"},
        content_type="application/json",
    )
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_a_failure_past_the_last_retry_is_flagged_and_staff_resend_it(roles, gateway, client):
    gateway(failures=len(retry_delays()) + 1)
    request = file_request()
    for minutes in (2, 10, 40, 130, 370, 800):
        sweep_later(minutes)
    (message,) = Notification.objects.of(request)
    assert (message.status, message.attempts) == ("failed", len(retry_delays()) + 1)
    assert list(failed_messages()) == [message]

    client.force_login(roles["officer"])
    listing = client.get(reverse("inbox_help:list")).content.decode()
    assert "data-message-failed" in listing
    file_request()  # another request, whose receipt went out
    only_failed = client.get(reverse("inbox_help:list") + "?message_failed=true")
    assert [row.reference for row in only_failed.context["object_list"]] == [request.reference]
    page = client.get(reverse("inbox_help:inspect", args=[request.pk])).content.decode()
    assert 'data-message-status="failed"' in page and "503" in page

    # Others cannot resend; the officer can, from the request's page.
    with pytest.raises(PermissionDenied):
        notification_resend(notification=message, user=roles["coordinator"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(
            reverse("inbox_help:resend", args=[request.pk]), {"message": message.pk}
        )
    assert answer.status_code == 302
    copy = Notification.objects.of(request).exclude(pk=message.pk).get()
    assert (copy.status, copy.copy_of, copy.resent_by) == ("sent", message, roles["officer"])
    assert copy.body == message.body
    assert not failed_messages().exists()
    listing = client.get(reverse("inbox_help:list")).content.decode()
    assert "data-message-failed" not in listing


def test_a_message_of_another_submission_cannot_be_resent_from_this_one(roles, client):
    first, second = file_request(), file_request()
    other = Notification.objects.of(second).get()
    client.force_login(roles["officer"])
    client.post(reverse("inbox_help:resend", args=[first.pk]), {"message": other.pk})
    client.post(reverse("inbox_help:resend", args=[first.pk]), {"message": "x"})
    assert Notification.objects.count() == 2


# --- links -----------------------------------------------------------------------------------


def test_links_in_messages_follow_the_site_base_url_port(roles, settings):
    settings.SITE_BASE_URL = "http://127.0.0.1:8812"
    request = file_request(email="f@example.org")
    assert sms.outbox[0]["message"].count("http://127.0.0.1:8812/ar/track/help/") == 1
    assert "http://127.0.0.1:8812/ar/track/help/" in mail.outbox[0].body
    html = mail.outbox[0].alternatives[0][0]
    assert 'href="http://127.0.0.1:8812/ar/track/help/' in html
    assert html.count('dir="ltr"') >= 2  # each link set left to right inside the Arabic text
    assert ":8000" not in sms.outbox[0]["message"] + mail.outbox[0].body + html
    assert request.reference in sms.outbox[0]["message"]


@pytest.mark.parametrize(
    ("host", "port", "base"),
    [
        ("127.0.0.1", "8812", "http://127.0.0.1:8812"),
        ("0.0.0.0", "8890", "http://127.0.0.1:8890"),  # noqa: S104 - what a user may type
        ("localhost", "8000", "http://localhost:8000"),
    ],
)
def test_make_run_gives_the_server_and_the_worker_its_own_address(host, port, base):
    env = {"PATH": "/usr/bin:/bin"}
    plan = subprocess.run(  # noqa: S603
        ["make", "-n", "run", f"HOST={host}", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"SITE_BASE_URL={base} .venv/bin/python manage.py run_worker" in plan
    assert f"SITE_BASE_URL={base} .venv/bin/python manage.py runserver {host}:{port}" in plan
    given = subprocess.run(  # noqa: S603
        ["make", "-n", "run", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env={**env, "SITE_BASE_URL": "https://sila.example"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "SITE_BASE_URL=https://sila.example .venv/bin/python manage.py runserver" in given


# --- the email -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "direction", "words"),
    [("ar", "rtl", "تابع طلبك من هنا"), ("en", "ltr", "Follow your request here")],
)
def test_the_email_is_multipart_with_the_association_and_its_logo(
    roles, profile, language, direction, words
):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    profile.name_ar, profile.name_en = "جمعية صلة الخيرية", "Sila Charity"
    profile.logo = Image.objects.create(title="logo", file=get_test_image_file())
    profile.save()
    request = file_request(email="f@example.org", language=language)
    (email,) = mail.outbox
    assert email.to == ["f@example.org"] and request.reference in email.subject
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert ("جمعية صلة الخيرية" if language == "ar" else "Sila Charity") in html
    assert 'src="cid:association-logo"' in html
    assert request.reference in email.body and request.reference in html
    assert words in email.body and words in html
    logos = [part for part in email.attachments if isinstance(part, MIMEImage)]
    assert len(logos) == 1 and logos[0]["Content-ID"] == "<association-logo>"
    raw = email.message().as_string()
    assert "multipart/related" in raw and "text/plain" in raw and "text/html" in raw


# --- staff -----------------------------------------------------------------------------------


def test_an_assignee_is_told_with_the_reference_only(roles, client):
    request = file_request(email="f@example.org")
    mail.outbox.clear()
    researcher = roles["researcher"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission_assign(submission=request, user=roles["officer"], assignee=researcher)
    (notice,) = StaffNotice.objects.filter(user=researcher)
    assert request.reference in notice.text
    assert notice.url == reverse("inbox_help:inspect", args=[request.pk])
    (email,) = mail.outbox
    assert email.to == [researcher.email] and request.reference in email.body
    for personal in (request.full_name, request.national_id, request.mobile, "f@example.org"):
        assert personal not in notice.text + email.body + email.subject
    client.force_login(researcher)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert request.reference in home
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_assignee_choices_show_role_and_load(roles, client):
    file_request(assignee=roles["researcher"])
    file_request(assignee=roles["researcher"])
    request = file_request()
    with translation.override("en"):
        load = selectors.staff_load(HELP_REQUESTS)
    assert load[roles["researcher"].pk] == (["Social researcher"], 2)
    assert load[roles["committee"].pk] == (["Research committee member"], 0)
    officer = roles["officer"]
    for language, expected in (
        ("en", "Social researcher — 2 open"),
        ("ar", "الباحث الاجتماعي — طلبات مفتوحة: 2"),
    ):
        profile = UserProfile.get_for_user(officer)
        profile.preferred_language = language
        profile.save()
        client.force_login(officer)
        page = client.get(reverse("inbox_help:inspect", args=[request.pk])).content.decode()
        assert expected in page


def test_extending_the_answer_date_tells_the_applicant(roles):
    request = file_request(language="en")
    sms.outbox.clear()
    old_due = request.response_due
    with pytest.raises(ValidationError) as refused:
        submission_due_extend(
            submission=request, user=roles["officer"], due=old_due, reason="The committee met late"
        )
    assert refused.value.message_dict == {"due": ["اختر تاريخًا بعد موعد الرد الحالي."]}
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission_due_extend(
            submission=request,
            user=roles["officer"],
            due=old_due + dt.timedelta(days=7),
            reason="The committee meets next week.",
        )
    request = HelpRequest.objects.get(pk=request.pk)
    assert request.response_due == old_due + dt.timedelta(days=7)
    (message,) = sms.outbox
    assert "The committee meets next week." in message["message"]
    new_date = request.response_due
    assert f"{new_date.day}/{new_date.month}/{new_date.year}" in message["message"]
    event = request.events.last()
    assert event.public and event.message == "The committee meets next week."
