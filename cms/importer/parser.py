"""Read a policy document (plain text or Markdown-ish, as extracted from a PDF) into its parts.

Pure parsing, no writes: `parse_policy_text` returns the title, association, typed sections,
the board approval if the document has one, and a report that accounts for every line:
each non-empty line is a title, association, table-of-contents, boilerplate, section,
approval or unclassified line. Unclassified lines become a free section, never dropped.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from portal.dates import HijriDate, to_ascii_digits
from search.arabic import normalise

LIST_ITEM = re.compile(
    r"^(?P<indent>\s*)(?P<marker>(?:[-*•▪«»]\s*)?(?:[0-9٠-٩۰-۹]+\s*[-.)]\s*)?)(?P<text>.*)$"
)
DATE = re.compile(r"(\d{1,4})\s*/\s*(\d{1,2})\s*/\s*(\d{1,4})")
ORDINALS = {
    "الاول": 1, "الاولى": 1, "الثاني": 2, "الثانيه": 2, "الثالث": 3, "الثالثه": 3,
    "الرابع": 4, "الرابعه": 4, "الخامس": 5, "الخامسه": 5, "السادس": 6, "السادسه": 6,
    "السابع": 7, "السابعه": 7, "الثامن": 8, "الثامنه": 8, "التاسع": 9, "التاسعه": 9,
    "العاشر": 10, "العاشره": 10,
}  # fmt: skip
ROLE_WORDS = [
    ("vice_chair", "نائب الرئيس"),
    ("chair", "رئيس مجلس الاداره"),
    ("financial_supervisor", "المشرف المالي"),
    ("secretary", "امين السر"),
    ("member", "عضو"),
]
SECTION_KEYWORDS = [
    ("preamble", ("تمهيد",)),
    ("general_goal", ("الهدف العام",)),
    ("detailed_goals", ("الاهداف التفصيليه",)),
    ("channels", ("القنوات المستخدمه",)),
    ("tools", ("الادوات المتاحه",)),
    ("procedure", ("التعامل مع المستفيد", "التعامل مع المستخدم")),
]
CATEGORY_KEYWORDS = [
    ("beneficiary-relations", ("العلاقه مع المستفيدين", "العلاقه مع المستخدمين")),
    ("conflict-of-interest", ("تعارض المصالح",)),
    ("whistleblowing", ("المخالفات", "الابلاغ")),
    ("data-privacy", ("الخصوصيه", "حمايه البيانات")),
    ("document-retention", ("الاحتفاظ بالوثائق", "اتلاف")),
    ("volunteering", ("التطوع", "المتطوعين")),
    ("fundraising", ("جمع التبرعات",)),
]
PARAGRAPH_KINDS = {"preamble", "general_goal"}


class PolicyImportError(Exception):
    """The file cannot be read as a policy document; the message is for the person importing."""


@dataclass
class Item:
    text: str
    subitems: list[str] = field(default_factory=list)


@dataclass
class Section:
    kind: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class Approval:
    meeting_number: str
    term_number: int | None
    meeting_date: dt.date
    hijri_date: str
    members: list[dict]
    decision_text: str
    supersedes_previous: bool


@dataclass
class Report:
    lines_total: int = 0
    title_lines: list[str] = field(default_factory=list)
    association_lines: list[str] = field(default_factory=list)
    table_of_contents: list[str] = field(default_factory=list)
    boilerplate: list[dict] = field(default_factory=list)
    section_lines: int = 0
    approval_lines: list[str] = field(default_factory=list)
    unclassified: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def lines_accounted(self) -> int:
        return (
            len(self.title_lines)
            + len(self.association_lines)
            + len(self.table_of_contents)
            + len(self.boilerplate)
            + self.section_lines
            + len(self.approval_lines)
            + len(self.unclassified)
        )


@dataclass
class ParsedPolicy:
    title: str
    association: str
    category: str
    response_period_days: int | None
    sections: list[Section]
    approval: Approval | None
    report: Report

    def as_dict(self) -> dict:
        data = asdict(self)
        if self.approval:
            data["approval"]["meeting_date"] = self.approval.meeting_date.isoformat()
        data["report"]["lines_accounted"] = self.report.lines_accounted
        return data


# --- text helpers ----------------------------------------------------------------------


def fold(text: str) -> str:
    """Loose Arabic form for matching (the search normaliser), with single spaces."""
    return " ".join(normalise(text).split())


def clean_markup(line: str) -> str:
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # [text](url) -> text
    line = line.replace("**", "").replace("__", "")
    return line.replace("\t", " ").strip()


def strip_heading_marks(line: str) -> str:
    text = re.sub(r"^[#■«»\-*•▪\s]+", "", line)
    return re.sub(r"[\s:：\-–—.]+$", "", text).strip()


def decode(data: bytes) -> str:
    if not data.strip():
        raise PolicyImportError(_("The file is empty."))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PolicyImportError(_("The file is binary, not a text document."))
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        text = data.decode("cp1256")  # Windows Arabic, common in older documents
    except UnicodeDecodeError:
        text = ""
    letters = [c for c in text if c.isalpha()]
    arabic = [c for c in letters if "\u0600" <= c <= "\u06ff"]
    if letters and len(arabic) / len(letters) > 0.5:
        return text
    raise PolicyImportError(
        _("The file's text encoding is not recognised. Save it as UTF-8 and try again.")
    )


# --- classification --------------------------------------------------------------------


def section_kind(line: str) -> str | None:
    """The kind of section this line is the heading of, or None if it is not a heading."""
    raw = clean_markup(line)
    text = fold(strip_heading_marks(raw))
    if not text or len(text.split()) > 14:
        return None
    looks_like_heading = raw.startswith("#") or re.search(r"[:：]\s*-?\s*$", raw) is not None
    if text.startswith("اعتماد") and "مجلس الاداره" in text:
        return "approval"
    for kind, keywords in SECTION_KEYWORDS:
        for keyword in keywords:
            if kind == "procedure":
                if keyword in text and looks_like_heading:
                    return kind
            elif text.startswith(keyword) and (looks_like_heading or text == keyword):
                return kind
    return None


def is_list_item(line: str) -> bool:
    return bool(LIST_ITEM.match(clean_markup(line)).group("marker").strip())


def boilerplate_reason(line: str, repeated: bool) -> str | None:
    text = clean_markup(line)
    folded = fold(text)
    bare = re.sub(r"[\s:\-ـ]", "", folded)
    if (
        re.fullmatch(r"(https?://)?(www\.)?[\w.-]+\.\w{2,}(/\S*)?", text.replace(" ", ""))
        and "." in text
        and not re.search("[\u0600-\u06ff]", text)
    ):
        return "contact"
    if re.fullmatch(r"[+\d\s()-]{7,}", to_ascii_digits(text)):
        return "contact"
    tokens = text.split()
    if len(tokens) >= 6 and sum(len(t) == 1 for t in tokens) / len(tokens) > 0.8:
        return "contact"  # letters spread out by the PDF extraction: "i n f o @ ..."
    if bare.startswith("بسمالله") and "الرحيم" in bare:
        return "opening-formula"
    if bare in {"الختم", "التوقيع"}:
        return "stamp"
    if re.fullmatch(r"[\d٠-٩]+", bare):
        return "page-number"
    if repeated:
        return "repeated-header-footer"
    return None


def parse_items(lines: list[str]) -> list[Item]:
    items: list[Item] = []
    parent_style = None
    parent_indent = 0
    for raw in lines:
        match = LIST_ITEM.match(raw)
        marker = match.group("marker").strip()
        text = clean_markup(match.group("text"))
        indent = len(match.group("indent").replace("\t", "    "))
        if not text:
            continue
        style = "number" if re.search(r"[0-9٠-٩۰-۹]", marker) else ("bullet" if marker else None)
        if style is None:
            # A line broken mid-sentence: it continues the last item (or sub-item).
            if items:
                if items[-1].subitems:
                    items[-1].subitems[-1] += " " + text
                else:
                    items[-1].text += " " + text
            else:
                items.append(Item(text=text))
            continue
        is_child = bool(items) and (
            indent > parent_indent
            or (items[-1].text.rstrip().endswith((":", "：")) and style != parent_style)
            or (items[-1].subitems and style != parent_style)
        )
        if is_child:
            items[-1].subitems.append(text)
        else:
            items.append(Item(text=text))
            parent_style, parent_indent = style, indent
    return items


def parse_paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in lines + [""]:
        text = clean_markup(raw)
        if text:
            current.append(text)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def ordinal_or_number(text: str) -> str:
    value = fold(to_ascii_digits(text)).replace(" ", "")
    return str(ORDINALS.get(value, value))


def parse_approval(lines: list[str], report: Report) -> tuple[Approval | None, list[str]]:
    """Returns the approval and the lines it did not use."""
    statement_lines, other_lines, members = [], [], []
    for raw in lines:
        text = clean_markup(raw)
        folded = fold(to_ascii_digits(text))
        role = next((code for code, word in ROLE_WORDS if folded.startswith(word)), None)
        if role and re.search(r"[:\-–]", text):
            name = re.split(r"[:\-–]", text, maxsplit=1)[1].strip()
            if name:
                members.append({"name": name, "role": role})
                statement_lines.append(raw)
                continue
        # The statement starts at "اعتمد" and runs on over the lines it was broken into.
        if "اعتمد" in folded or DATE.search(folded) or (statement_lines and not other_lines):
            statement_lines.append(raw)
            continue
        other_lines.append(raw)
    statement = " ".join(
        clean_markup(line)
        for line in statement_lines
        if not fold(clean_markup(line)).startswith(tuple(w for _c, w in ROLE_WORDS))
    )
    ascii_statement = to_ascii_digits(statement)
    folded = fold(ascii_statement)
    gregorian = hijri = None
    for first, second, third in DATE.findall(ascii_statement):
        numbers = [int(first), int(second), int(third)]
        day, month, year = (numbers[2], numbers[1], numbers[0]) if numbers[0] > 31 else numbers
        try:
            if 1300 <= year <= 1500:
                hijri = HijriDate(year, month, day)
            elif year > 1900:
                gregorian = dt.date(year, month, day)
        except ValueError:
            report.warnings.append(
                _("A date in the approval could not be read: %s") % f"{first}/{second}/{third}"
            )
    if gregorian is None and hijri is not None:
        gregorian = hijri.to_gregorian()
    if gregorian is None:
        report.warnings.append(_("The document has no board approval statement with a date."))
        return None, statement_lines + other_lines
    derived = HijriDate.from_gregorian(gregorian)
    if hijri is not None and abs((hijri.to_gregorian() - gregorian).days) > 1:
        report.warnings.append(
            _("The Hijri date %(hijri)s does not match the Gregorian date %(gregorian)s.")
            % {"hijri": hijri.numeric(), "gregorian": gregorian.isoformat()}
        )
    meeting = re.search(r"الاجتماع\s*(?:رقم)?\s*\(?\s*([^()]+?)\s*\)", folded)
    term = re.search(r"(?:دورته|الدوره)\s*\(?\s*([^()\s]+)\s*\)?", folded)
    term_number = None
    if term:
        value = ordinal_or_number(term.group(1))
        term_number = int(value) if value.isdigit() else None
    approval = Approval(
        meeting_number=ordinal_or_number(meeting.group(1)) if meeting else "",
        term_number=term_number,
        meeting_date=gregorian,
        hijri_date=(hijri or derived).numeric(),
        members=members,
        decision_text=statement,
        supersedes_previous="تحل هذه السياسه محل" in folded or "محل جميع" in folded,
    )
    if not approval.meeting_number:
        report.warnings.append(_("The approval does not name the meeting."))
    return approval, other_lines


def response_period(sections: list[Section]) -> int | None:
    text = fold(" ".join(item.text for s in sections if s.kind == "procedure" for item in s.items))
    text = to_ascii_digits(text)
    if match := re.search(r"(\d+)\s*(?:يوم|ايام)", text):
        return int(match.group(1))
    if "اسبوعين" in text:
        return 14
    if "اسبوع" in text:
        return 7
    if "شهرين" in text:
        return 60
    if "شهر" in text:
        return 30
    return None


def guess_category(title: str) -> str:
    folded = fold(title)
    for category, keywords in CATEGORY_KEYWORDS:
        if any(keyword in folded for keyword in keywords):
            return category
    return "other"


# --- the parser --------------------------------------------------------------------------


def parse_policy_bytes(data: bytes) -> ParsedPolicy:
    return parse_policy_text(decode(data))


def parse_policy_text(text: str) -> ParsedPolicy:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line.rstrip() for line in raw_lines]
    report = Report(lines_total=sum(1 for line in lines if line.strip()))
    if report.lines_total == 0:
        raise PolicyImportError(_("The file is empty."))

    counts = Counter(fold(clean_markup(line)) for line in lines if line.strip())
    title, association_parts = "", []
    sections: list[Section] = []
    approval_lines: list[str] = []
    approval_headings: list[str] = []
    current: tuple[str, str, list[str]] | None = None  # kind, heading, raw lines
    in_toc = False

    def close_current():
        if current is None:
            return
        kind, heading, body = current
        if kind == "approval":
            approval_lines.extend(body)
            return
        if kind in PARAGRAPH_KINDS:
            section = Section(kind=kind, heading=heading, paragraphs=parse_paragraphs(body))
        else:
            section = Section(
                kind=kind, heading=heading, items=parse_items([b for b in body if b.strip()])
            )
        sections.append(section)

    for line in lines:
        if not line.strip():
            if current is not None:
                current[2].append("")
            continue
        cleaned = clean_markup(line)
        folded = fold(cleaned)
        kind = section_kind(line)
        heading_text = strip_heading_marks(cleaned)
        is_toc_heading = fold(heading_text) in {"المحتويات", "جدول المحتويات"}
        if is_toc_heading:
            in_toc = True
            report.table_of_contents.append(cleaned)
            continue
        if in_toc:
            real_heading = kind is not None and (
                line.lstrip().startswith("#") or re.search(r"[:：]\s*-?\s*$", cleaned)
            )
            if not real_heading:
                repeated = counts[folded] > 1 and kind is None and not is_list_item(line)
                reason = boilerplate_reason(line, repeated)
                if reason:
                    report.boilerplate.append({"line": cleaned, "reason": reason})
                else:
                    report.table_of_contents.append(cleaned)
                continue
            in_toc = False
        if kind is not None:
            close_current()
            current = (kind, heading_text, [])
            if kind == "approval":
                approval_headings.append(cleaned)
            else:
                report.section_lines += 1
            continue
        if (
            not title
            and "سياسه" in folded
            and len(folded.split()) <= 16
            and (line.lstrip().startswith("#") or current is None)
        ):
            title = heading_text
            report.title_lines.append(cleaned)
            continue
        if title and fold(heading_text) == fold(title):
            report.boilerplate.append({"line": cleaned, "reason": "repeated-title"})
            continue
        reason = boilerplate_reason(line, counts[folded] > 1 and not is_list_item(line))
        if reason:
            report.boilerplate.append({"line": cleaned, "reason": reason})
            continue
        if current is None:
            if not title and folded.startswith("جمعيه") or association_parts and not title:
                association_parts.append(cleaned)
                report.association_lines.append(cleaned)
            else:
                report.unclassified.append(cleaned)
            continue
        current[2].append(line)
        if current[0] != "approval":
            report.section_lines += 1
    close_current()

    if not title:
        # The title may stand alone anywhere (as a page footer, say): take the first such line.
        for line in lines:
            cleaned = clean_markup(line)
            if (
                "سياسه" in fold(cleaned)
                and len(cleaned.split()) <= 10
                and section_kind(line) is None
            ):
                title = strip_heading_marks(cleaned)
                for entry in report.boilerplate:
                    if fold(entry["line"]) == fold(cleaned) and entry["reason"] == "repeated-title":
                        report.boilerplate.remove(entry)
                        break
                else:
                    report.unclassified = [
                        u for u in report.unclassified if fold(u) != fold(cleaned)
                    ]
                report.title_lines.append(cleaned)
                break

    approval = None
    approval_content = [line for line in approval_lines if line.strip()]
    if approval_content:
        approval, leftover = parse_approval(approval_content, report)
        leftover_ids = {id(line) for line in leftover}
        report.approval_lines = approval_headings + [
            clean_markup(line) for line in approval_content if id(line) not in leftover_ids
        ]
        report.unclassified += [clean_markup(line) for line in leftover]
    else:
        report.approval_lines = approval_headings
        report.warnings.append(_("The document has no board approval statement with a date."))

    association = " ".join(association_parts)
    if not association:
        for section in sections:
            if section.kind == "preamble" and section.paragraphs:
                match = re.search(r"تضع\s+(جمعي[ةه]\s+.+?)\s+السياسات", section.paragraphs[0])
                if match:
                    association = match.group(1)
                break
    if title:
        title = re.sub(r"\s+ل(جمعي[ةه]\s+.+)$", "", title).strip()
        match = re.search(
            r"ل(جمعي[ةه]\s+.+)$", strip_heading_marks(clean_markup(report.title_lines[0]))
        )
        if match and not association_parts:
            association = match.group(1)

    if report.unclassified:
        sections.append(
            Section(
                kind="section", heading=_("Unclassified text"), paragraphs=list(report.unclassified)
            )
        )
        report.warnings.append(
            _("%(count)d line(s) could not be classified and were put in a free section.")
            % {"count": len(report.unclassified)}
        )

    seen = set()
    for section in sections:
        if section.kind in seen and section.kind != "section":
            section.kind = "section"
            report.warnings.append(
                _("A repeated section was kept as a free section: %s") % section.heading
            )
        seen.add(section.kind)

    return ParsedPolicy(
        title=title,
        association=association,
        category=guess_category(title),
        response_period_days=response_period(sections),
        sections=sections,
        approval=approval,
        report=report,
    )


def sections_to_stream(sections: list[Section]) -> list[dict]:
    """StreamField data (block type + value) for `PolicyPage.body`."""
    stream = []
    for section in sections:
        if section.kind in PARAGRAPH_KINDS:
            value = {
                "heading": section.heading,
                "paragraphs": section.paragraphs or [" ".join(i.text for i in section.items)],
            }
        elif section.kind == "detailed_goals":
            value = {
                "heading": section.heading,
                "items": [{"text": i.text, "subitems": i.subitems} for i in section.items],
            }
        elif section.kind in {"channels", "tools"}:
            value = {
                "heading": section.heading,
                "items": [i.text for i in section.items]
                + [s for i in section.items for s in i.subitems],
            }
        elif section.kind == "procedure":
            value = {
                "heading": section.heading,
                "steps": [i.text for i in section.items]
                + [s for i in section.items for s in i.subitems],
            }
        else:
            value = {
                "heading": section.heading,
                "paragraphs": section.paragraphs,
                "items": [i.text for i in section.items]
                + [s for i in section.items for s in i.subitems],
            }
        stream.append((section.kind if section.kind != "general_goal" else "general_goal", value))
    return [{"type": kind, "value": value} for kind, value in stream]
