"""The board secretary's other doors: corrections, withdrawals, the signed minutes."""

import pytest

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model
from wagtail.models import Collection

from cms.governance import MINUTES_COLLECTION
from cms.models import BoardApproval, PolicyWithdrawal
from tests.cms.conftest import approve

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def correction_data(term, **overrides):
    data = {
        "meeting_number": "2/9",
        "term": term.pk,
        "meeting_date": "22/5/2024",
        "members": [m.pk for m in term.members.all()],
        "decision_text_ar": "تصحيح رقم الاجتماع",
        "change_note_ar": "تصحيح",
    }
    data.update(overrides)
    return data


def test_secretary_records_a_correction_from_the_approval_page(
    client, approved_policy, secretary, term
):
    original = BoardApproval.objects.get()
    client.force_login(secretary)
    inspect = client.get(f"/admin/governance/approvals/inspect/{original.pk}/").content.decode()
    url = f"/admin/governance/approvals/{original.pk}/correct/"
    assert url in inspect
    form = client.get(url).content.decode()
    assert 'value="1/9"' in form  # prefilled from the original
    response = client.post(url, correction_data(term))
    assert response.status_code == 302
    correction = BoardApproval.objects.exclude(pk=original.pk).get()
    assert correction.corrects == original
    assert BoardApproval.objects.get(pk=original.pk).meeting_number == "1/9"


def test_correction_with_bad_input_changes_nothing(client, approved_policy, secretary, term):
    original = BoardApproval.objects.get()
    client.force_login(secretary)
    response = client.post(
        f"/admin/governance/approvals/{original.pk}/correct/",
        correction_data(term, meeting_date="٣٢/١٣/٢٠٢٤"),
    )
    assert response.status_code == 200
    assert "أدخل التاريخ بصيغة يوم/شهر/سنة" in response.content.decode()
    assert BoardApproval.objects.count() == 1


@pytest.mark.parametrize("who", ["editor"])
def test_editors_cannot_correct_or_withdraw(who, request, client, approved_policy, term):
    client.force_login(request.getfixturevalue(who))
    approval = BoardApproval.objects.get()
    # Wagtail's admin answers a refused permission by sending the user back to the dashboard.
    refused = client.post(
        f"/admin/governance/approvals/{approval.pk}/correct/", correction_data(term)
    )
    assert refused.status_code in {302, 403} and "/correct/" not in refused.get("Location", "")
    refused = client.post(
        f"/admin/governance/policies/{approved_policy.pk}/withdraw/", {"reason_ar": "سبب"}
    )
    assert refused.status_code in {302, 403} and "/withdraw/" not in refused.get("Location", "")
    assert BoardApproval.objects.count() == 1
    assert not PolicyWithdrawal.objects.exists()


def test_secretary_withdraws_a_policy_which_stays_public(client, approved_policy, secretary):
    client.force_login(secretary)
    edit = client.get(f"/admin/pages/{approved_policy.pk}/edit/").content.decode()
    url = f"/admin/governance/policies/{approved_policy.pk}/withdraw/"
    assert url in edit
    assert client.post(url, {"reason_ar": ""}).status_code == 200  # a reason is required
    assert not PolicyWithdrawal.objects.exists()
    assert (
        client.post(url, {"reason_ar": "حلت محلها سياسة أشمل", "reason_en": "Replaced"}).status_code
        == 302
    )
    client.logout()
    page = client.get("/ar/policies/beneficiaries/")
    assert page.status_code == 200
    assert "حلت محلها سياسة أشمل" in page.content.decode()


def upload_minutes(title="محضر الاجتماع"):
    collection = Collection.objects.get(name=MINUTES_COLLECTION)
    document = get_document_model()(title=title, collection=collection)
    document.file.save("minutes.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def test_private_minutes_are_never_served_to_the_public(client, draft_policy, secretary, term):
    minutes = upload_minutes()
    approve(draft_policy, secretary, term, minutes=minutes, minutes_public=False)
    page = client.get("/ar/policies/beneficiaries/").content.decode()
    assert "minutes/" not in page
    assert client.get("/ar/policies/beneficiaries/versions/1/minutes/").status_code == 404
    direct = client.get(minutes.url)
    assert direct.status_code in {302, 403}  # the collection is for board secretaries only


def test_public_minutes_are_served_through_the_policy_page(client, draft_policy, secretary, term):
    minutes = upload_minutes()
    approve(draft_policy, secretary, term, minutes=minutes, minutes_public=True)
    page = client.get("/ar/policies/beneficiaries/").content.decode()
    assert 'href="/ar/policies/beneficiaries/versions/1/minutes/"' in page
    response = client.get("/ar/policies/beneficiaries/versions/1/minutes/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(minutes.url).status_code in {302, 403}
