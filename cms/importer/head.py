"""The head of the document, before its first section: the policy's title, the association's
name and its licence; a title found elsewhere (a footer) when the head has none."""

import re

from cms.importer import approval as approval_reader
from cms.importer.boilerplate import drop_line
from cms.importer.parsed import (
    Line,
    Role,
)
from cms.importer.text import (
    fold,
    split_marker,
    squeeze,
    strip_decoration,
    strip_markup,
)

POLICY_WORDS = re.compile(r"^(?:سياسه|لاءحه|دليل|ميثاق|نظام|اجراءات)\b|\bسياسه\b")


def mark_head(lines: list[Line], first_heading: int) -> None:
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


def mark_title_elsewhere(lines: list[Line]) -> None:
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
                drop_line(line, "repeated-title", 0.9)
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
                mark_title_elsewhere(lines)
                return
