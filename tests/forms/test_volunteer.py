"""Volunteer applications through the public form."""

import pytest

from django.test import TestCase

from forms import sms
from forms.models import Consent, VolunteerApplication
from tests.forms.helpers import post_steps, saudi_id, started_long_ago

pytestmark = pytest.mark.django_db


def volunteer_data(**overrides):
    data = {
        "full_name": "خالد الزهراني", "national_id": saudi_id("2", "55566677"), "date_of_birth": "١/١/١٤١٥",
        "gender": "male", "city": "جدة", "mobile": "+966 55 123 4567", "email": "khalid@example.org",
        "education": "بكالوريوس", "skills": ["design", "other"], "skills_other": "الخط العربي",
        "interests": ["education"], "languages": "العربية، الإنجليزية", "availability": ["weekends"], "hours_per_week": "٦", "experience": "", "platform_account": "",
        "consent_declaration": "on", "consent_processing": "on", "consent_charter": "on",
        "started": started_long_ago(), "submission_token": "v1", "website": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_volunteer_application_is_filed_with_a_reference(client, home):
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post_steps(client, "/ar/volunteer/", volunteer_data())
    assert response.status_code == 302
    application = VolunteerApplication.objects.get()
    assert application.reference.startswith("VA-") and application.hours_per_week == 6
    assert application.charter_accepted
    assert application.skills == "design,other" and application.skills_other == "الخط العربي"
    assert application.interests == "education" and application.availability == "weekends"
    assert Consent.objects.of(application).filter(purpose="charter", given=True).exists()
    assert "منسق التطوع" in client.get(response["Location"]).content.decode()
    assert application.reference in sms.outbox[-1]["message"]


def test_the_charter_must_be_accepted(client, home):
    data = volunteer_data()
    del data["consent_charter"]
    refused = post_steps(client, "/en/volunteer/", data)
    assert refused.status_code == 400 and refused.context["last_step"]
    assert not VolunteerApplication.objects.exists()


def test_other_needs_words_and_the_charter_is_a_published_page(client, home):
    from cms.demo import ensure_volunteer_charter

    ensure_volunteer_charter(home)
    data = volunteer_data(skills_other="")
    refused = post_steps(client, "/ar/volunteer/", data)
    assert refused.status_code == 400
    assert "صف الاختيار الآخر" in refused.content.decode()
    client.cookies.clear()
    last = post_steps(client, "/ar/volunteer/", volunteer_data(), stop_at=3)
    page = client.get(last["Location"]).content.decode()
    assert 'href="/ar/volunteer-charter/"' in page
    charter = client.get("/ar/volunteer-charter/").content.decode()
    assert "التزامات المتطوع" in charter and "/ar/volunteer/" in charter
