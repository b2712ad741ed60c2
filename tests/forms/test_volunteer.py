"""Volunteer applications through the public form."""

import pytest

from django.test import TestCase

from forms import sms
from forms.models import Consent, VolunteerApplication
from tests.forms.helpers import saudi_id, started_long_ago

pytestmark = pytest.mark.django_db


def volunteer_data(**overrides):
    data = {
        "full_name": "خالد الزهراني", "national_id": saudi_id("2", "55566677"), "date_of_birth": "١/١/١٤١٥",
        "gender": "male", "city": "جدة", "mobile": "+966 55 123 4567", "email": "khalid@example.org",
        "education": "بكالوريوس", "skills": "التصميم والتصوير", "interests": "التعليم", "languages": "العربية، الإنجليزية",
        "availability": "الخميس والجمعة مساءً", "hours_per_week": "٦", "experience": "", "platform_account": "",
        "consent_declaration": "on", "consent_processing": "on", "consent_charter": "on",
        "started": started_long_ago(), "submission_token": "v1", "website": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_volunteer_application_is_filed_with_a_reference(client, home):
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/ar/volunteer/", volunteer_data())
    assert response.status_code == 302
    application = VolunteerApplication.objects.get()
    assert application.reference.startswith("VA-") and application.hours_per_week == 6
    assert application.charter_accepted
    assert Consent.objects.of(application).filter(purpose="charter", given=True).exists()
    assert "منسق التطوع" in client.get(response["Location"]).content.decode()
    assert application.reference in sms.outbox[-1]["message"]


def test_the_charter_must_be_accepted(client, home):
    data = volunteer_data()
    del data["consent_charter"]
    assert client.post("/en/volunteer/", data).status_code == 400
    assert not VolunteerApplication.objects.exists()
