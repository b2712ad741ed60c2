"""Staff doors of the intake app: off-line requests, documents, the messages they edit."""

import pytest

from django.contrib.auth.models import Permission
from django.test import TestCase

from wagtail.models import ModelLogEntry

from forms import sms
from forms.models import HelpRequest, MessageTemplate
from tests.factories import UserFactory
from tests.forms.helpers import document_files, help_form_data, pdf, post_steps, saudi_id

pytestmark = pytest.mark.django_db


def staff(*codenames):
    user = UserFactory(username="officer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="intake", codename=codename)
        )
    return user


def offline_data(**overrides):
    data = help_form_data(channel="phone", language="ar", **overrides)
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    return data


def test_staff_record_an_offline_request_with_its_channel(client, home):
    officer = staff("add_helprequest")
    client.force_login(officer)
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/admin/requests/record/", offline_data())
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert request.channel == "phone" and request.recorded_by == officer
    assert request.reference in sms.outbox[-1]["message"]


def test_only_permitted_staff_record_requests(client, home):
    client.force_login(staff())
    response = client.post("/admin/requests/record/", offline_data())
    assert response.status_code in {302, 403}
    assert not HelpRequest.objects.exists()


def test_staff_download_is_permitted_and_logged(client, home):
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_steps(
            client,
            "/ar/help-request/",
            help_form_data(),
            {"attachments": [pdf()], **document_files()},
        )
    attachment = HelpRequest.objects.get().attachments.get(document="")
    url = f"/admin/requests/attachments/{attachment.pk}/"
    client.force_login(staff())
    assert client.get(url).status_code in {302, 403}
    client.logout()
    officer = staff("view_helprequest")
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert ModelLogEntry.objects.filter(action="intake.attachment_download", user=officer).exists()
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_staff_edited_message_replaces_the_default(client, home):
    MessageTemplate.objects.create(
        key="receipt_sms",
        body_ar="وصل طلبك {reference}، والرد قبل {due_date} ({due_date_hijri} هـ). {tracking_url} {unknown}",
        body_en="",
    )
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_steps(client, "/ar/help-request/", help_form_data(), document_files())
    request = HelpRequest.objects.get()
    message = sms.outbox[-1]["message"]
    assert message.startswith(f"وصل طلبك {request.reference}، والرد قبل ")
    assert request.tracking_key in message and "{unknown}" in message
    # No English text yet: English applicants get the default message.
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_steps(
            client,
            "/en/help-request/",
            help_form_data(national_id=saudi_id("2"), submission_token="en"),
            document_files(),
        )
    assert sms.outbox[-1]["message"].startswith("We received your request")
