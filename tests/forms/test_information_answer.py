"""Staff ask for more information; the applicant answers and uploads from the tracking page."""

import pytest

from django.contrib.auth.models import Group
from django.test import TestCase

from forms import groups, sms
from forms.kinds.help import help_request_ask_information
from forms.models import HelpRequest
from tests.factories import UserFactory
from tests.forms.helpers import document_files, help_form_data, pdf, post_steps, saudi_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    groups.ensure_inbox_groups()
    user = UserFactory(username="officer", is_staff=True)
    user.groups.add(Group.objects.get(name=groups.OFFICERS))
    return user


@pytest.fixture
def filed(client, home):
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_steps(
            client,
            "/ar/help-request/",
            help_form_data(),
            {**document_files(), "attachments": [pdf("هوية.pdf")]},
        )
    # The officer checks the data before asking for what is missing.
    HelpRequest.objects.update(status="under_review")
    return HelpRequest.objects.get()


def track_url(request):
    return f"/ar/track/help/{request.reference}/{request.tracking_key}/"


def test_the_applicant_answers_and_uploads_and_the_request_returns_to_review(
    client, filed, officer
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        help_request_ask_information(
            help_request=filed, user=officer, question="أرفق عقد الإيجار من فضلك"
        )
    assert filed.reference in sms.outbox[-1]["message"]
    page = client.get(track_url(filed)).content.decode()
    assert "أرفق عقد الإيجار من فضلك" in page and "بانتظار استكمال البيانات" in page
    response = client.post(
        track_url(filed), {"answer": "أرفقت العقد", "attachments": [pdf("عقد.pdf")]}
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == "under_review"
    assert filed.attachments.filter(document="").count() == 2
    assert filed.events.filter(to_status="under_review", message="أرفقت العقد").exists()
    assert "أرفقت العقد" in client.get(track_url(filed)).content.decode()


def test_an_empty_or_dangerous_answer_changes_nothing(client, filed, officer):
    help_request_ask_information(help_request=filed, user=officer, question="ما دخلك؟")
    assert client.post(track_url(filed), {"answer": ""}).status_code == 400
    bad = client.post(
        track_url(filed),
        {"answer": "x", "attachments": [pdf("a.svg").__class__("a.svg", b"<svg/>")]},
    )
    assert bad.status_code == 400
    filed.refresh_from_db()
    assert (
        filed.status == "information_needed" and filed.attachments.filter(document="").count() == 1
    )


def test_no_answer_form_unless_information_is_needed(client, filed):
    assert "نحتاج إلى معلومات إضافية" not in client.get(track_url(filed)).content.decode()
    client.post(track_url(filed), {"answer": "غير مطلوب"})
    filed.refresh_from_db()
    assert filed.status == "under_review" and not filed.events.filter(message="غير مطلوب").exists()


def test_applicants_download_only_their_own_documents(client, filed):
    attachment = filed.attachments.get(document="")
    own = client.get(f"{track_url(filed)}files/{attachment.pk}/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_steps(
            client,
            "/ar/help-request/",
            help_form_data(national_id=saudi_id(body="99988877"), submission_token="other"),
            document_files(),
        )
    other = HelpRequest.objects.exclude(pk=filed.pk).get()
    stolen = client.get(
        f"/ar/track/help/{other.reference}/{other.tracking_key}/files/{attachment.pk}/"
    )
    assert stolen.status_code == 404
    assert (
        client.get(f"/ar/track/help/{filed.reference}/wrong/files/{attachment.pk}/").status_code
        == 404
    )
