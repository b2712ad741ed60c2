"""Response periods stated in a policy's text ("خلال أسبوعين", "within a month", "14 days").

Pure text: the approval review compares what the Arabic and English texts promise with each
other, with the policy's response-period field and with the version in force.
"""

import re

from portal.core.dates import to_ascii_digits

_TASHKEEL = re.compile("[\u064b-\u0652\u0670\u0640]")

# A sentence promises an answer period when it speaks of answering, deciding or "within".
_AR_CONTEXT = re.compile(r"(رد|الرد|يرد|ترد|إجاب|اجاب|يجيب|تجيب|البت|قرار|خلال|مدة|مهلة)")
_EN_CONTEXT = re.compile(
    r"\b(within|answer\w*|respon\w*|repl\w*|decision|decide\w*|period)\b", re.I
)

_AR_NUMBERS = {
    "واحد": 1,
    "واحدة": 1,
    "اثنين": 2,
    "ثلاثة": 3,
    "ثلاث": 3,
    "أربعة": 4,
    "اربعة": 4,
    "أربع": 4,
    "خمسة": 5,
    "خمس": 5,
    "ستة": 6,
    "ست": 6,
    "سبعة": 7,
    "سبع": 7,
    "ثمانية": 8,
    "عشرة": 10,
    "عشر": 10,
}
_AR_UNITS = {
    # unit word: (days per unit, count when the word stands alone)
    "يوم": (1, 1),
    "يوما": (1, None),
    "أيام": (1, None),
    "ايام": (1, None),
    "يومين": (1, 2),
    "يومان": (1, 2),
    "أسبوع": (7, 1),
    "اسبوع": (7, 1),
    "أسابيع": (7, None),
    "اسابيع": (7, None),
    "أسبوعين": (7, 2),
    "اسبوعين": (7, 2),
    "أسبوعان": (7, 2),
    "شهر": (30, 1),
    "شهرا": (30, None),
    "أشهر": (30, None),
    "اشهر": (30, None),
    "شهور": (30, None),
    "شهرين": (30, 2),
    "شهران": (30, 2),
}
_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "fourteen": 14,
    "fifteen": 15,
    "thirty": 30,
}
_EN_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}

_AR_WORD = re.compile(r"[\u0600-\u06ff]+|\d+")
_EN_PERIOD = re.compile(
    r"\b(\d+|" + "|".join(_EN_NUMBERS) + r")[\s-]+(?:working\s+|business\s+|calendar\s+)?"
    r"(" + "|".join(_EN_UNITS) + r")\b",
    re.I,
)


def _strip_prefix(word: str) -> str:
    for prefix in ("وبعد", "بعد", "وال", "بال", "لل", "ال", "و", "ب", "ل"):
        if word.startswith(prefix) and word[len(prefix) :] in _AR_UNITS:
            return word[len(prefix) :]
    return word


def arabic_periods(text: str) -> list[int]:
    """Periods, in days, that an Arabic sentence states (only sentences about answering)."""
    text = _TASHKEEL.sub("", to_ascii_digits(text or ""))
    found = []
    for sentence in re.split(r"[.!؟?؛;\n]", text):
        if not _AR_CONTEXT.search(sentence):
            continue
        words = [_strip_prefix(w) for w in _AR_WORD.findall(sentence)]
        for index, word in enumerate(words):
            if word not in _AR_UNITS:
                continue
            per_unit, alone = _AR_UNITS[word]
            before = words[index - 1] if index else ""
            count = None
            if before.isdigit():
                count = int(before)
            elif before in _AR_NUMBERS:
                count = _AR_NUMBERS[before]
                # "خمسة عشر يوما": fifteen
                if before in ("عشر", "عشرة") and index >= 2 and words[index - 2] in _AR_NUMBERS:
                    count = _AR_NUMBERS[words[index - 2]] + 10
            elif alone is not None:
                count = alone
            if count:
                found.append(count * per_unit)
    return found


def english_periods(text: str) -> list[int]:
    """Periods, in days, that an English sentence states (only sentences about answering)."""
    text = to_ascii_digits(text or "")
    found = []
    for sentence in re.split(r"[.!?;\n]", text):
        if not _EN_CONTEXT.search(sentence):
            continue
        for number, unit in _EN_PERIOD.findall(sentence):
            count = int(number) if number.isdigit() else _EN_NUMBERS[number.lower()]
            found.append(count * _EN_UNITS[unit.lower()])
    return found


def stated_periods(lines: list[str], language: str) -> set[int]:
    """Every period (in days) stated by lines of text in one language."""
    find = arabic_periods if language == "ar" else english_periods
    return {days for line in lines for days in find(line)}
