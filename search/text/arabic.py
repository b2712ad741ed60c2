"""The Arabic normaliser every search backend uses, at index time and at query time.

`normalise` folds the ways people type the same word: no tashkeel or tatweel, one alef, ه for ة,
ي for ى, a bare ء for ؤ and ئ (مسؤول and مسئول are both typed), ASCII digits, lower-case
Latin. `stem` is a light stemmer (prefixes such as ال و ب ل ف, suffixes such as ات ين ون ية),
so that المستفيدين finds المستفيد and الاستفسارات finds استفسار. `search_terms` is what indexes
and queries are made of.
"""

import functools
import re
import unicodedata

from portal.core.dates import to_ascii_digits

TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
TATWEEL = "\u0640"
LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        # Hamza seats are typed both ways (مسؤول / مسئول): both become a bare hamza.
        "ؤ": "ء",
        "ئ": "ء",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian kaf
    }
)
WORD = re.compile(r"[0-9a-z\u0621-\u064a]+")

# Longest first. Prefix stripping keeps at least three letters of stem.
PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف")
SUFFIXES = ("يات", "ات", "ون", "ين", "ان", "يه", "ها", "هم", "ه", "ي")
ENGLISH_SUFFIXES = ("ies", "ing", "es", "ed", "s")
STOPWORDS = frozenset(
    {
        "في", "من", "علي", "الي", "عن", "ما", "هل", "كيف", "متي", "او", "و", "ان", "هذا", "هذه",
        "the", "a", "an", "of", "to", "in", "for", "and", "or", "is", "are", "how", "what", "do",
        "does", "can", "i", "my",
    }
)  # fmt: skip


def normalise(text: str) -> str:
    """Fold spelling variants; keeps spaces and punctuation, so it can also feed highlighting."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = TASHKEEL.sub("", text).replace(TATWEEL, "")
    text = to_ascii_digits(text).translate(LETTERS)
    return text.lower()


def stem(word: str) -> str:
    """A light stem of one normalised word (its first variant)."""
    return variants(word)[0]


def variants(word: str) -> list[str]:
    """Light stems of one normalised word: usually one; two when a single-letter prefix
    (و ب ل ف) may be part of the root, as in وثائق, so both readings are indexed and searched."""
    return list(_variants(word))


# Names and places repeat (محمد, عبدالله, جدة): a rebuild of millions of entries stems each
# distinct word once.
@functools.lru_cache(maxsize=100_000)
def _variants(word: str) -> tuple[str, ...]:
    first = _stem(word)
    if not word.isascii() and word[:1] in "وبلف" and not word.startswith(("ال", "لل")):
        second = _stem_suffix(word)
        if second != first:
            return (first, second)
    return (first,)


def _stem_suffix(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _stem(word: str) -> str:
    if word.isascii():
        if word.isdigit() or len(word) <= 3:
            return word
        for suffix in ENGLISH_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
        return word
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word


def tokens(text: str) -> list[str]:
    return list(_tokens(text))


# Names, cities and districts repeat too: each distinct one is normalised once.
@functools.lru_cache(maxsize=100_000)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(normalise(text)))


def search_terms(text: str) -> list[str]:
    """Stems of the words worth searching for, in order, without stop words."""
    return [stem(word) for word in tokens(text) if word not in STOPWORDS]


def term_groups(text: str) -> list[list[str]]:
    """For each word worth searching for, all its stem variants."""
    return [variants(word) for word in tokens(text) if word not in STOPWORDS]


def index_text(*texts: str) -> str:
    """What a document is indexed as: every stem variant of its words, space separated."""
    return " ".join(filter(None, map(_index_text, texts)))


@functools.lru_cache(maxsize=100_000)
def _index_text(text: str) -> str:
    return " ".join(term for group in term_groups(text or "") for term in group)
