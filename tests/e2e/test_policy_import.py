"""Browser test: an editor imports a Word policy, moves a misfiled line, creates the draft; the
board secretary confirms the approval the document states. Arabic screenshots at 1366 px."""

import io

import pytest

from django.core.management import call_command

from cms.models import BoardApproval, PolicyImport, PolicyPage
from tests.e2e.conftest import admin_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def volunteer_policy_docx() -> bytes:
    """A policy of another association, as Word keeps it: styled headings, lists, a table."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "جمعية رواد الخير بالمدينة المنورة"
    document.add_paragraph("جمعية رواد الخير بالمدينة المنورة")
    document.add_paragraph("سياسة تنظيم العلاقة مع المستفيدين", style="Title")
    document.add_paragraph("أولاً: المقدمة", style="Heading 2")
    document.add_paragraph(
        "تضع جمعية رواد الخير هذه السياسة لتنظيم علاقتها بالمستفيدين وضمان حقوقهم."
    )
    document.add_paragraph("ثانياً: قنوات التواصل مع المستفيدين", style="Heading 2")
    for channel in ["مقر الجمعية", "الهاتف الموحد", "الموقع الإلكتروني للجمعية"]:
        document.add_paragraph(channel, style="List Bullet")
    document.add_paragraph("ثالثاً: الأدوات المتاحة لموظف علاقات المستفيدين", style="Heading 2")
    for tool in ["اللائحة الأساسية للجمعية", "طلب دعم مستفيد"]:
        document.add_paragraph(tool, style="List Number")
    document.add_paragraph("رابعاً: إجراءات التعامل مع المستفيد", style="Heading 2")
    for step in [
        "استقبال المستفيد والإجابة على استفساراته.",
        "الرد على الطلب خلال أسبوعين من اكتماله.",
    ]:
        document.add_paragraph(step, style="List Number")
    document.add_paragraph("خامساً: اعتماد مجلس الإدارة", style="Heading 2")
    document.add_paragraph(
        "اعتمد مجلس إدارة الجمعية هذه السياسة في اجتماعه رقم (٤) في دورته الثانية بتاريخ "
        "٤ / ١٢ / ١٤٤٥ هـ، وتحل هذه السياسة محل جميع السياسات السابقة."
    )
    table = document.add_table(rows=0, cols=2)
    for name, role in [
        ("الاسم", "الصفة"),
        ("ماجد سليمان الجهني", "رئيس مجلس الإدارة"),
        ("أسماء خالد الحربي", "نائب رئيس مجلس الإدارة"),
        ("عمر فهد الردادي", "أمين السر"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, role
    # A tool the author listed after the signatures: the recogniser cannot know where it goes.
    document.add_paragraph("نموذج قياس رضا المستفيد")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


@pytest.fixture
def wide_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 1500}, locale="ar-SA")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def log_in(page, site, username, password):
    admin_sign_in(page, site, username, password)


def test_editor_imports_a_word_policy_and_the_secretary_confirms_its_approval(
    wide_page, demo_site, settings, tmp_path
):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = wide_page
    shot = lambda name: page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # noqa: E731
    document = tmp_path / "rowad-beneficiaries.docx"
    document.write_bytes(volunteer_policy_docx())

    log_in(page, demo_site, "editor", settings.DEMO_ADMIN_PASSWORD)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "/admin/policies/import/" in page.content()  # the editor's menu offers the import
    page.goto(f"{demo_site}/admin/policies/import/")
    page.locator("input[type=file]").set_input_files(str(document))
    shot("import-upload-ar-1366")
    with page.expect_navigation():
        page.get_by_role("button", name="رفع وقراءة").click()

    imported = PolicyImport.objects.get(file_name="rowad-beneficiaries.docx")
    assert "/policies/import/" in page.url
    stray = next(line for line in imported.lines if line["text"] == "نموذج قياس رضا المستفيد")
    assert stray["role"] == "unclassified"
    tools = next(i for i, s in enumerate(imported.outline) if s["kind"] == "tools")
    page.locator(f"select[name=line-{stray['number']}]").select_option(f"section:{tools}")
    with page.expect_navigation():
        page.get_by_role("button", name="تحديث المعاينة").click()
    result = page.locator(".policy-import__result").inner_text()
    assert "نموذج قياس رضا المستفيد" in result
    assert "ماجد سليمان الجهني" in result and "رئيس مجلس الإدارة" in result
    shot("import-preview-ar-1366")
    with page.expect_navigation():
        page.get_by_role("button", name="إنشاء المسودة").click()
    assert "/edit/" in page.url
    shot("import-draft-created-ar-1366")

    policy = PolicyPage.objects.get(title="سياسة تنظيم العلاقة مع المستفيدين", live=False)
    tools_block = next(
        b for b in policy.get_latest_revision_as_object().body_ar if b.block_type == "tools"
    )
    assert "نموذج قياس رضا المستفيد" in tools_block.value["items"]
    assert not BoardApproval.objects.filter(policy=policy).exists()  # nothing published yet

    page.context.clear_cookies()
    log_in(page, demo_site, "secretary", settings.DEMO_ADMIN_PASSWORD)
    assert "/admin/governance/imported-approvals/" in page.content()  # in the secretary's menu
    page.goto(f"{demo_site}/admin/governance/imported-approvals/")
    page.get_by_role("link", name="مراجعة وتأكيد").click()
    assert page.locator("input[name=meeting_number]").input_value() == "4"
    assert page.locator("input[name=term_number]").input_value() == "2"
    assert page.locator("input[name=members-0-name]").input_value() == "ماجد سليمان الجهني"
    shot("import-approval-confirm-ar-1366")
    with page.expect_navigation():
        page.get_by_role("button", name="تأكيد الاعتماد وتسجيله").click()
    shot("import-approval-recorded-ar-1366")

    approval = BoardApproval.objects.get(policy=policy)
    assert approval.meeting_number == "4" and approval.term.number == 2
    assert approval.meeting_date.isoformat() == "2024-06-10"  # 4/12/1445 AH
    assert [(m.name, m.role) for m in approval.members.all()] == [
        ("ماجد سليمان الجهني", "chair"),
        ("أسماء خالد الحربي", "vice_chair"),
        ("عمر فهد الردادي", "secretary"),
    ]
    assert PolicyPage.objects.get(pk=policy.pk).live
