"""A kind of submission declared outside the intake app (tests/toykind: its model with its own
migration, its tables and one class) gets filing, transitions, the timeline, messages, the
staff API, the admin inbox, tracking, search and the person's rights from the engine, without a
line of the engine naming it."""

from pathlib import Path

import pytest

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from wagtail.models import ModelLogEntry

from forms import sms
from forms.casework import registry
from forms.casework.filing import submission_file
from forms.casework.kinds import Step
from forms.casework.transitions import submission_note_add, submission_transition
from forms.models import StatusEvent
from forms.privacy import person_data_erase
from search.submissions import search_submissions
from tests.factories import UserFactory
from tests.forms.helpers import saudi_id
from tests.inbox.conftest import member
from tests.toykind.kind import TOY

pytestmark = pytest.mark.django_db
ENGINE = Path(__file__).resolve().parents[2] / "forms"


@pytest.fixture
def worker(db):
    user = UserFactory(username="toy-worker")
    for codename in ("access_admin", "view_toyrequest", "work_toyrequest"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def ask(**overrides):
    data = {
        "full_name": "هدى سالم المطيري",
        "national_id": saudi_id(body="44455566"),
        "mobile": "+966551112233",
        "city": "جدة",
        "question": "متى تبدأ برامج الصيف للأسر المنتجة؟",
        **overrides,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission, created = submission_file(kind=TOY, data=data, consents={})
    assert created
    return submission


def test_the_engine_never_names_the_new_kind():
    sources = [path.read_text(encoding="utf-8") for path in ENGINE.rglob("*.py")]
    assert registry.get("toy") is TOY
    assert not any("toykind" in source or "ToyRequest" in source for source in sources)


def test_filing_gives_a_reference_a_case_file_and_the_first_step(worker):
    question = ask()
    assert question.reference.startswith("TQ-") and question.status == "asked"
    assert question.case_file.kind == "toy"
    assert [e.to_status for e in question.events.all()] == ["asked"]
    again, created = submission_file(
        kind=TOY,
        data={"full_name": "x", "mobile": "+966551112233", "question": "y"},
        consents={},
        idempotency_key="same",
    )
    assert created
    assert submission_file(kind=TOY, data={}, consents={}, idempotency_key="same") == (
        again,
        False,
    )


def test_its_procedure_is_followed_with_timeline_audit_and_messages(worker):
    question = ask()
    sms.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        event = submission_transition(
            submission=question, user=worker, step=Step(to="looked_at", note="internal")
        )
    question.refresh_from_db()
    assert question.status == "looked_at" and (event.from_status, event.note) == (
        "asked",
        "internal",
    )
    assert event.to_label() == "Looked at"
    assert sms.outbox and question.reference in sms.outbox[-1]["message"]
    assert ModelLogEntry.objects.filter(action="intake.transition", object_id=str(question.pk))
    with pytest.raises(ValidationError):
        submission_transition(submission=question, user=worker, step=Step(to="asked"))
    with pytest.raises(PermissionDenied):
        submission_transition(submission=question, user=member("officer"), step=Step(to="answered"))
    submission_transition(submission=question, user=worker, step=Step(to="answered"))
    question.refresh_from_db()
    assert question.decided_at and not question.is_open
    submission_note_add(submission=question, user=worker, text="done")
    assert question.notes.count() == 1
    assert StatusEvent.objects.of(question).count() == 3


def test_the_staff_api_serves_it_with_the_same_permissions(client, worker):
    question = ask()
    client.force_login(worker)
    listing = client.get("/api/v1/staff/questions/", {"q": "المطيري"}).json()
    assert [row["reference"] for row in listing["results"]] == [question.reference]
    detail = client.get(f"/api/v1/staff/questions/{question.reference}/").json()
    assert detail["next_statuses"] == ["looked_at", "dropped"]
    assert detail["applicant"]["question"] == question.question
    moved = client.post(
        f"/api/v1/staff/questions/{question.reference}/transitions/",
        {"to_status": "looked_at"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "looked_at"
    assert [step["to_status"] for step in moved.json()["timeline"]] == ["asked", "looked_at"]
    illegal = client.post(
        f"/api/v1/staff/questions/{question.reference}/transitions/",
        {"to_status": "asked"},
        content_type="application/json",
    )
    assert illegal.status_code == 400
    client.force_login(member("officer"))
    assert client.get("/api/v1/staff/questions/").status_code == 403


def test_the_admin_inbox_lists_it_and_takes_steps(client, worker):
    question = ask()
    client.force_login(worker)
    assert question.reference in client.get("/admin/inbox/questions/").content.decode()
    page = client.get(f"/admin/inbox/questions/inspect/{question.pk}/").content.decode()
    assert question.question in page
    response = client.post(
        f"/admin/inbox/questions/transition/{question.pk}/", {"to_status": "looked_at"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "looked_at"


def test_the_applicant_tracks_it_by_the_secret_link(client, home):
    question = ask()
    page = client.get(f"/en/track/toy/{question.reference}/{question.tracking_key}/")
    assert page.status_code == 200 and "Asked" in page.content.decode()
    assert client.get(f"/en/track/toy/{question.reference}/wrong/").status_code == 404
    api = client.get(
        f"/api/v1/track/toy/{question.reference}/",
        headers={"x-tracking-key": question.tracking_key},
    )
    assert api.status_code == 200 and api.json()["timeline"][0]["status"] == "asked"


def test_search_finds_it_for_those_who_may_see_it_only(worker):
    question = ask()
    results = search_submissions(worker, text="هدى المطيري")
    assert [hit.reference for hit in results.hits] == [question.reference]
    assert search_submissions(worker, text="الصيف").total == 1  # words of its question
    assert search_submissions(member("officer"), text="هدى المطيري").total == 0


def test_a_person_can_have_it_erased(worker):
    question = ask()
    report = person_data_erase(national_id=question.national_id)
    question.refresh_from_db()
    assert report["questions"] == [question.reference]
    assert question.status == "dropped" and question.anonymised_at and question.mobile == ""
