"""The policy importer on the three real samples, on awkward input, and through its command."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from django.core.management import CommandError, call_command

from cms.importer import PolicyImportError, fold, parse_policy_bytes, parse_policy_text
from cms.models import BoardApproval, PolicyImport, PolicyPage

SAMPLES = Path(__file__).resolve().parents[2] / "cms" / "demo_data" / "policies"


def parse(name: str):
    return parse_policy_bytes((SAMPLES / name).read_bytes())


def kinds(parsed) -> list[str]:
    return [section.kind for section in parsed.sections]


def every_line_is_accounted_for(parsed, name: str) -> None:
    text = (SAMPLES / name).read_text()
    non_empty = [line for line in text.splitlines() if line.strip()]
    assert parsed.report.lines_total == len(non_empty)
    assert parsed.report.lines_accounted == len(non_empty)
    # And the words of each line end up somewhere in the output.
    output = fold(json.dumps(parsed.as_dict(), ensure_ascii=False))
    for line in non_empty:
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.replace("**", ""))  # Markdown links
        for word in fold(plain).split():
            word = re.sub(r"^[\d٠-٩]+[-.)]", "", word).strip("()[]*#:.,-«»■")  # numbering is markup
            if len(word) > 3 and not word.startswith(("http", "[")):
                assert word in output, (name, line, word)


def test_bina_sample():
    parsed = parse("bina-housing-jazan.txt")
    assert parsed.title == "سياسة تنظيم العلاقة مع المستفيدين"
    assert parsed.association == "جمعية بناء وتنمية مساكن بمنطقة جازان"
    assert kinds(parsed) == ["preamble", "general_goal", "channels", "tools", "procedure"]
    channels = parsed.sections[2].items
    assert [item.text for item in channels][:2] == ["المقابلة.", "الاتصالات الهاتفية."]
    assert len(channels) == 8
    assert len(parsed.sections[3].items) == 4
    assert len(parsed.sections[4].items) == 7
    assert len(parsed.sections[0].paragraphs) == 2
    approval = parsed.approval
    assert (approval.meeting_number, approval.term_number) == ("1", 2)
    assert approval.meeting_date == dt.date(2022, 1, 6)
    assert approval.hijri_date == "3/6/1443"
    assert approval.supersedes_previous
    assert parsed.response_period_days == 14
    assert parsed.category == "beneficiary-relations"
    assert {entry["reason"] for entry in parsed.report.boilerplate} == {
        "contact",
        "header-footer",
    }
    assert len(parsed.report.table_of_contents) == 8
    assert parsed.report.unclassified == []
    every_line_is_accounted_for(parsed, "bina-housing-jazan.txt")


def test_deema_sample():
    parsed = parse("deema-education-makkah.txt")
    assert parsed.title == "سياسة تنظيم العلاقة مع المستخدمين"
    assert parsed.association == "جمعية ديمة التعليمية وبمكة"
    assert kinds(parsed) == [
        "preamble",
        "general_goal",
        "detailed_goals",
        "channels",
        "tools",
        "procedure",
    ]
    goals = parsed.sections[2].items
    assert len(goals) == 6
    assert goals[5].text.startswith("زيادة ثقة وانتماء المستفيدين")
    assert len(goals[5].subitems) == 5
    assert (
        goals[5].subitems[0] == "تصحيح المفاهيم السائدة لدى المستفيد عن الخدمات المقدمة في الجمعية."
    )
    assert len(parsed.sections[3].items) == 7
    approval = parsed.approval
    assert approval.meeting_number == "1/9"
    assert approval.term_number is None
    assert approval.meeting_date == dt.date(2024, 5, 21)
    assert approval.hijri_date == "13/11/1445"
    assert parsed.report.warnings == []
    assert len(parsed.report.table_of_contents) == 10  # heading and lines, broken ones included
    every_line_is_accounted_for(parsed, "deema-education-makkah.txt")


def test_mouj_sample_without_approval_and_with_guillemet_bullets():
    parsed = parse("mouj-community-development.txt")
    assert parsed.title == "سياسة تنظيم العلاقة مع المستفيدين"
    assert parsed.association == "جمعية موج للتنمية المجتمعية"
    assert kinds(parsed) == [
        "preamble",
        "general_goal",
        "detailed_goals",
        "channels",
        "tools",
        "procedure",
        "section",
    ]
    goals = parsed.sections[2].items
    assert len(goals) == 6
    # The sixth goal was broken across a page; its continuation and its numbered list stay with it.
    assert goals[5].text.endswith("وذلك عن طريق ما يلي :")
    assert "والممارسات" in goals[5].text
    assert len(goals[5].subitems) == 5
    assert len(parsed.sections[5].items) == 6
    assert parsed.approval is None
    assert parsed.response_period_days == 30
    assert parsed.sections[-1].paragraphs == [
        "ملف",
        "العلماء الذين",
        "يؤمنون بالله",
        "واليوم الآخر",
    ]
    assert any("approval" in w or "اعتماد" in w for w in parsed.report.warnings)
    reasons = [entry["reason"] for entry in parsed.report.boilerplate]
    assert reasons.count("contact") == 4 and "opening-formula" in reasons
    every_line_is_accounted_for(parsed, "mouj-community-development.txt")


def test_headings_numbering_and_digits_variants():
    text = "\n".join(
        [
            "سياسة تعارض المصالح لجمعية البر",
            "# تمهيد",
            "نص التمهيد الأول",
            "يستمر هنا.",
            "الأهداف التفصيلية:-",
            "١. الهدف الأول",
            "2- الهدف الثاني",
            "» الهدف الثالث",
            "اعتماد مجلس الإدارة",
            "اعتمد مجلس الإدارة في الاجتماع (٣) في دورته (الرابعة) هذه السياسة بتاريخ ١/٩/١٤٤٥ هـ",
        ]
    )
    parsed = parse_policy_text(text)
    assert parsed.association == "جمعية البر"
    assert parsed.category == "conflict-of-interest"
    assert parsed.sections[0].paragraphs == ["نص التمهيد الأول يستمر هنا."]
    assert [i.text for i in parsed.sections[1].items] == [
        "الهدف الأول",
        "الهدف الثاني",
        "الهدف الثالث",
    ]
    assert parsed.approval.meeting_number == "3"
    assert parsed.approval.term_number == 4
    assert parsed.approval.meeting_date == dt.date(2024, 3, 11)  # from the Hijri date alone


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "binary"),
        (
            "caf\u00e9 r\u00e9sum\u00e9 na\u00efve \u00e0 la fran\u00e7aise".encode("latin-1"),
            "encoding",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(data, message):
    with pytest.raises(PolicyImportError) as error:
        parse_policy_bytes(data)
    assert message in str(error.value).lower() or {
        "empty": "فارغ",
        "binary": "ثنائي",
        "encoding": "ترميز",
    }[message] in str(error.value)


def test_windows_arabic_encoding_is_read():
    parsed = parse_policy_bytes("سياسة التطوع\nتمهيد:\nنص".encode("cp1256"))
    assert parsed.title == "سياسة التطوع"
    assert parsed.category == "volunteering"


# --- the command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_json_prints_what_was_understood_and_writes_nothing(capsys, catalogue):
    call_command(
        "import_policy",
        str(SAMPLES / "deema-education-makkah.txt"),
        "--dry-run",
        "--format",
        "json",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "سياسة تنظيم العلاقة مع المستخدمين"
    assert data["association"] == "جمعية ديمة التعليمية وبمكة"
    assert [s["kind"] for s in data["sections"]][:3] == [
        "preamble",
        "general_goal",
        "detailed_goals",
    ]
    assert data["approval"]["meeting_date"] == "2024-05-21"
    assert data["report"]["lines_accounted"] == data["report"]["lines_total"]
    assert not PolicyPage.objects.exists()


@pytest.mark.django_db
def test_import_proposes_the_approval_and_publishes_nothing(catalogue):
    call_command("import_policy", str(SAMPLES / "bina-housing-jazan.txt"))
    policy = PolicyPage.objects.get()
    assert not policy.live
    assert not BoardApproval.objects.exists()
    imported = PolicyImport.objects.get()
    assert imported.approval_status == "pending"
    assert imported.approval["meeting_date"] == "2022-01-06"
    assert imported.revision_id == policy.latest_revision_id


@pytest.mark.django_db
def test_import_with_confirm_approval_records_it_and_publishes_version_one(catalogue):
    call_command("import_policy", str(SAMPLES / "bina-housing-jazan.txt"), "--confirm-approval")
    policy = PolicyPage.objects.get()
    approval = BoardApproval.objects.get()
    assert policy.live and policy.live_revision_id == approval.revision_id
    assert approval.version == 1 and approval.recorded_via == "import"
    assert approval.term.number == 2
    assert [block.block_type for block in policy.body_ar] == [
        "preamble",
        "general_goal",
        "channels",
        "tools",
        "procedure",
    ]
    assert PolicyImport.objects.get().approval_status == "confirmed"


@pytest.mark.django_db
def test_import_without_an_approval_makes_a_draft(catalogue):
    call_command("import_policy", str(SAMPLES / "mouj-community-development.txt"))
    policy = PolicyPage.objects.get()
    assert not policy.live
    assert policy.body_ar[-1].block_type == "section"
    assert not BoardApproval.objects.exists()
    assert PolicyImport.objects.get().approval_status == "none"


@pytest.mark.django_db
def test_import_into_an_existing_policy_adds_a_version(catalogue):
    call_command("import_policy", str(SAMPLES / "bina-housing-jazan.txt"), "--confirm-approval")
    slug = PolicyPage.objects.get().slug
    call_command(
        "import_policy",
        str(SAMPLES / "deema-education-makkah.txt"),
        "--into",
        slug,
        "--confirm-approval",
    )
    assert list(BoardApproval.objects.values_list("version", flat=True)) == [1, 2]
    policy = PolicyPage.objects.get()
    assert "detailed_goals" in [block.block_type for block in policy.body_ar]


@pytest.mark.django_db
def test_bad_files_fail_clearly_and_write_nothing(tmp_path, capsys, catalogue):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02\x03")
    with pytest.raises(CommandError):
        call_command("import_policy", str(empty), str(binary), str(tmp_path / "missing.txt"))
    errors = capsys.readouterr().err
    assert "empty.txt" in errors and "scan.pdf" in errors and "missing.txt" in errors
    assert "[2/3]" in errors  # progress on many files
    assert not PolicyPage.objects.exists()
