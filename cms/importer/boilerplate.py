"""Dropping what is not the policy: contact lines, page numbers, table rules and the opening
formula, whatever document they are in, and the page headers and footers a document repeats."""

import re
from collections import Counter

from cms.importer import approval as approval_reader
from cms.importer.headings import HEADING_SURE
from cms.importer.parsed import (
    Line,
    Role,
)
from cms.importer.text import (
    fold,
    split_marker,
    squeeze,
    strip_markup,
)
from portal.dates import to_ascii_digits


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


def drop_line(line: Line, reason: str, confidence: float = 0.95) -> None:
    line.role, line.detail, line.confidence, line.section = Role.DROPPED, reason, confidence, None


def drop_repeated(lines: list[Line], kinds: dict) -> None:
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
        drop_line(line, "header-footer", 0.85)
