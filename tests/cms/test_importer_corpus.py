"""The importer on a generated corpus (tests/cms/policy_corpus.py) and on documents written by
hand in styles the samples do not have.

Floors: 98 % of sections recognised with the right kind, every approval fact read (meeting,
term, dates in both calendars, each member with their role, the supersession clause), no line
lost (every word of every line of the policy reaches the imported policy). The corpus runs in
four shards so that `-n 2` spreads it; each shard prints its figures and holds the floors.
"""

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from cms.importer import ParsedPolicy, fold, parse_document
from tests.cms.policy_corpus import Document, build_corpus

DOCUMENTS = Path(__file__).resolve().parent / "documents"
SHARDS = 4
PER_SHARD = 80


def _dates_unordered(text: str) -> str:
    # A date in a PDF line reads in whichever order the writer stored its numbers; the facts
    # check that it is read right, the words check only that nothing went missing.
    return re.sub(
        r"\d+(?:[-/]\d+)+", lambda m: "-".join(sorted(re.split(r"[-/]", m.group()))), text
    )


def output_text(parsed: ParsedPolicy) -> str:
    parts = [parsed.title, parsed.association]
    for section in parsed.sections:
        parts += [section.heading, *section.paragraphs]
        parts += [item.text for item in section.items]
        parts += [sub for item in section.items for sub in item.subitems]
    if parsed.approval:
        parts.append(parsed.approval.decision_text)
        parts += [member["name"] for member in parsed.approval.members]
    return _dates_unordered(fold(" ".join(parts)))


def score(document: Document) -> dict:
    parsed = parse_document(document.data, document.name)
    figures = Counter()
    misses = []
    found = Counter(section.kind for section in parsed.sections)
    for kind in document.truth.kinds:
        figures["sections"] += 1
        if found[kind]:
            figures["sections_right"] += 1
        else:
            misses.append(f"{document.name}: section {kind} {document.perturbations}")
    text = output_text(parsed)
    for line in document.truth.content:
        figures["lines"] += 1
        missing = [w for w in _dates_unordered(fold(line)).split() if len(w) > 3 and w not in text]
        if missing:
            figures["lines_lost"] += 1
            misses.append(f"{document.name}: lost {missing[:3]} {document.perturbations}")
    truth, approval = document.truth.approval, parsed.approval
    if truth:
        members = {(m["name"], m["role"]) for m in (approval.members if approval else [])}
        facts = {
            "meeting": approval and approval.meeting_number == truth["meeting_number"],
            "date": approval and approval.meeting_date == truth["meeting_date"],
            "hijri": approval and approval.hijri_date == truth["hijri_date"],
            "supersedes": approval and approval.supersedes_previous == truth["supersedes_previous"],
        }
        if truth["term_number"]:
            facts["term"] = approval and approval.term_number == truth["term_number"]
        for member in truth["members"]:
            facts[f"member {member['name']}"] = (member["name"], member["role"]) in members
        for fact, right in facts.items():
            figures["facts"] += 1
            if right:
                figures["facts_right"] += 1
            else:
                misses.append(f"{document.name}: approval {fact} {document.perturbations}")
    figures["lines_accounted_gap"] += parsed.report.lines_total - parsed.report.lines_accounted
    return {"figures": figures, "misses": misses}


@pytest.mark.parametrize("shard", range(SHARDS))
def test_generated_corpus_is_recognised_above_the_floors(shard):
    documents = build_corpus(count=PER_SHARD, seed=1000 + shard)
    kinds = Counter(document.kind for document in documents)
    assert kinds["pdf"] and kinds["docx"] and kinds["txt"]
    totals, misses = Counter(), []
    for document in documents:
        result = score(document)
        totals.update(result["figures"])
        misses += result["misses"]
    sections = totals["sections_right"] / totals["sections"]
    facts = totals["facts_right"] / totals["facts"]
    print(
        f"\ncorpus shard {shard}: {len(documents)} documents ({dict(kinds)}), "
        f"sections {totals['sections_right']}/{totals['sections']} ({sections:.2%}), "
        f"approval facts {totals['facts_right']}/{totals['facts']} ({facts:.2%}), "
        f"lines lost {totals['lines_lost']} of {totals['lines']}"
    )
    assert sections >= 0.98, misses[:20]
    assert facts == 1.0, misses[:20]
    assert totals["lines_lost"] == 0, misses[:20]
    assert totals["lines_accounted_gap"] == 0


def test_corpus_covers_every_perturbation():
    documents = build_corpus(count=PER_SHARD, seed=1000)
    tags = Counter(tag for document in documents for tag in document.perturbations)
    for wanted in [
        "heading-dot", "heading-dash", "heading-paren", "heading-adverb", "heading-after",
        "fused-words", "split-words", "tatweel", "reversed-word-order", "headers-footers",
        "table-of-contents", "broken-lines", "approval-inline", "missing-sections",
        "date-hijri", "date-gregorian", "date-both", "members-two-per-row", "members-role-name",
    ]:  # fmt: skip
        assert tags[wanted], wanted


# --- documents written by hand, not derived from the samples -------------------------------------


def read(name: str) -> ParsedPolicy:
    return parse_document((DOCUMENTS / name).read_bytes(), name)


def test_a_regulation_with_other_headings_in_another_order():
    parsed = read("wafa-riyadh-beneficiaries.md")
    assert parsed.title == "لائحة خدمة المستفيدين وتنظيم التواصل معهم"
    assert parsed.association == "جمعية الوفاء الخيرية بالرياض"
    assert parsed.licence_number == "1248"
    assert [s.kind for s in parsed.sections] == [
        "preamble",
        "general_goal",
        "procedure",
        "channels",
        "detailed_goals",
    ]
    assert len(parsed.sections[2].items) == 5
    approval = parsed.approval
    assert (approval.meeting_number, approval.term_number) == ("7", 3)
    assert approval.meeting_date == dt.date(2024, 3, 25)  # 15 Ramadan 1445, a month by name
    assert approval.hijri_date == "15/9/1445"
    assert approval.supersedes_previous
    assert approval.members == [
        {"name": "د. سلمان عبدالله الراشد", "role": "chair"},
        {"name": "أ. لطيفة محمد السالم", "role": "vice_chair"},
        {"name": "م. بدر ناصر الحمدان", "role": "financial_supervisor"},
        {"name": "أ. جواهر فهد العمر", "role": "member"},
    ]
    reasons = {entry["reason"] for entry in parsed.report.boilerplate}
    assert reasons == {"contact", "table-rule"}
    assert parsed.report.unclassified == []


def test_a_bilingual_policy_with_the_approval_inside_its_last_section():
    parsed = read("nakheel-qassim-volunteers.txt")
    assert parsed.title == "سياسة التعامل مع المستفيدين والمتطوعين"
    assert parsed.association == "جمعية النخيل للخدمات الاجتماعية بالقصيم"
    assert parsed.licence_number == "3391"
    assert [s.kind for s in parsed.sections] == [
        "preamble",
        "detailed_goals",
        "general_goal",
        "tools",
        "channels",
        "procedure",
    ]
    assert len(parsed.sections[-1].items) == 3  # the approval is not a step of the procedure
    approval = parsed.approval
    assert approval.meeting_number == "2" and approval.term_number is None
    assert approval.meeting_date == dt.date(2023, 10, 5)  # written year first
    assert [(m["role"], m["name"]) for m in approval.members] == [
        ("chair", "عبدالرحمن صالح المحيميد"),
        ("financial_supervisor", "هند إبراهيم الربيعان"),
        ("secretary", "يوسف علي الخضيري"),
    ]
    assert [e["reason"] for e in parsed.report.boilerplate] == [
        "opening-formula",
        "page-number",
        "page-number",
    ]
