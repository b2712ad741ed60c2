"""Read a policy document's lines into its parts, accounting for every line.

Two steps, both pure (no writes):
- `classify` gives each non-empty source line one place: the title, the association, the
  licence, the table of contents, dropped (page header/footer, contact, page number, opening
  formula), a section's heading or body, the board approval, or unclassified — with the
  recogniser's confidence. Sections are typed by what their heading says (`vocabulary`).
- `assemble` builds the policy from those places: sections with paragraphs or items (broken
  lines joined back), the approval (`approval`), the title and association. The admin preview
  lets an editor change places and section kinds, then assembles again.
"""

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from cms.importer import approval as approval_reader
from cms.importer.approval import Approval
from cms.importer.sources import SourceLine
from cms.importer.text import (
    fold,
    has_heading_cue,
    restore_line,
    reversal_votes,
    reverse_visual,
    split_marker,
    squeeze,
    strip_decoration,
    strip_markup,
)
from cms.importer.vocabulary import best_kind, is_toc_heading
from portal.dates import to_ascii_digits


class Role:
    TITLE = "title"
    ASSOCIATION = "association"
    LICENCE = "licence"
    TOC = "toc"
    DROPPED = "dropped"
    HEADING = "heading"
    BODY = "body"
    APPROVAL = "approval"
    UNCLASSIFIED = "unclassified"


PARAGRAPH_KINDS = {"preamble", "general_goal"}
SECTION_KINDS = [
    "preamble",
    "general_goal",
    "detailed_goals",
    "channels",
    "tools",
    "procedure",
    "section",
]
HEADING_SURE = 0.86
HEADING_WITH_CUE = 0.7
TITLE_START = re.compile(r"^(?:سياسه|لاءحه|ميثاق|دليل)\s")
POLICY_WORDS = re.compile(r"^(?:سياسه|لاءحه|دليل|ميثاق|نظام|اجراءات)\b|\bسياسه\b")
CATEGORY_KEYWORDS = [
    ("beneficiary-relations", ("العلاقه مع المستفيدين", "العلاقه مع المستخدمين", "المستفيدين")),
    ("conflict-of-interest", ("تعارض المصالح",)),
    ("whistleblowing", ("المخالفات", "الابلاغ")),
    ("data-privacy", ("الخصوصيه", "حمايه البيانات")),
    ("document-retention", ("الاحتفاظ بالوثاءق", "اتلاف")),
    ("volunteering", ("التطوع", "المتطوعين")),
    ("fundraising", ("جمع التبرعات",)),
]


@dataclass
class Line:
    number: int
    source: str
    text: str
    role: str = Role.UNCLASSIFIED
    section: int | None = None
    detail: str = ""
    confidence: float = 0.0
    restored: bool = False
    page: int | None = None
    gap_before: bool = False
    hint: str = ""


@dataclass
class Outline:
    """A section as found: its kind, the line of its heading and how sure the match was."""

    kind: str
    heading: str
    confidence: float
    line: int | None = None


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
class Report:
    lines_total: int = 0
    title_lines: list[str] = field(default_factory=list)
    association_lines: list[str] = field(default_factory=list)
    table_of_contents: list[str] = field(default_factory=list)
    boilerplate: list[dict] = field(default_factory=list)
    section_lines: int = 0
    approval_lines: list[str] = field(default_factory=list)
    unclassified: list[str] = field(default_factory=list)
    restored_lines: int = 0
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
    licence_number: str
    category: str
    response_period_days: int | None
    sections: list[Section]
    approval: Approval | None
    report: Report
    lines: list[Line] = field(default_factory=list)
    outline: list[Outline] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        if self.approval and self.approval.meeting_date:
            data["approval"]["meeting_date"] = self.approval.meeting_date.isoformat()
        data["report"]["lines_accounted"] = self.report.lines_accounted
        return data


# --- dropping what is not the policy ---------------------------------------------------------


def boilerplate_reason(text: str) -> str | None:
    """Why a line is not part of the policy, whatever document it is in."""
    plain = strip_markup(text)
    ascii_text = to_ascii_digits(plain)
    folded = fold(plain)
    bare = re.sub(r"[\s:\-ـ.]", "", folded)
    squeezed = plain.replace(" ", "")
    if re.search(r"[\w.-]+@[\w-]+\.\w{2,}", squeezed) or re.fullmatch(
        r"(?:(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?\s*)+", plain
    ):
        return "contact"
    if re.fullmatch(r"(?:https?://)?(?:www\.)[\w-]+(?:\.[\w-]+)+\S*", squeezed):
        return "contact"
    if re.fullmatch(r"[+\d\s()/-]{7,}", ascii_text) and sum(c.isdigit() for c in ascii_text) >= 7:
        return "contact"
    if (
        re.fullmatch(
            r"(?:(?:هاتف|جوال|فاكس|تلفون|ص\s*ب|ص\.ب|الرمز البريدي|البريد الالكتروني|tel|fax|phone|email)\s*[:.]?\s*[+\d\s()/@.\w-]*)",
            fold(ascii_text),
        )
        and sum(c.isdigit() or c == "@" for c in ascii_text) >= 5
    ):
        return "contact"
    if (
        re.search(r"(?:هاتف|جوال|فاكس|تلفون|الهاتف|tel|phone|fax)\b", fold(ascii_text))
        and len(re.sub(r"\D", "", ascii_text)) >= 7
        and len(plain.split()) <= 12
    ):
        return "contact"
    if re.fullmatch(r"[|:\-–\s+=]+", plain) and "-" in plain:
        return "table-rule"
    tokens = plain.split()
    if len(tokens) >= 6 and sum(len(t) == 1 for t in tokens) / len(tokens) > 0.8:
        return "contact"  # letters spread out by the extraction: "i n f o @ ..."
    if bare.startswith("بسمالله") and "الرحيم" in bare:
        return "opening-formula"
    if re.fullmatch(r"[-–(\[]*\s*\d{1,4}\s*[-–)\]]*", ascii_text.strip()) or re.fullmatch(
        r"(?:صفحه|الصفحه|page|ص)\s*[:.]?\s*\d{1,4}(?:\s*(?:من|/|of)\s*\d{1,4})?",
        fold(ascii_text),
    ):
        return "page-number"
    return None


def _repetition_key(text: str) -> str:
    return re.sub(r"\d+", "#", squeeze(to_ascii_digits(strip_markup(text))))


# --- classification --------------------------------------------------------------------------


def lines_from_source(source: list[SourceLine]) -> list[Line]:
    lines: list[Line] = []
    gap = False
    # A document extracted in visual order is so throughout: a line with no evidence of its
    # own (a one-word heading) follows the others.
    votes = [reversal_votes(entry.text) for entry in source if entry.text.strip()]
    decided = [reverse > logical for logical, reverse in votes if logical != reverse]
    lean_reversed = bool(decided) and sum(decided) > 0.6 * len(decided)
    for entry in source:
        if not entry.text.strip():
            gap = True
            continue
        text, restored = restore_line(entry.text.rstrip(), lean_reversed)
        lines.append(
            Line(
                number=len(lines) + 1,
                source=entry.text.rstrip(),
                text=text,
                restored=restored,
                page=entry.page,
                gap_before=gap,
                hint=entry.hint,
            )
        )
        gap = False
    return lines


def _drop(line: Line, reason: str, confidence: float = 0.95) -> None:
    line.role, line.detail, line.confidence, line.section = Role.DROPPED, reason, confidence, None


def classify(source: list[SourceLine]) -> tuple[list[Line], list[Outline]]:
    lines = lines_from_source(source)
    kinds: dict[int, tuple[str | None, float]] = {}
    for line in lines:
        if line.hint in {"header", "footer"}:
            _drop(line, "header-footer", 1.0)
            continue
        reason = boilerplate_reason(line.text)
        if reason:
            _drop(line, reason)
            continue
        kinds[line.number] = best_kind(line.text)
        if kinds[line.number][1] < HEADING_WITH_CUE and line.source.strip():
            # A heading too short to show its direction may still read right backwards.
            other = restore_line(reverse_visual(line.source.strip()))[0]
            kind, score = best_kind(other)
            if score >= HEADING_SURE:
                line.text, line.restored = other, not line.restored
                kinds[line.number] = (kind, score)

    _drop_repeated(lines, kinds)
    headings = _find_headings(lines, kinds)
    # A heading the vocabulary does not know opens a section only inside the body.
    first_typed = next((h.number for h in headings if h.detail != "section"), len(lines) + 1)
    for heading in headings:
        if heading.detail == "section" and heading.number < first_typed:
            heading.detail, heading.confidence = "", 0.0
    headings = [h for h in headings if h.detail]
    toc_end = _mark_table_of_contents(lines, headings)
    headings = [h for h in headings if h.number > toc_end]
    first_heading = headings[0].number if headings else len(lines) + 1
    _mark_head(lines, first_heading)
    outline = _mark_sections(lines, headings, kinds)
    _mark_title_elsewhere(lines)
    return lines, outline


def _drop_repeated(lines: list[Line], kinds: dict) -> None:
    """Page headers and footers: short lines that come back, on other pages where pages are known."""
    candidates = [ln for ln in lines if ln.role != Role.DROPPED]
    counts = Counter(_repetition_key(ln.text) for ln in candidates)
    pages: dict[str, set] = {}
    for ln in candidates:
        pages.setdefault(_repetition_key(ln.text), set()).add(ln.page)
    for index, line in enumerate(lines):
        if line.role == Role.DROPPED:
            continue
        key = _repetition_key(line.text)
        if counts[key] < 2 or len(line.text.split()) > 10:
            continue
        kind, score = kinds.get(line.number, (None, 0))
        marker, _text = split_marker(line.source)
        if marker and not line.source.lstrip().startswith(("**", "#")):
            continue  # a list item said twice is still an item
        if kind and score >= HEADING_SURE:
            continue
        if approval_reader.members_in(line.text) or approval_reader.find_dates(line.text):
            continue
        known_pages = pages[key] - {None}
        if len(known_pages) == 1 and None not in pages[key]:
            continue  # said twice on one page: not a running header
        neighbours = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
        if all(split_marker(n.source)[0] for n in neighbours) and neighbours:
            continue  # between two list items: part of the list
        _drop(line, "header-footer", 0.85)


def _marker_style(line: Line | None) -> str:
    if line is None:
        return ""
    marker, _text = split_marker(line.text)
    if "#" in marker or "**" in line.text:
        return "heading"  # set apart as a heading, whatever numbering follows
    marker = marker.strip("#* ")
    # The marker's shape: "» ٥-" and "٥-" are different kinds of line, "١-" and "٢-" are not.
    return re.sub(r"[0-9٠-٩۰-۹]+", "9", re.sub(r"\s+", "", marker))


def _number_of(line: Line | None) -> int | None:
    if line is None:
        return None
    marker, _text = split_marker(line.text)
    digits = re.findall(r"[0-9٠-٩۰-۹]+", marker)
    return int(to_ascii_digits(digits[-1])) if digits else None


def _continues_numbering(before: Line | None, line: Line) -> bool:
    number, previous = _number_of(line), _number_of(before)
    return number is not None and previous is not None and number == previous + 1


def _find_headings(lines: list[Line], kinds: dict) -> list[Line]:
    headings = []
    kept = [ln for ln in lines if ln.role != Role.DROPPED]
    neighbours = {
        ln.number: (kept[i - 1] if i else None, kept[i + 1] if i + 1 < len(kept) else None)
        for i, ln in enumerate(kept)
    }
    for line in lines:
        if line.role == Role.DROPPED:
            continue
        if is_toc_heading(line.text):
            line.role, line.detail, line.confidence = Role.TOC, "heading", 0.95
            headings.append(line)
            continue
        kind, score = kinds.get(line.number, (None, 0.0))
        words = len(strip_decoration(line.text).split())
        if not headings and TITLE_START.match(fold(strip_decoration(line.text))) and score < 0.95:
            continue  # the policy's own name at the head of the document
        cue = has_heading_cue(line.source) or line.hint == "heading" or line.gap_before
        sentence = re.search(r"[.。]\s*$", strip_markup(line.text)) and words > 4
        style = _marker_style(line)
        before, after = neighbours[line.number]
        if style and style == _marker_style(before) and style == _marker_style(after):
            score = score if score >= 0.97 else 0.0  # one item among its siblings
        if score < HEADING_SURE and _continues_numbering(before, line):
            score = 0.0  # "2-" right after "١.": the next item of a list
        if before is not None and headings and headings[-1] is before and score < HEADING_SURE:
            score = 0.0  # right under a heading: the first line of its section
        if kind and score >= HEADING_WITH_CUE and approval_reader.members_in(line.text):
            kind = None  # "name | رئيس مجلس الإدارة" is a member, whatever it resembles
        if (
            kind
            and not sentence
            and (score >= HEADING_SURE or (score >= HEADING_WITH_CUE and cue and words <= 16))
        ):
            line.detail, line.confidence = kind, round(score, 2)
            headings.append(line)
        elif not kind or score < HEADING_WITH_CUE:
            before = neighbours[line.number][0]
            ended = before is None or bool(SENTENCE_END.search(strip_markup(before.text)))
            if _free_heading(line, ended):
                line.detail, line.confidence = "section", 0.5
                headings.append(line)
    return headings


def _free_heading(line: Line, previous_ended: bool) -> bool:
    """A heading the vocabulary does not know: set apart by Markdown, a style, or a colon."""
    text = strip_decoration(line.text)
    words = len(text.split())
    if not text or words > 8 or approval_reader.role_of(text):
        return False
    if line.source.lstrip().startswith("#") or line.hint == "heading":
        return True
    plain = strip_markup(line.source)
    marker, _rest = split_marker(line.source)
    return (
        bool(re.search(r"[:：]\s*[-–]?\s*$", plain))
        and not marker
        and words <= 5
        and (line.gap_before or previous_ended)
    )


def _mark_table_of_contents(lines: list[Line], headings: list[Line]) -> int:
    """Mark the table of contents; returns the number of its last line (0 when none)."""
    start = next((h for h in headings if h.role == Role.TOC), None)
    typed = [h for h in headings if h.role != Role.TOC and h.detail != "section"]
    if start is None:
        # No heading says "contents": three or more headings in a row with nothing between.
        if len(typed) < 3:
            return 0
        between = [
            ln
            for ln in lines
            if typed[0].number < ln.number < typed[2].number
            and ln.role != Role.DROPPED
            and ln not in typed
        ]
        if len(between) > 2 or any(len(ln.text.split()) > 8 for ln in between):
            return 0  # entries of a table of contents follow each other
        start = typed[0]
    seen: set[str] = set()
    end = start.number
    for line in lines[start.number :]:
        if line.role == Role.DROPPED:
            continue
        if line in typed:
            if line.detail in seen:
                break
            seen.add(line.detail)
        elif len(strip_decoration(line.text).split()) > 12 and not re.search(
            r"\.{3,}|…", line.text
        ):
            break
        end = line.number
    if start.role != Role.TOC and len(seen) < 3:
        return 0
    for line in lines[start.number - 1 : end]:
        if line.role != Role.DROPPED:
            line.role, line.confidence = Role.TOC, 0.9
            line.detail = line.detail if line.detail == "heading" else "entry"
    return end


def _mark_head(lines: list[Line], first_heading: int) -> None:
    """Title, association and licence from the lines before the first section."""
    head = [ln for ln in lines if ln.number < first_heading and ln.role == Role.UNCLASSIFIED]
    title = _pick_title(head)
    if title is not None:
        title.role, title.confidence, title.detail = Role.TITLE, 0.9, "title"
    for index, line in enumerate(head):
        if line.role != Role.UNCLASSIFIED:
            continue
        folded = fold(strip_markup(line.text))
        if re.match(r"^(?:ال)?جمعيه\b", folded) and len(folded.split()) <= 16:
            line.role, line.detail, line.confidence = Role.ASSOCIATION, "name", 0.85
            following = head[index + 1] if index + 1 < len(head) else None
            if (
                following is not None
                and following.role == Role.UNCLASSIFIED
                and len(following.text.split()) <= 4
                and not POLICY_WORDS.search(fold(following.text))
                and following.number == line.number + 1
            ):
                following.role, following.detail = Role.ASSOCIATION, "name"
                following.confidence = 0.7
        elif approval_reader.licence_number(line.text):
            line.role, line.detail, line.confidence = Role.LICENCE, "licence", 0.9


def _pick_title(head: list[Line]) -> Line | None:
    best, best_score = None, 0.0
    for position, line in enumerate(head):
        plain = strip_markup(line.text)
        folded = fold(strip_decoration(plain))
        marker, _rest = split_marker(line.source)
        if not POLICY_WORDS.search(folded) or len(folded.split()) > 18:
            continue
        if marker and not line.source.lstrip().startswith(("#", "**")):
            continue  # never a list item
        score = 1.0 if re.match(r"^(?:سياسه|لاءحه|دليل|ميثاق)", folded) else 0.6
        score += 0.3 if line.source.lstrip().startswith("#") else 0
        score -= 0.02 * position
        if score > best_score:
            best, best_score = line, score
    return best


def _mark_title_elsewhere(lines: list[Line]) -> None:
    """No title in the head: a policy name standing alone elsewhere (a footer) is the title;
    with a title, its repetitions are dropped."""
    title = next((ln for ln in lines if ln.role == Role.TITLE), None)
    if title is not None:
        key = squeeze(strip_decoration(title.text))
        for line in lines:
            if (
                line is not title
                and line.role in {Role.UNCLASSIFIED, Role.DROPPED, Role.BODY}
                and line.detail != "heading"
                and squeeze(strip_decoration(line.text)) == key
            ):
                _drop(line, "repeated-title", 0.9)
        return
    for line in lines:
        if line.role in {Role.DROPPED, Role.UNCLASSIFIED} and line.detail in {
            "header-footer",
            "",
        }:
            folded = fold(strip_decoration(line.text))
            if re.match(r"^(?:سياسه|لاءحه|دليل|ميثاق)", folded) and len(folded.split()) <= 12:
                line.role, line.detail, line.confidence, line.section = (
                    Role.TITLE,
                    "title",
                    0.6,
                    None,
                )
                _mark_title_elsewhere(lines)
                return


def _mark_sections(lines: list[Line], headings: list[Line], kinds: dict) -> list[Outline]:
    outline: list[Outline] = []
    heading_numbers = {h.number: h for h in headings}
    current: int | None = None
    in_approval = False
    approval_region: list[Line] = []
    for line in lines:
        if line.role in {Role.DROPPED, Role.TOC, Role.TITLE, Role.ASSOCIATION, Role.LICENCE}:
            continue
        heading = heading_numbers.get(line.number)
        if (
            heading is not None
            and current is not None
            and not in_approval
            and heading.detail in {o.kind for o in outline}
            and heading.detail != "section"
            and split_marker(line.text)[0]
        ):
            heading = None  # a list item naming a section already open is part of it
            line.detail, line.confidence = "", 0.0
        if heading is not None:
            kind = heading.detail
            if kind == "approval":
                in_approval = True
                line.role, line.section = Role.APPROVAL, None
                line.detail = "heading"
                continue
            if in_approval and kind == "section" and approval_region:
                # An unknown "heading" after the approval is more likely part of its block.
                approval_region.append(line)
                line.role = Role.APPROVAL
                continue
            in_approval = False
            outline.append(
                Outline(
                    kind=kind,
                    heading=strip_decoration(line.text),
                    confidence=line.confidence,
                    line=line.number,
                )
            )
            current = len(outline) - 1
            line.role, line.section, line.detail = Role.HEADING, current, "heading"
            continue
        if line.role != Role.UNCLASSIFIED:
            continue
        if (
            not in_approval
            and approval_reader.is_statement(line.text)
            and (approval_reader.find_dates(line.text) or _statement_continues_to_date(lines, line))
        ):
            in_approval = True  # the approval stated inline, at the end of a section
        if in_approval:
            line.role = Role.APPROVAL
            approval_region.append(line)
            continue
        if current is not None:
            line.role, line.section = Role.BODY, current
            line.confidence = outline[current].confidence
    _mark_approval(approval_region)
    _repeated_kinds(outline)
    return outline


def _statement_continues_to_date(lines: list[Line], line: Line) -> bool:
    following = " ".join(ln.text for ln in lines[line.number - 1 : line.number + 3])
    return bool(approval_reader.find_dates(following))


def _mark_approval(region: list[Line]) -> None:
    _approval, fields = approval_reader.read_approval([ln.text for ln in region])
    for line, field_name in zip(region, fields, strict=True):
        if field_name is None:
            line.role, line.detail, line.confidence = Role.UNCLASSIFIED, "", 0.0
        else:
            line.detail, line.confidence = field_name, 0.9


def _repeated_kinds(outline: list[Outline]) -> None:
    seen: set[str] = set()
    for entry in outline:
        if entry.kind in seen and entry.kind != "section":
            entry.kind = "section"
        seen.add(entry.kind)


# --- assembly --------------------------------------------------------------------------------


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


SENTENCE_END = re.compile(r"[.!؟?:：]\s*$")


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


def parse_source(source: list[SourceLine]) -> ParsedPolicy:
    lines, outline = classify(source)
    return assemble(lines, outline)
