"""Assembling the policy from lines in their places (as classified, or as an editor moved them in
the preview): sections with paragraphs or items (broken lines joined back), the approval, the
title and association, the category and the response period."""

import re

from django.utils.translation import gettext as _

from cms.importer import approval as approval_reader
from cms.importer.parsed import (
    PARAGRAPH_KINDS,
    Item,
    Line,
    Outline,
    ParsedPolicy,
    Report,
    Role,
    Section,
)
from cms.importer.text import (
    SENTENCE_END,
    fold,
    split_marker,
    strip_decoration,
    strip_markup,
)
from portal.dates import to_ascii_digits

CATEGORY_KEYWORDS = [
    ("beneficiary-relations", ("العلاقه مع المستفيدين", "العلاقه مع المستخدمين", "المستفيدين")),
    ("conflict-of-interest", ("تعارض المصالح",)),
    ("whistleblowing", ("المخالفات", "الابلاغ")),
    ("data-privacy", ("الخصوصيه", "حمايه البيانات")),
    ("document-retention", ("الاحتفاظ بالوثاءق", "اتلاف")),
    ("volunteering", ("التطوع", "المتطوعين")),
    ("fundraising", ("جمع التبرعات",)),
]


def assemble(lines: list[Line], outline: list[Outline]) -> ParsedPolicy:
    """The policy from lines in their places (as classified, or as an editor moved them)."""
    report = Report(lines_total=len(lines))
    report.restored_lines = sum(1 for ln in lines if ln.restored)
    by_section: dict[int, list[Line]] = {}
    approval_lines: list[Line] = []
    unclassified: list[Line] = []
    title = association = licence = ""
    for line in lines:
        plain = strip_markup(line.text)
        if line.role == Role.TITLE:
            report.title_lines.append(plain)
            title = title or strip_decoration(plain)
        elif line.role == Role.ASSOCIATION:
            report.association_lines.append(plain)
            licence = licence or approval_reader.licence_number(plain)
            name = re.split(r"\s{2,}|\s[-–|]\s|(?=\b(?:ترخيص|تصريح|مسجلة|المسجلة)\b)", plain)[0]
            association = f"{association} {name}".strip()
        elif line.role == Role.LICENCE:
            report.association_lines.append(plain)
            licence = licence or approval_reader.licence_number(plain)
        elif line.role == Role.TOC:
            report.table_of_contents.append(plain)
        elif line.role == Role.DROPPED:
            report.boilerplate.append({"line": plain, "reason": line.detail})
        elif line.role in {Role.HEADING, Role.BODY} and line.section is not None:
            by_section.setdefault(line.section, []).append(line)
            report.section_lines += 1
        elif line.role == Role.APPROVAL:
            approval_lines.append(line)
            report.approval_lines.append(plain)
        else:
            unclassified.append(line)
            report.unclassified.append(plain)

    sections = []
    for index, entry in enumerate(outline):
        body = [ln for ln in by_section.get(index, []) if ln.role == Role.BODY]
        heading_line = next(
            (ln for ln in by_section.get(index, []) if ln.role == Role.HEADING), None
        )
        heading = strip_decoration(heading_line.text) if heading_line else entry.heading
        sections.append(_build_section(entry.kind, heading, body))
    if unclassified:
        sections.append(
            Section(
                kind="section",
                heading=_("Unclassified text"),
                paragraphs=[strip_markup(ln.text) for ln in unclassified],
            )
        )
        for line in unclassified:
            line.detail = "paragraph"
        report.warnings.append(
            _("%(count)d line(s) could not be classified and were put in a free section.")
            % {"count": len(unclassified)}
        )

    approval = None
    if [ln for ln in approval_lines if ln.detail != "heading"]:
        approval, _fields = approval_reader.read_approval(
            [ln.text for ln in approval_lines if ln.detail != "heading"]
        )
        if approval is not None:
            report.warnings.extend(approval.warnings)
    if approval is None or approval.meeting_date is None:
        report.warnings.append(_("The document has no board approval statement with a date."))

    if title:
        match = re.search(r"\s+ل(جمعي[ةه]\s+.+)$", title)
        if match:
            title = title[: match.start()].strip()
            association = association or match.group(1)
    if not association:
        association = _association_from_text(sections)
    return ParsedPolicy(
        title=title,
        association=" ".join(association.split()),
        licence_number=licence,
        category=guess_category(title),
        response_period_days=response_period(sections),
        sections=sections,
        approval=approval,
        report=report,
        lines=lines,
        outline=outline,
    )


def _association_from_text(sections: list[Section]) -> str:
    for section in sections:
        for paragraph in section.paragraphs[:2]:
            match = re.search(
                r"(?:تضع|تلتزم|تسعى|تحرص)\s+(جمعي[ةه]\s+.+?)\s+(?:السياسات|بـ?|على|إلى|الى)\s",
                paragraph,
            )
            if match:
                return match.group(1)
    return ""


def _build_section(kind: str, heading: str, body: list[Line]) -> Section:
    if kind in PARAGRAPH_KINDS:
        return Section(kind=kind, heading=heading, paragraphs=parse_paragraphs(body))
    if kind == "section":
        items = [ln for ln in body if split_marker(ln.source)[0]]
        if not items:
            return Section(kind=kind, heading=heading, paragraphs=parse_paragraphs(body))
    return Section(kind=kind, heading=heading, items=parse_items(body))


def parse_paragraphs(body: list[Line]) -> list[str]:
    """Paragraphs: a line joins the one before unless a gap, a full stop or Word parts them."""
    paragraphs: list[str] = []
    for line in body:
        text = strip_markup(line.text)
        joins = (
            paragraphs
            and not line.gap_before
            and line.hint != "paragraph"
            and not SENTENCE_END.search(paragraphs[-1])
        )
        if joins:
            paragraphs[-1] += " " + text
            line.detail = "continuation"
        else:
            paragraphs.append(text)
            line.detail = "paragraph"
    return paragraphs


def _indent(line: Line) -> int:
    raw = line.source.replace("\t", "    ")
    return len(raw) - len(raw.lstrip())


def parse_items(body: list[Line]) -> list[Item]:
    """Items and sub-items from list lines; a line without a marker continues the one before
    it when that one did not end its sentence (a line broken across a page)."""
    items: list[Item] = []
    parent_style = None
    parent_indent = 0
    for line in body:
        marker, text = split_marker(line.text)
        text = text.strip()
        if not text:
            text = strip_markup(line.text)
        style = "number" if re.search(r"[0-9٠-٩۰-۹]", marker) else ("bullet" if marker else None)
        indent = _indent(line)
        if line.hint.startswith("list:"):
            indent = int(line.hint.split(":")[1]) * 4
        if style is None:
            last = items[-1] if items else None
            previous = (last.subitems[-1] if last and last.subitems else last.text) if last else ""
            long_previous = len(previous.split()) >= 7
            if last is not None and not SENTENCE_END.search(previous) and long_previous:
                if last.subitems:
                    last.subitems[-1] += " " + text
                else:
                    last.text += " " + text
                line.detail = "continuation"
                continue
            style = "plain"
        is_child = bool(items) and (
            indent > parent_indent
            or (items[-1].text.rstrip().endswith((":", "：")) and style != parent_style)
            or (bool(items[-1].subitems) and style != parent_style)
        )
        if is_child:
            items[-1].subitems.append(text)
            line.detail = "subitem"
        else:
            items.append(Item(text=text))
            parent_style, parent_indent = style, indent
            line.detail = "item"
    return items


def response_period(sections: list[Section]) -> int | None:
    texts = []
    for section in sections:
        if section.kind == "procedure":
            texts += [i.text for i in section.items] + [
                s for i in section.items for s in i.subitems
            ]
    text = to_ascii_digits(fold(" ".join(texts)))
    if match := re.search(r"(\d+)\s*(?:يوم|ايام)", text):
        return int(match.group(1))
    for words, days in (("اسبوعين", 14), ("اسبوع", 7), ("شهرين", 60), ("شهر", 30)):
        if words in text:
            return days
    return None


def guess_category(title: str) -> str:
    folded = fold(title)
    for category, keywords in CATEGORY_KEYWORDS:
        if any(keyword in folded for keyword in keywords):
            return category
    return "other"
