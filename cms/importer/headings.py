"""Finding the headings that open sections (typed by the vocabulary, or set apart by Markdown, a
style or a colon) and the table of contents that lists them."""

import re

from cms.importer import approval as approval_reader
from cms.importer.parsed import (
    Line,
    Role,
)
from cms.importer.text import (
    SENTENCE_END,
    fold,
    has_heading_cue,
    split_marker,
    strip_decoration,
    strip_markup,
)
from cms.importer.vocabulary import is_toc_heading
from portal.dates import to_ascii_digits

HEADING_SURE = 0.86
HEADING_WITH_CUE = 0.7
TITLE_START = re.compile(r"^(?:سياسه|لاءحه|ميثاق|دليل)\s")


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


def find_headings(lines: list[Line], kinds: dict) -> list[Line]:
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


def mark_table_of_contents(lines: list[Line], headings: list[Line]) -> int:
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
