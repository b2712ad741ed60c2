"""What the headings of a policy say, and a tolerant, scored match against them.

A heading is recognised by its words, not by its decoration or exact spelling: titles are
compared folded (search normaliser), with split or fused words and any word order, and the
best score over each kind's ways of saying it wins.
"""

import re
from functools import lru_cache

from rapidfuzz.distance import Indel

from cms.importer.text import fold, squeeze, strip_decoration

# Each kind's headings as associations write them; the first is the usual one.
SECTION_TITLES: dict[str, list[str]] = {
    "preamble": [
        "تمهيد",
        "مقدمة",
        "المقدمة",
        "توطئة",
        "نبذة عن السياسة",
        "مدخل",
        "Preamble",
        "Introduction",
    ],
    "general_goal": [
        "الهدف العام",
        "الهدف العام من السياسة",
        "الغرض العام",
        "الهدف الرئيسي",
        "الغاية",
        "الهدف من السياسة",
        "الغرض من السياسة",
        "هدف السياسة",
        "General goal",
        "Purpose",
    ],
    "detailed_goals": [
        "الأهداف التفصيلية",
        "الأهداف الفرعية",
        "الأهداف الخاصة",
        "أهداف السياسة",
        "الأهداف",
        "أهداف تفصيلية",
        "Detailed goals",
        "Objectives",
    ],
    "channels": [
        "القنوات المستخدمة للتواصل مع المستفيدين",
        "قنوات التواصل مع المستفيدين",
        "قنوات التواصل",
        "وسائل التواصل مع المستفيدين",
        "قنوات الاتصال",
        "Communication channels",
    ],
    "tools": [
        "الأدوات المتاحة لموظف علاقات المستفيدين للتواصل مع المستفيدين",
        "الأدوات المتاحة لموظف علاقات المستفيدين",
        "الأدوات المتاحة",
        "أدوات موظف علاقات المستفيدين",
        "الأدوات والنماذج",
        "الأدوات",
        "Tools",
    ],
    "procedure": [
        "ويتم التعامل مع المستفيد على مختلف المستويات لإنهاء معاملته بالشكل التالي",
        "يتم التعامل مع المستفيد على مختلف المستويات",
        "التعامل مع المستفيد",
        "إجراءات التعامل مع المستفيد",
        "إجراءات التعامل مع المستفيدين",
        "آلية التعامل مع المستفيدين",
        "آلية التعامل مع المستفيد",
        "إجراءات خدمة المستفيد",
        "الإجراءات",
        "آلية العمل",
        "Procedure",
    ],
    "approval": [
        "اعتماد مجلس الإدارة",
        "اعتماد رئيس مجلس الإدارة",
        "اعتماد السياسة",
        "الاعتماد",
        "قرار مجلس الإدارة",
        "اعتماد المجلس",
        "Board approval",
    ],
}
# Words that change nothing about which section a heading names.
FILLER = frozenset(
    fold(word)
    for word in [
        "المستخدمين", "المستخدم", "المستفيدين", "المستفيد", "الجمعية", "للجمعية", "مع", "في",
        "من", "على", "ل", "و", "السياسة", "هذه",
    ]
)  # fmt: skip
ENUMERATION = re.compile(
    r"\b(?:الاول|الثاني|الثالث|الرابع|الخامس|السادس|السابع|الثامن|التاسع|العاشر)\b"
)
TOC_TITLES = frozenset(fold(t) for t in ["المحتويات", "جدول المحتويات", "الفهرس", "فهرس المحتويات"])


_word_similarity = Indel.normalized_similarity  # difflib's ratio, computed in C


def _token_score(title_words: list[str], words: list[str]) -> float:
    """How well the candidate's words cover the title's words (any order, split or fused).

    Only words that tell sections apart count: "المستفيدين" is in half the headings."""
    if not title_words or not words:
        return 0.0
    wanted = [w for w in title_words if w not in FILLER] or title_words
    joined = "".join(words)
    pairs = [a + b for a, b in zip(words, words[1:], strict=False)]
    total = 0.0
    for title_word in wanted:
        best = max(_word_similarity(title_word, w) for w in [*words, *pairs])
        if len(title_word) >= 4 and title_word in joined and best < 0.95:
            best = 0.9  # fused with a neighbour: "الهدفالعام"
        total += best if best >= 0.75 else 0.0
    coverage = total / len(wanted)
    # Words of the candidate that the title does not explain make it less of a heading.
    meaningful = [w for w in words if w not in FILLER] or words
    title_joined = "".join(title_words)
    explained = sum(
        1
        for w in meaningful
        if max(_word_similarity(w, t) for t in title_words) >= 0.75
        or (len(w) >= 2 and w in title_joined)
    )
    precision = explained / len(meaningful)
    return coverage * (0.55 + 0.45 * precision)


@lru_cache(maxsize=256)
def _folded_title(title: str) -> tuple[str, list[str], str]:
    wanted = fold(title)
    return wanted, wanted.split(), wanted.replace(" ", "")


def score_title(text: str, title: str) -> float:
    """0..1: how surely `text` (a heading's words, folded) says `title`."""
    folded = text if text == " ".join(text.split()) and text == fold(text) else fold(text)
    wanted, wanted_words, wanted_squeezed = _folded_title(title)
    if not folded:
        return 0.0
    if folded == wanted:
        return 1.0
    squeezed = folded.replace(" ", "")
    if squeezed == wanted_squeezed:
        return 0.98
    sequence = Indel.normalized_similarity(squeezed, wanted_squeezed)
    if sequence < 0.3 and not set(folded.split()) & set(wanted_words):
        return sequence  # nothing in common: spare the word-by-word comparison
    tokens = _token_score(wanted_words, folded.split())
    # Letters in common say little on their own (every heading speaks of المستفيدين): the
    # sequence counts only when nearly the whole title is there, spelled a little differently.
    return max(sequence if sequence >= 0.85 else sequence * 0.75, tokens)


def _stems(title: str) -> frozenset[str]:
    """Three letters from the middle of each telling word: they survive split and fused words,
    changed word order and most misspellings, and let most lines skip the fine comparison."""
    stems = set()
    for word in fold(title).split():
        if word in FILLER:
            continue
        bare = word.removeprefix("و").removeprefix("ال").removeprefix("لل")
        if len(bare) >= 3:
            stems.update({bare[:3], bare[-3:]})
    return frozenset(stems)


TITLE_STEMS = {
    (kind, title): _stems(title) for kind, titles in SECTION_TITLES.items() for title in titles
}


@lru_cache(maxsize=8192)
def best_kind(line: str) -> tuple[str | None, float]:
    """The section kind a heading line names and the score, or (None, best score)."""
    words = strip_decoration(line)
    folded = fold(words)
    if not folded or len(folded.split()) > 16:
        return None, 0.0
    if " / " in folded or " | " in folded:
        # A heading given in two languages ("Preamble / مدخل"): the better side decides.
        parts = [p for p in re.split(r"\s[/|]\s", words) if p.strip()]
        if len(parts) > 1:
            return max((best_kind(part) for part in parts), key=lambda found: found[1])
    best_kind_, best = None, 0.0
    squeezed = folded.replace(" ", "")
    for kind, titles in SECTION_TITLES.items():
        for title in titles:
            stems = TITLE_STEMS[(kind, title)]
            if stems and not any(stem in squeezed for stem in stems):
                continue
            score = score_title(folded, title)
            # A one-word title ("الأدوات") must not claim a longer line that merely contains it.
            if len(fold(title).split()) == 1 and len(folded.split()) > 2:
                score *= 0.7
            if ENUMERATION.search(folded) and not ENUMERATION.search(fold(title)):
                score *= 0.85  # "الهدف الثاني" counts goals, it does not name a section
            if score > best:
                best_kind_, best = kind, score
    return best_kind_, best


def is_toc_heading(line: str) -> bool:
    words = fold(strip_decoration(line))
    return words in TOC_TITLES or squeeze(words) in {t.replace(" ", "") for t in TOC_TITLES}
