"""Read a policy document's lines into its parts, accounting for every line.

Two steps, both pure (no writes):
- `classify` gives each non-empty source line one place: the title, the association, the
  licence, the table of contents, dropped (page header/footer, contact, page number, opening
  formula), a section's heading or body, the board approval, or unclassified — with the
  recogniser's confidence. Sections are typed by what their heading says (`vocabulary`). The
  recognisers are in `boilerplate`, `headings`, `head` and `sections`; what they give, in
  `parsed`.
- `assemble` (`assembly`) builds the policy from those places: sections with paragraphs or items
  (broken lines joined back), the approval (`approval`), the title and association. The admin
  preview lets an editor change places and section kinds, then assembles again.
"""

from cms.importer.assembly import assemble
from cms.importer.boilerplate import boilerplate_reason, drop_line, drop_repeated
from cms.importer.head import mark_head, mark_title_elsewhere
from cms.importer.headings import (
    HEADING_SURE,
    HEADING_WITH_CUE,
    find_headings,
    mark_table_of_contents,
)
from cms.importer.parsed import Line, Outline, ParsedPolicy
from cms.importer.sections import mark_sections
from cms.importer.sources import SourceLine
from cms.importer.text import (
    restore_line,
    reversal_votes,
    reverse_visual,
)
from cms.importer.vocabulary import best_kind


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


def classify(source: list[SourceLine]) -> tuple[list[Line], list[Outline]]:
    lines = lines_from_source(source)
    kinds: dict[int, tuple[str | None, float]] = {}
    for line in lines:
        if line.hint in {"header", "footer"}:
            drop_line(line, "header-footer", 1.0)
            continue
        reason = boilerplate_reason(line.text)
        if reason:
            drop_line(line, reason)
            continue
        kinds[line.number] = best_kind(line.text)
        if kinds[line.number][1] < HEADING_WITH_CUE and line.source.strip():
            # A heading too short to show its direction may still read right backwards.
            other = restore_line(reverse_visual(line.source.strip()))[0]
            kind, score = best_kind(other)
            if score >= HEADING_SURE:
                line.text, line.restored = other, not line.restored
                kinds[line.number] = (kind, score)

    drop_repeated(lines, kinds)
    headings = find_headings(lines, kinds)
    # A heading the vocabulary does not know opens a section only inside the body.
    first_typed = next((h.number for h in headings if h.detail != "section"), len(lines) + 1)
    for heading in headings:
        if heading.detail == "section" and heading.number < first_typed:
            heading.detail, heading.confidence = "", 0.0
    headings = [h for h in headings if h.detail]
    toc_end = mark_table_of_contents(lines, headings)
    headings = [h for h in headings if h.number > toc_end]
    first_heading = headings[0].number if headings else len(lines) + 1
    mark_head(lines, first_heading)
    outline = mark_sections(lines, headings, kinds)
    mark_title_elsewhere(lines)
    return lines, outline


def parse_source(source: list[SourceLine]) -> ParsedPolicy:
    lines, outline = classify(source)
    return assemble(lines, outline)
