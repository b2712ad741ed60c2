"""The archival PDF of an approved version holds its text, the approval's facts and the hashes."""

import io

import pytest
from pdfminer.high_level import extract_text

from django.core.management import call_command

from cms.models import ApprovalArchive, BoardApproval
from cms.tasks import make_approval_archive

pytestmark = pytest.mark.django_db


def pdf_text(archive) -> str:
    with archive.file.open("rb") as handle:
        return extract_text(io.BytesIO(handle.read()))


def test_the_archive_is_made_after_the_approval_commits(
    draft_policy, secretary, term, django_capture_on_commit_callbacks
):
    from tests.cms.conftest import approve

    with django_capture_on_commit_callbacks(execute=True):
        approval = approve(draft_policy, secretary, term)
    archive = ApprovalArchive.objects.get(approval=approval)
    text = " ".join(pdf_text(archive).split())
    assert approval.record_hash in text.replace(" ", "")
    assert approval.content_hash in text.replace(" ", "")
    assert "1/9" in text  # meeting number
    assert "21/5/2024" in text and "13/11/1445" in text  # Gregorian and Hijri dates
    assert "Beneficiary Relationship Policy" in text
    assert "Member 0" in text  # the chair's English name
    assert "Board approval" in text


def test_the_archive_is_made_once_and_served_from_the_version(client, approved_policy):
    approval = BoardApproval.objects.get()
    make_approval_archive.enqueue(approval.pk)
    make_approval_archive.enqueue(approval.pk)
    assert ApprovalArchive.objects.count() == 1
    response = client.get("/ar/policies/beneficiaries/versions/1/archive/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == ApprovalArchive.objects.get().sha256
    assert client.get("/ar/policies/beneficiaries/versions/9/archive/").status_code == 404


def test_the_command_makes_missing_archives(approved_policy):
    out = io.StringIO()
    call_command("make_approval_archives", stdout=out)
    assert "1 archive(s) made." in out.getvalue()
    call_command("make_approval_archives", stdout=out)
    assert ApprovalArchive.objects.count() == 1
