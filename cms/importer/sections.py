"""Placing the lines from the first heading on: each in its section (heading or body) or in the
board's approval block, and the outline of the sections found."""

from cms.importer import approval as approval_reader
from cms.importer.parsed import (
    Line,
    Outline,
    Role,
)
from cms.importer.text import (
    split_marker,
    strip_decoration,
)


def mark_sections(lines: list[Line], headings: list[Line], kinds: dict) -> list[Outline]:
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
