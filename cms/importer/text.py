"""Text of one extracted line: Arabic presentation forms, lines reversed by a PDF, decorations.

Pure functions, no Django. `restore_line` undoes what PDF extraction does to right-to-left text
(glyphs in visual order, presentation forms, mirrored brackets); `fold` is the loose form every
comparison uses; `strip_decoration` takes off what surrounds a heading (numbering in any digit
system, `#`, bold markers, bullets, colons and dashes on either side).
"""

import re
import unicodedata
from functools import lru_cache

from search.arabic import normalise

ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")
PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
# A left-to-right unit inside a right-to-left line: Latin words, numbers, dates, addresses.
# European digits join across / . , : + - ; Arabic-Indic digits only across / . , : (Unicode
# bidi rules W4), so "٩-٥-١٤٤٢" is three runs while "9-5-1442" is one.
LTR_UNIT = re.compile(
    r"[A-Za-z@][A-Za-z0-9@._/:\\\-+%&=?#]*"
    r"|[0-9۰-۹]+(?:[/.,:+\-][0-9۰-۹]+)*%?"
    r"|[٠-٩]+(?:[/.,:][٠-٩]+)*"
)
LATIN = re.compile(r"[A-Za-z]")
# Words that stand before their object or the next clause: at the end of a line they betray
# a line whose word order was reversed.
LEADING_WORDS = frozenset({"في", "من", "علي", "الي", "عن", "مع", "و", "ثم", "او", "ان", "بان"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Loose Arabic form for matching (the search normaliser), with single spaces."""
    return " ".join(normalise(text).split())


def squeeze(text: str) -> str:
    """Folded with no spaces: split and fused words compare equal."""
    return fold(text).replace(" ", "")


def _form_of(char: str) -> str:
    name = unicodedata.name(char, "")
    for form in ("INITIAL", "MEDIAL", "FINAL", "ISOLATED"):
        if f"{form} FORM" in name:
            return form
    return ""


def _shape_evidence(line: str) -> tuple[int, int]:
    """(logical, reversed) votes from presentation forms: a word starts with an initial form."""
    logical = reverse = 0
    for word in re.findall("[\ufb50-\ufdff\ufe70-\ufefc]+", line):
        first, last = _form_of(word[0]), _form_of(word[-1])
        if len(word) == 1:
            continue
        if first == "INITIAL" or last == "FINAL":
            logical += 1
        if first == "FINAL" or last == "INITIAL":
            reverse += 1
    return logical, reverse


LOGICAL_WORDS = frozenset({"في", "من", "على", "إلى", "الى", "عن", "مع", "أو", "او", "التي", "الذي"})
REVERSED_WORDS = frozenset(word[::-1] for word in LOGICAL_WORDS)


def _letter_evidence(line: str) -> tuple[int, int]:
    """(logical, reversed) votes from plain letters: ال opens words, ة and ى only close them,
    and the little words (في، من، على) read backwards betray a reversed line."""
    logical = reverse = 0
    for word in re.findall("[\u0621-\u064a]+", line):
        if word in LOGICAL_WORDS:
            logical += 1
        elif word in REVERSED_WORDS:
            reverse += 1
        if len(word) < 3:
            continue
        if word.startswith("ال") or word.endswith(("ة", "ى")):
            logical += 1
        if (
            word.endswith("لا")
            and word.startswith(("ة", "ى", "ه", "ي"))
            or word.startswith(("ة", "ى"))
        ):
            reverse += 1
    return logical, reverse


def _punctuation_evidence(line: str) -> tuple[int, int]:
    """A right-to-left line ends with its full stop or colon; reversed, they open it."""
    text = line.strip()
    logical = reverse = 0
    if re.match(r"^[.:：،؛!؟]+\s*[-–]?\s*\S", text) and ARABIC_LETTER.search(text[:12]):
        reverse += 1
    if re.search(r"\S\s*[-–]?\s*[.:：،؛!؟]$", text):
        logical += 1
    return logical, reverse


def reversal_votes(line: str) -> tuple[int, int]:
    """(logical, reversed) evidence for a line; presentation forms weigh double."""
    if not ARABIC_LETTER.search(line):
        return 0, 0
    shape_logical, shape_reverse = _shape_evidence(line)
    letters_logical, letters_reverse = _letter_evidence(plain_forms(line))
    punct_logical, punct_reverse = _punctuation_evidence(line)
    return (
        2 * shape_logical + letters_logical + punct_logical,
        2 * shape_reverse + letters_reverse + punct_reverse,
    )


def is_reversed(line: str) -> bool:
    """Whether an extracted line holds its Arabic in visual (reversed) order."""
    logical, reverse = reversal_votes(line)
    return reverse > logical


def reverse_visual(line: str) -> str:
    """Visual order back to logical: reverse the line, then put left-to-right units back."""
    flipped = line[::-1]
    units = list(LTR_UNIT.finditer(flipped))
    if not units:
        return flipped
    # Latin words next to each other form one left-to-right run: their order is kept too.
    runs: list[list[re.Match]] = []
    for unit in units:
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and not flipped[previous.end() : unit.start()].strip()
            and (LATIN.search(previous.group()) or LATIN.search(unit.group()))
        ):
            runs[-1].append(unit)
        else:
            runs.append([unit])
    out, position = [], 0
    for run in runs:
        start, end = run[0].start(), run[-1].end()
        out.append(flipped[position:start])
        out.append(flipped[start:end][::-1])
        position = end
    out.append(flipped[position:])
    return "".join(out)


def plain_forms(text: str) -> str:
    """Arabic presentation forms (and the lam-alef ligatures) as ordinary letters."""
    if not PRESENTATION_FORM.search(text):
        return text
    return PRESENTATION_FORM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def restore_line(line: str, lean_reversed: bool = False) -> tuple[str, bool]:
    """A line as it should read, and whether it had been reversed by the extraction.

    A line with no evidence either way follows the document (`lean_reversed`)."""
    line = line.replace("\u00a0", " ").replace("\u200f", "").replace("\u200e", "")
    logical, reverse = reversal_votes(line)
    reversed_ = reverse > logical or (
        lean_reversed and reverse == logical and ARABIC_LETTER.search(line) is not None
    )
    if reversed_:
        line = reverse_visual(line)
    elif lean_reversed and (moved := re.match(r"^([.:،؛]+)\s*(\S.*)$", line)):
        line, reversed_ = f"{moved.group(2)}{moved.group(1)}", True  # "‎.14/1/2024"
    return plain_forms(line), reversed_


def word_order_reversed(text: str) -> bool:
    """A line whose words came out in reverse order: it ends on a word that leads a clause."""
    words = fold(text).split()
    return len(words) >= 4 and words[-1] in LEADING_WORDS and words[0] not in LEADING_WORDS


# --- decorations around headings and items ---------------------------------------------------

DIGITS = "0-9٠-٩۰-۹"
# Numbering written as a word ("ثالثاً:"); "الأول" is left alone, it is often a real word.
ORDINAL_WORDS = "اولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا|حادي عشر|ثاني عشر"
# Abjad letters used as list markers (أ- ب) ج.), only when a separator follows.
ABJAD = "ابجدهوزحطي"
BULLETS = "#*_■□▪▫●○•◦►▶◄◀»«➢➤✓✔-–—=~>|"
MARKER = re.compile(
    rf"""^\s*(?:
        [{re.escape(BULLETS)}]+                                  # bullets, hashes, bold markers
      | \(?\s*[{DIGITS}]{{1,3}}(?:\s*[.\-/]\s*[{DIGITS}]{{1,3}})*\s*[.)\-–:/]+ # 1. 1- (3) 1.2)
      | \(\s*[{DIGITS}]{{1,3}}\s*\)                              # (3)
      | \(?[{ABJAD}]\s*[).\-]                                    # أ- ب)
      | [ivxIVX]{{1,4}}\s*[.)\-]                                 # roman numerals
    )\s*""",
    re.VERBOSE,
)
TRAILING = re.compile(rf"[\s:：\-–—.،,؛;*_#■□▪●•»«=|~]+$|\s+[{DIGITS}]{{1,3}}$|\s*\.{{3,}}.*$")
LEADING_PUNCT = re.compile(r"^[\s:：\-–—.،,؛;*_#■□▪●•»«=|~]+")
# A line that ends its sentence (the next one does not continue it).
SENTENCE_END = re.compile(r"[.!؟?:：]\s*$")


def strip_markup(line: str) -> str:
    """Markdown links, bold and tabs off; the words stay."""
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = line.replace("**", "").replace("__", "")
    return " ".join(line.replace("\t", " ").split())


def split_marker(line: str) -> tuple[str, str]:
    """(marker, text) of a list item or heading: `١.`, `1-`, `(3)`, `«`, `-`, `أ)` …"""
    marker = ""
    tabbed = re.match(rf"^\s*([{DIGITS}]{{1,3}})\t", line)  # "٢<tab>تمهيد" in a contents table
    if tabbed:
        marker, line = tabbed.group(1), line[tabbed.end() :]
    text = strip_markup(line)
    while True:
        match = MARKER.match(text)
        if not match or not match.group().strip() or match.end() == 0:
            break
        marker += match.group()
        text = text[match.end() :]
    return marker.strip(), text.strip()


def strip_decoration(line: str) -> str:
    """The words of a heading, whatever surrounds them (numbering before or after, ordinals)."""
    marker, text = split_marker(line)
    text = TRAILING.sub("", text)
    text = LEADING_PUNCT.sub("", text)
    # Numbering written as a word, before or after: "ثالثاً:" / "تمهيد - أولاً".
    folded = fold(text)
    ordinal = re.match(rf"^(?:{ORDINAL_WORDS})\b\s*[:：\-–.]*\s*", folded)
    if ordinal and len(folded) > ordinal.end():
        text = _drop_words(text, len(ordinal.group().split()))
    folded = fold(text)
    ordinal = re.search(rf"\s*[:：\-–.]*\s*\b(?:{ORDINAL_WORDS})$", folded)
    if ordinal and ordinal.start() > 0:
        text = _drop_words(text, -len(ordinal.group().split()))
    # Numbering after the text, as extraction leaves it: "تمهيد .1" / "تمهيد (١)".
    text = re.sub(rf"\s*[(\[]?\s*[.\-]?[{DIGITS}]{{1,3}}\s*[.)\]\-]?\s*$", "", text)
    text = TRAILING.sub("", text)
    return text.strip()


def _drop_words(text: str, count: int) -> str:
    words = text.split()
    return " ".join(words[count:] if count > 0 else words[:count])


def has_heading_cue(line: str) -> bool:
    """Looks set apart as a heading: `#`, bold, a closing colon, numbering, or a bullet of its own."""
    raw = line.strip()
    if raw.startswith("#") or raw.startswith("**") or raw.endswith("**"):
        return True
    plain = strip_markup(raw)
    return bool(
        re.search(r"[:：]\s*[-–]?\s*$", plain)
        or re.match(r"^\s*[-–]?\s*[:：]", plain)
        or re.match(r"^[»«■▪●•]", plain)
        or re.search(rf"^\(?[{DIGITS}]{{1,2}}\s*[.)\-]", plain)
        or re.match(rf"^(?:{ORDINAL_WORDS})", fold(plain))
    )
