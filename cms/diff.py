"""Section-by-section differences between two versions of a policy body.

Sections are matched by their stable anchor (kind, or N-th free section); inside a section the
lines are compared, and a changed line is compared word by word. The result only says what was
added or removed: templates mark it with <ins>/<del> and words, not colour alone.
"""

import difflib
from dataclasses import dataclass, field

from cms.blocks import section_entries


@dataclass
class Segment:
    op: str  # "equal", "insert", "delete"
    text: str


@dataclass
class LineDiff:
    op: str  # "equal", "insert", "delete", "replace"
    segments: list[Segment]


@dataclass
class SectionDiff:
    anchor: str
    heading: str
    old_heading: str
    status: str  # "added", "removed", "changed", "unchanged"
    lines: list[LineDiff] = field(default_factory=list)

    @property
    def heading_changed(self) -> bool:
        return bool(self.old_heading) and self.old_heading != self.heading


def _words(text: str) -> list[str]:
    # Keep the spaces as tokens so the joined segments read exactly like the text.
    tokens, current = [], ""
    for char in text:
        if char.isspace():
            if current:
                tokens.append(current)
                current = ""
            tokens.append(char)
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens


def word_diff(old: str, new: str) -> list[Segment]:
    old_words, new_words = _words(old), _words(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(old_words[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("delete", "".join(old_words[i1:i2])))
        if tag == "replace":
            # The deleted and the inserted words are two words, not one: keep a space between
            # them, or in Arabic they join into a word nobody wrote.
            segments.append(Segment("equal", " "))
        if tag in ("insert", "replace"):
            segments.append(Segment("insert", "".join(new_words[j1:j2])))
    return segments


def line_diff(old_lines: list[str], new_lines: list[str]) -> list[LineDiff]:
    result: list[LineDiff] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result += [LineDiff("equal", [Segment("equal", line)]) for line in old_lines[i1:i2]]
        elif tag == "delete":
            result += [LineDiff("delete", [Segment("delete", line)]) for line in old_lines[i1:i2]]
        elif tag == "insert":
            result += [LineDiff("insert", [Segment("insert", line)]) for line in new_lines[j1:j2]]
        else:
            old_block, new_block = old_lines[i1:i2], new_lines[j1:j2]
            for index in range(max(len(old_block), len(new_block))):
                old = old_block[index] if index < len(old_block) else None
                new = new_block[index] if index < len(new_block) else None
                if old is None:
                    result.append(LineDiff("insert", [Segment("insert", new)]))
                elif new is None:
                    result.append(LineDiff("delete", [Segment("delete", old)]))
                else:
                    result.append(LineDiff("replace", word_diff(old, new)))
    return result


def compare_bodies(old_body, new_body) -> list[SectionDiff]:
    old_sections = {entry["anchor"]: entry for entry in section_entries(old_body)}
    new_sections = section_entries(new_body)
    differences: list[SectionDiff] = []
    seen = set()
    for entry in new_sections:
        seen.add(entry["anchor"])
        old = old_sections.get(entry["anchor"])
        if old is None:
            differences.append(
                SectionDiff(
                    anchor=entry["anchor"],
                    heading=entry["heading"],
                    old_heading="",
                    status="added",
                    lines=line_diff([], entry["lines"]),
                )
            )
            continue
        lines = line_diff(old["lines"], entry["lines"])
        changed = any(line.op != "equal" for line in lines) or old["heading"] != entry["heading"]
        differences.append(
            SectionDiff(
                anchor=entry["anchor"],
                heading=entry["heading"],
                old_heading=old["heading"],
                status="changed" if changed else "unchanged",
                lines=lines,
            )
        )
    for anchor, old in old_sections.items():
        if anchor not in seen:
            differences.append(
                SectionDiff(
                    anchor=anchor,
                    heading=old["heading"],
                    old_heading=old["heading"],
                    status="removed",
                    lines=line_diff(old["lines"], []),
                )
            )
    return differences
