"""Fixtures of the inbox tests: one user per role, and submissions filed through the services."""

import datetime as dt
import itertools

import pytest

from django.contrib.auth.models import Group
from django.test import TestCase

from cms.governance import BOARD_SECRETARIES, COMMUNICATIONS_STAFF
from forms import groups
from forms.casework.filing import submission_file
from forms.kinds.complaint import COMPLAINTS
from forms.kinds.help import help_request_submit
from forms.kinds.volunteer import volunteer_application_submit
from forms.models import Complaint, HelpRequest, SupportType
from tests.factories import UserFactory
from tests.forms.helpers import saudi_id

_ids = itertools.count(10000000)

ROLE_GROUPS = {
    "officer": groups.OFFICERS,
    "researcher": groups.RESEARCHERS,
    "committee": groups.COMMITTEE,
    "coordinator": groups.VOLUNTEER_COORDINATORS,
    "complaints": groups.COMPLAINTS_OFFICERS,
    "communications": COMMUNICATIONS_STAFF,
    "secretary": BOARD_SECRETARIES,
    "administrator": groups.ADMINISTRATORS,
}


def member(role: str, **fields):
    """A user in the role's group, created by the project's own group setup."""
    groups.ensure_inbox_groups()
    user = UserFactory(username=role, email=f"{role}@example.org", **fields)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return user


@pytest.fixture
def roles(db):
    from cms.governance import ensure_governance

    ensure_governance()
    return {role: member(role) for role in ROLE_GROUPS}


def help_data(**overrides) -> dict:
    data = {
        "support_type": SupportType.objects.get(slug="financial"),
        "full_name": "فاطمة بنت علي الحربي",
        "national_id": saudi_id(body=str(next(_ids))),
        "date_of_birth": dt.date(1990, 3, 15),
        "gender": "female",
        "nationality": "سعودية",
        "marital_status": "widowed",
        "family_size": 5,
        "dependants": 4,
        "monthly_income": 2500,
        "income_sources": "ضمان اجتماعي",
        "city": "جدة",
        "district": "الروضة",
        "mobile": "+966551234567",
        "email": "",
        "preferred_contact": "sms",
        "description": "أحتاج إلى مساعدة في دفع إيجار المسكن.",
    }
    data.update(overrides)
    return data


CONSENTS = {"declaration": True, "processing": True, "contact": True}


def file_request(status: str | None = None, **overrides) -> HelpRequest:
    with TestCase.captureOnCommitCallbacks(execute=True):
        request, _ = help_request_submit(data=help_data(**overrides), consents=CONSENTS)
    if status:
        HelpRequest.objects.filter(pk=request.pk).update(status=status)
        request.refresh_from_db()
    return request


def volunteer_data(**overrides) -> dict:
    data = {
        "full_name": "سارة محمد القحطاني",
        "national_id": saudi_id(body=str(next(_ids))),
        "date_of_birth": dt.date(1995, 6, 1),
        "gender": "female",
        "city": "الرياض",
        "mobile": "+966501112233",
        "email": "sara@example.org",
        "education": "بكالوريوس خدمة اجتماعية",
        "skills": "organising,design",
        "interests": "other",
        "interests_other": "الأسر المنتجة",
        "languages": "العربية، الإنجليزية",
        "availability": "weekends",
        "hours_per_week": 6,
        "experience": "",
        "platform_account": "",
    }
    data.update(overrides)
    return data


def file_application(status: str | None = None, **overrides):
    from forms.models import VolunteerApplication

    with TestCase.captureOnCommitCallbacks(execute=True):
        application, _ = volunteer_application_submit(
            data=volunteer_data(**overrides),
            consents={"declaration": True, "processing": True, "charter": True},
        )
    if status:
        VolunteerApplication.objects.filter(pk=application.pk).update(status=status)
        application.refresh_from_db()
    return application


def complaint_data(*, anonymous: bool = False, **overrides) -> dict:
    data = {
        "nature": "complaint",
        "theme": "waiting",
        "description": "انتظرت ثلاث ساعات في الفرع دون أن يستقبلني أحد.",
        "support_type": None,
        "policy": None,
        "anonymous": anonymous,
        "full_name": "" if anonymous else "سارة عبدالله القحطاني",
        "mobile": "" if anonymous else "+966559876543",
        "email": "",
        "national_id": "" if anonymous else saudi_id(body=str(next(_ids))),
        "preferred_contact": "" if anonymous else "sms",
    }
    data.update(overrides)
    return data


def file_complaint(status: str | None = None, *, anonymous: bool = False, **overrides):
    consents = {} if anonymous else CONSENTS
    with TestCase.captureOnCommitCallbacks(execute=True):
        complaint, _ = submission_file(
            kind=COMPLAINTS,
            data=complaint_data(anonymous=anonymous, **overrides),
            consents=consents,
        )
    if status:
        Complaint.objects.filter(pk=complaint.pk).update(status=status)
        complaint.refresh_from_db()
    return complaint
