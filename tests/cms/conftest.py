"""Fixtures for policies: a catalogue, a board register, the people who work on policies."""

import datetime as dt

import pytest

from django.contrib.auth.models import Group

from cms.governance import BOARD_SECRETARIES, COMMUNICATIONS_STAFF
from cms.models import BoardMember, BoardTerm, PolicyIndexPage, PolicyPage
from tests.factories import UserFactory

BODY = [
    {
        "type": "preamble",
        "value": {
            "heading": "",
            "paragraphs": ["تضع الجمعية السياسات التي تنظم علاقتها بالمستفيدين."],
        },
    },
    {"type": "channels", "value": {"heading": "", "items": ["المقابلة", "الاتصالات الهاتفية"]}},
    {
        "type": "procedure",
        "value": {"heading": "", "steps": ["استقبال المستفيد", "الرد خلال أسبوعين"]},
    },
]


@pytest.fixture
def catalogue(home):
    page = PolicyIndexPage(
        slug="policies", title="السياسات", title_ar="السياسات", title_en="Policies"
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_policy(catalogue, *, slug="beneficiaries", body=None, **fields) -> PolicyPage:
    policy = PolicyPage(
        slug=slug,
        title=fields.pop("title", "سياسة تنظيم العلاقة مع المستفيدين"),
        title_ar=fields.pop("title_ar", "سياسة تنظيم العلاقة مع المستفيدين"),
        title_en=fields.pop("title_en", "Beneficiary Relationship Policy"),
        category=fields.pop("category", "beneficiary-relations"),
        response_period_days=14,
        body_ar=BODY if body is None else body,
        live=False,
        **fields,
    )
    catalogue.add_child(instance=policy)
    policy.save_revision()
    return policy


@pytest.fixture
def draft_policy(catalogue):
    return make_policy(catalogue)


@pytest.fixture
def term(db):
    term = BoardTerm.objects.create(
        number=2, starts_on=dt.date(2021, 7, 1), ends_on=dt.date(2025, 6, 30)
    )
    for order, (name, role) in enumerate(
        [
            ("عبدالله القحطاني", "chair"),
            ("نورة العتيبي", "vice_chair"),
            ("سارة الغامدي", "secretary"),
        ]
    ):
        BoardMember.objects.create(
            term=term,
            name=name,
            name_ar=name,
            name_en=f"Member {order}",
            role=role,
            sort_order=order,
        )
    return term


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name=COMMUNICATIONS_STAFF))
    return user


@pytest.fixture
def secretary(db):
    user = UserFactory(username="secretary", is_staff=True)
    user.groups.add(Group.objects.get(name=BOARD_SECRETARIES))
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def approve(
    policy,
    secretary,
    term,
    *,
    meeting_date=dt.date(2024, 5, 21),
    meeting_number="1/9",
    revision=None,
    **extra,
):
    from cms.services import policy_approval_record

    return policy_approval_record(
        revision=revision or PolicyPage.objects.get(pk=policy.pk).get_latest_revision(),
        user=secretary,
        meeting_number=meeting_number,
        term=term,
        meeting_date=meeting_date,
        members=list(term.members.all()),
        decision_text_ar="اعتمد مجلس الإدارة هذه السياسة.",
        change_note_ar=extra.pop("change_note_ar", "إصدار جديد"),
        change_note_en=extra.pop("change_note_en", "New version"),
        **extra,
    )


@pytest.fixture
def approved_policy(draft_policy, secretary, term):
    approve(draft_policy, secretary, term)
    return PolicyPage.objects.get(pk=draft_policy.pk)
