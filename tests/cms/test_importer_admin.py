"""Importing in the admin: upload, preview, moving lines, the draft, the secretary's confirmation,
and bad files that change nothing."""

import io
import random

import pytest

from django.urls import reverse

from cms.importer import PolicyImportError, parse_document
from cms.models import BoardApproval, BoardMember, PolicyImport, PolicyPage
from tests.cms.policy_corpus import FONTS, Block, Generator, render_docx

pytestmark = pytest.mark.django_db


def policy_docx(seed: int = 7) -> tuple[bytes, dict]:
    """A Word document derived from the samples, with an approval and a members table."""
    generator = Generator(seed)
    while True:
        blocks, truth, _tags = generator.document(0)
        approval = truth.approval
        if approval and approval["members"] and approval["term_number"] and len(truth.kinds) == 6:
            return render_docx(blocks, random.Random(seed)), approval


def upload(client, *files, json=False):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(reverse("cms_policy_import"), {"files": list(files)}, headers=headers)


def named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_editor_uploads_a_word_file_and_sees_every_line_with_its_place(client, catalogue, editor):
    data, _approval = policy_docx()
    client.force_login(editor)
    response = upload(client, named(data, "policy.docx"))
    imported = PolicyImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cms_policy_import_preview", args=[imported.pk])
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="policy-import__row') == len(imported.lines)
    assert 'name="line-1"' in html and 'name="kind-0"' in html
    assert not PolicyPage.objects.exists()  # nothing is created before the editor says so


def test_moving_a_line_and_creating_the_draft_proposes_the_approval(client, catalogue, editor):
    data, truth = policy_docx()
    client.force_login(editor)
    upload(client, named(data, "policy.docx"))
    imported = PolicyImport.objects.get()
    channels = next(i for i, s in enumerate(imported.outline) if s["kind"] == "channels")
    tools = next(i for i, s in enumerate(imported.outline) if s["kind"] == "tools")
    moved = next(
        line for line in imported.lines if line["section"] == channels and line["role"] == "body"
    )
    url = reverse("cms_policy_import_preview", args=[imported.pk])
    response = client.post(
        url,
        {f"line-{moved['number']}": f"section:{tools}", "kind-0": "preamble", "action": "create"},
    )
    policy = PolicyPage.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[policy.pk])
    assert not policy.live and not BoardApproval.objects.exists()
    draft = policy.get_latest_revision_as_object()
    tools_block = next(b for b in draft.body_ar if b.block_type == "tools")
    assert any(moved["text"].split()[-1].strip(".") in item for item in tools_block.value["items"])
    imported.refresh_from_db()
    assert imported.approval_status == "pending"
    assert imported.approval["members"] == truth["members"]


def test_several_files_report_each_result_and_bad_ones_write_nothing(client, catalogue, editor):
    data, _approval = policy_docx()
    client.force_login(editor)
    response = upload(
        client, named(data, "good.docx"), named(b"\x00\x01binary", "bad.txt"), json=True
    )
    results = response.json()["results"]
    assert [bool(r.get("url")) for r in results] == [True, False]
    assert results[1]["name"] == "bad.txt" and results[1]["error"]
    assert PolicyImport.objects.count() == 1


def test_the_secretary_confirms_the_approval_with_its_members(client, catalogue, editor, secretary):
    data, truth = policy_docx()
    client.force_login(editor)
    upload(client, named(data, "policy.docx"))
    imported = PolicyImport.objects.get()
    client.post(reverse("cms_policy_import_preview", args=[imported.pk]), {"action": "create"})
    url = reverse("cms_policy_import_approval", args=[imported.pk])
    refused = client.get(url)  # editors never record approvals: the admin sends them home
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")

    client.force_login(secretary)
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"].initial
    members = page.context["members"].initial
    post = {
        **{key: value for key, value in form.items() if value not in (None, False)},
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(members)),
        "action": "confirm",
    }
    for index, member in enumerate(members):
        post[f"members-{index}-name"] = member["name"]
        post[f"members-{index}-role"] = member["role"]
    response = client.post(url, post)
    approval = BoardApproval.objects.get()
    assert response.status_code == 302
    assert approval.meeting_number == truth["meeting_number"]
    assert approval.term.number == truth["term_number"]
    assert approval.meeting_date == truth["meeting_date"]
    assert [(m.name, m.role) for m in approval.members.all()] == [
        (m["name"], m["role"]) for m in truth["members"]
    ]
    assert approval.recorded_by == secretary
    policy = PolicyPage.objects.get()
    assert policy.live and policy.live_revision_id == approval.revision_id
    assert BoardMember.objects.filter(term=approval.term).count() == len(truth["members"])
    imported.refresh_from_db()
    assert imported.approval_status == "confirmed" and imported.approval_record == approval


def test_the_secretary_can_dismiss_a_found_approval(client, catalogue, editor, secretary):
    data, _truth = policy_docx()
    client.force_login(editor)
    upload(client, named(data, "policy.docx"))
    imported = PolicyImport.objects.get()
    client.post(reverse("cms_policy_import_preview", args=[imported.pk]), {"action": "create"})
    client.force_login(secretary)
    client.post(reverse("cms_policy_import_approval", args=[imported.pk]), {"action": "dismiss"})
    imported.refresh_from_db()
    assert imported.approval_status == "dismissed"
    assert not BoardApproval.objects.exists() and not PolicyPage.objects.get().live


def test_the_menu_offers_the_import_to_who_may_add_a_policy(client, catalogue, editor, secretary):
    item = f'"url": "{reverse("cms_policy_import")}"'
    client.force_login(editor)
    assert item in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(secretary)
    assert item not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_people_without_the_right_cannot_import(client, catalogue, secretary):
    client.force_login(secretary)  # secretaries record approvals; they do not draft policies
    refused = client.get(reverse("cms_policy_import"))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")


# --- bad input ------------------------------------------------------------------------------------


def image_only_pdf() -> bytes:
    from fpdf import FPDF
    from PIL import Image

    scan = Image.new("RGB", (400, 560), "white")
    buffer = io.BytesIO()
    scan.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())


def protected_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.add_font("naskh", "", str(FONTS / "NotoNaskhArabic-Regular.ttf"))
    pdf.set_font("naskh", size=12)
    pdf.cell(0, 10, "سياسة")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("empty.txt", lambda: b"", "فارغ"),
        ("binary.txt", lambda: b"\x7fELF\x02\x01\x01\x00\x00binary", "ثنائي"),
        ("scan.pdf", image_only_pdf, "ضوئي"),
        ("locked.pdf", protected_pdf, "كلمة مرور"),
        ("latin1.txt", lambda: "café résumé naïve".encode("latin-1"), "ترميز"),
        ("huge.txt", lambda: b"a" * (50 * 1024 * 1024), "كبير"),
        ("broken.docx", lambda: b"PK\x03\x04broken", "Word"),
        ("broken.pdf", lambda: b"%PDF-1.4\n1 0 obj <<>>", "PDF"),
    ],
)
def test_bad_files_get_a_clear_arabic_error_and_write_nothing(
    client, catalogue, editor, name, make, words
):
    client.force_login(editor)
    data = make()
    response = upload(client, named(data, name), json=True)
    result = response.json()["results"][0]
    assert "url" not in result
    assert words in result["error"], result["error"]
    assert not PolicyImport.objects.exists() and not PolicyPage.objects.exists()
    with pytest.raises(PolicyImportError):
        parse_document(data, name)


def test_a_pdf_written_in_visual_order_reads_in_reading_order():
    from tests.cms.policy_corpus import render_pdf

    blocks = [
        Block("title", "# سياسة تنظيم العلاقة مع المستفيدين"),
        Block("heading", "تمهيد :"),
        Block("paragraph", "تضع الجمعية السياسات والإجراءات التي تنظم علاقتها بالمستفيدين."),
        Block("heading", "اعتماد مجلس الإدارة"),
        Block("statement", "اعتمد مجلس الإدارة في الاجتماع (٢) هذه السياسة بتاريخ 21/5/2024 م."),
    ]
    parsed = parse_document(render_pdf(blocks, random.Random(1)), "policy.pdf")
    assert parsed.title == "سياسة تنظيم العلاقة مع المستفيدين"
    assert parsed.sections[0].kind == "preamble"
    assert parsed.sections[0].paragraphs == [
        "تضع الجمعية السياسات والإجراءات التي تنظم علاقتها بالمستفيدين."
    ]
    assert parsed.approval.meeting_number == "2"
    assert parsed.approval.hijri_date == "13/11/1445"
    assert parsed.report.restored_lines >= 4
