"""What the board approves is what the secretary sees: the review of a submitted revision."""

import datetime as dt
import re

import pytest

from django.utils import timezone

from cms.diff import word_diff
from cms.governance import board_approval_workflow
from cms.governance.hashing import content_hash
from cms.governance.review import revision_review
from cms.models import BoardApproval, BoardMember, BoardTerm, PolicyPage
from cms.periods import arabic_periods, english_periods
from tests.cms.conftest import BODY

pytestmark = pytest.mark.django_db

ENGLISH_BODY = [
    {
        "type": "preamble",
        "value": {"heading": "", "paragraphs": ["The association sets policies."]},
    },
    {
        "type": "procedure",
        "value": {"heading": "", "steps": ["Receive the beneficiary", "Answer within two weeks"]},
    },
]


def edit(policy, user, **fields):
    page = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    return page.save_revision(user=user)


def submitted_revision(policy, editor, secretary):
    """Two people edit the draft in turn: the editor, then a second editor (the secretary)."""
    import copy

    body = copy.deepcopy(BODY)
    body[2]["value"]["steps"][1] = "الرد خلال شهر"
    edit(policy, editor, body_ar=body, summary_ar="ملخص معدل")
    revision = edit(
        policy,
        secretary,
        title_en="Beneficiary Relationship Policy (2025)",
        body_en=ENGLISH_BODY,
        response_period_days=30,
        category="volunteering",
    )
    board_approval_workflow().start(PolicyPage.objects.get(pk=policy.pk), editor)
    return revision


def modal(client, policy, user):
    policy = PolicyPage.objects.get(pk=policy.pk)
    task_state = policy.current_workflow_task_state
    client.force_login(user)
    url = f"/admin/pages/workflow/action/{policy.pk}/approve/{task_state.pk}/"
    response = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    return url, response.json()["html"]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_approval_view_shows_every_change_by_both_editors(
    client, approved_policy, editor, secretary, term
):
    revision = submitted_revision(approved_policy, editor, secretary)
    _url, html = modal(client, approved_policy, secretary)
    plain = text(html)
    # structured fields first: period, category, English title, Arabic summary
    assert "14" in plain and "30" in plain
    assert "Volunteering" in plain or "التطوع" in plain
    assert "Beneficiary Relationship Policy (2025)" in plain
    assert "ملخص معدل" in plain
    # the Arabic sentence that changed, word by word, with a space between the two words
    assert re.search(r"<del[^>]*>.*?أسبوعين</del> <ins[^>]*>.*?شهر</ins>", html, re.S)
    # English did not exist in version 1: said so, not diffed against the Arabic fallback
    assert "English text added in" in plain or "أضيف النص الإنجليزي" in plain or "added in" in plain
    assert 'lang="en" dir="ltr"' in html and 'lang="ar" dir="rtl"' in html
    # flags: the period field changed and the texts disagree with each other
    assert 'data-flag="period_field_changed"' in html
    assert 'data-flag="period_text_changed_ar"' in html
    assert 'data-flag="period_languages_differ"' in html
    assert content_hash(revision.content) in html


def test_recording_the_approval_from_the_view_binds_the_shown_content(
    client, approved_policy, editor, secretary, term
):
    revision = submitted_revision(approved_policy, editor, secretary)
    url, html = modal(client, approved_policy, secretary)
    shown = re.search(r'name="reviewed_content_hash" value="([0-9a-f]{64})"', html).group(1)
    data = {
        "meeting_number": "٤",
        "term": term.pk,
        "meeting_date": "١/٦/٢٠٢٤",
        "members": [m.pk for m in term.members.all()],
        "decision_text_ar": "اعتمد المجلس التحديث",
        "change_note_ar": "مدة الرد شهر",
        "reviewed_content_hash": shown,
    }
    assert client.post(url, data).status_code == 302
    approval = BoardApproval.objects.get(version=2)
    assert approval.revision_id == revision.pk
    assert approval.content_hash == shown
    assert PolicyPage.objects.get(pk=approved_policy.pk).live_revision_id == revision.pk


def test_a_wrong_hash_refuses_the_approval(client, approved_policy, editor, secretary, term):
    submitted_revision(approved_policy, editor, secretary)
    url, _html = modal(client, approved_policy, secretary)
    response = client.post(
        url,
        {
            "meeting_number": "4",
            "term": term.pk,
            "meeting_date": "1/6/2024",
            "members": [m.pk for m in term.members.all()],
            "decision_text_ar": "اعتمد",
            "change_note_ar": "تحديث",
            "reviewed_content_hash": "f" * 64,
            "reviewed_revision": PolicyPage.objects.get(
                pk=approved_policy.pk
            ).current_workflow_task_state.revision_id,
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert "Review it again" in response.json()["html"] or "راجع" in response.json()["html"]
    assert BoardApproval.objects.count() == 1


def test_the_review_of_an_unchanged_language_says_no_change(approved_policy, secretary):
    from django.utils import translation

    revision = edit(approved_policy, secretary, title_en="Another English title")
    with translation.override("en"):
        review = revision_review(policy=approved_policy, revision=revision)
    arabic = review.language("ar")
    assert arabic.status == "compared" and not arabic.changed_sections
    assert [c.label for c in review.field_changes] == ["Title (English)"]
    assert not review.flags


def test_an_ended_term_is_said_before_typing_and_the_next_term_starts_in_place(
    client, approved_policy, editor, secretary, term
):
    submitted_revision(approved_policy, editor, secretary)
    assert term.ends_on < timezone.localdate()  # the fixture's term ended in 2025
    url, html = modal(client, approved_policy, secretary)
    assert "term-missing" in html and 'name="start_new_term"' in html
    members = list(term.members.all())
    for member in members:  # preselected from the last term
        assert re.search(rf'value="{member.pk}"[^>]*checked', html)
    meeting = term.ends_on + dt.timedelta(days=10)
    response = client.post(
        url,
        {
            "meeting_number": "1/1",
            "start_new_term": "on",
            "meeting_date": meeting.strftime("%d/%m/%Y"),
            "members": [m.pk for m in members[:2]],
            "decision_text_ar": "اعتمد المجلس",
            "change_note_ar": "تحديث",
        },
    )
    assert response.status_code == 302
    new_term = BoardTerm.objects.get(number=term.number + 1)
    assert new_term.starts_on == term.ends_on + dt.timedelta(days=1)
    assert BoardMember.objects.filter(term=new_term).count() == len(members)
    approval = BoardApproval.objects.get(version=2)
    assert approval.term == new_term
    assert [m.member.term_id for m in approval.members.all()] == [new_term.pk] * 2


def test_word_diff_keeps_the_space_between_a_deleted_and_an_inserted_word():
    segments = word_diff("الرد خلال أسبوعين من الطلب", "الرد خلال شهر من الطلب")
    joined = "".join(s.text for s in segments)
    assert "أسبوعين شهر" in joined
    assert [s.op for s in segments if s.op != "equal"] == ["delete", "insert"]


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("الرد خلال أسبوعين", 14),
        ("يتم الرد خلال ١٤ يومًا", 14),
        ("تجيب اللجنة خلال شهر من تاريخ الطلب", 30),
        ("البت في الطلب خلال خمسة عشر يوما", 15),
        ("الرد على الطلب خلال أسبوع واحد", 7),
        ("تُبلغ اللجنة قرارها خلال شهرين", 60),
    ],
)
def test_arabic_periods_in_any_wording(sentence, days):
    assert arabic_periods(sentence) == [days]


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("The committee answers within two weeks.", 14),
        ("We reply within a month of the request", 30),
        ("A decision is made within 14 working days", 14),
        ("Responds within ٣٠ days", 30),
    ],
)
def test_english_periods_in_any_wording(sentence, days):
    assert english_periods(sentence) == [days]


def test_periods_that_are_not_about_answering_are_ignored():
    assert arabic_periods("تأسست الجمعية قبل عشرة أعوام وتعمل سبعة أيام في الأسبوع") == []
    assert english_periods("Founded ten years ago, open seven days a week") == []


def test_editors_see_the_changes_not_yet_approved_in_the_editor(
    client, approved_policy, editor, secretary
):
    submitted_revision(approved_policy, editor, secretary)
    client.force_login(editor)
    html = client.get(f"/admin/pages/{approved_policy.pk}/edit/").content.decode()
    assert "revision-review" in html
    assert 'data-flag="period_languages_differ"' in html
    assert "Beneficiary Relationship Policy (2025)" in html
