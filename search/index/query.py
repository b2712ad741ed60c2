"""A staff query and its answer, shared by every backend: what the text means (a reference,
numbers, words with their stems and spellings), the filters, facets and page asked for, and the
hits with their highlights."""

import dataclasses
import re

from portal.core.dates import to_ascii_digits
from search.index.registry import indexed_kinds
from search.text import arabic
from search.text.names import joined_words, local_phone, name_words

FACETS = ("status", "support_type", "channel", "city")
REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{4}-\d{6}$", re.IGNORECASE)
MAX_CANDIDATES = 500
# What a query word adds to a match's score (name_score, on every backend): being one of the
# name's words, or the start of one.
NAME_WORD = 2.0
NAME_START = 1.0


@dataclasses.dataclass
class SubmissionQuery:
    text: str = ""
    kinds: tuple[str, ...] = dataclasses.field(default_factory=lambda: tuple(indexed_kinds()))
    filters: dict = dataclasses.field(default_factory=dict)  # status (list), support_type, ...
    page: int = 1
    per_page: int = 20
    site_id: int | None = None  # the association searched: required (None finds nothing)

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.per_page


@dataclasses.dataclass
class Hit:
    kind: str
    object_id: int
    reference: str
    score: float
    highlight: str = ""


@dataclasses.dataclass
class SubmissionResults:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    fallback: bool = False  # Elasticsearch was unreachable: the database answered

    def ids(self, kind: str) -> list[int]:
        return [hit.object_id for hit in self.hits if hit.kind == kind]


def _spellings(word: str) -> list[str]:
    """A query word's forms to compare with indexed words when it matches nothing: its stems,
    the word without ال, and the word with a hamza for a و or ي typed in its place (مومن for
    مؤمن, عايشه for عائشة: normalised, the seat is a bare ء)."""
    bare = word[2:] if word.startswith("ال") and len(word) > 4 else word
    seats = [bare[:i] + "ء" + bare[i + 1 :] for i in range(1, len(bare)) if bare[i] in "وي"]
    return list(dict.fromkeys([*arabic.variants(word), bare, *seats]))


@dataclasses.dataclass
class ParsedText:
    """What a staff query means: a reference, numbers (phone, ID, partial), and words."""

    reference: str = ""
    digits: str = ""
    words: list[list[str]] = dataclasses.field(default_factory=list)  # variants per word
    names: list[str] = dataclasses.field(default_factory=list)
    # Per word, its variants and the word as typed (normalised, without ال): what a word that
    # matches nothing is compared with to find what it may be a misspelling of.
    spellings: list[list[str]] = dataclasses.field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> "ParsedText":
        text = to_ascii_digits((text or "").strip())
        if REFERENCE.match(text):
            return cls(reference=text.upper())
        digits = "".join(ch for ch in text if ch.isdigit())
        letters = re.sub(r"[\d+\-\s()]", "", text)
        if digits and not letters:
            return cls(digits=digits)
        # عبد الله is searched as عبدالله, the way names are indexed (both spellings).
        tokens = [
            word for word in joined_words(arabic.tokens(text)) if word not in arabic.STOPWORDS
        ]
        return cls(
            words=[arabic.variants(word) for word in tokens],
            names=name_words(text),
            spellings=[_spellings(word) for word in tokens],
        )

    @property
    def phone(self) -> str:
        return local_phone(self.digits)


def highlight(name: str, parsed: ParsedText) -> str:
    """The name with the words that matched marked (normalised form)."""
    wanted = set(parsed.names) | {v for group in parsed.words for v in group}
    return " ".join(
        f"<mark>{word}</mark>" if any(word.startswith(w) or w in word for w in wanted) else word
        for word in name.split()
    )


def name_score(name: str, groups: list[list[str]]) -> float:
    """How well a match's (normalised) name answers the query's words: NAME_WORD for each word
    that is one of the name's words, NAME_START for each that starts one; words found only in
    the place or the need count nothing, so people whose name it is come first."""
    words = name.split()
    score = 0.0
    for group in groups:
        if any(variant in words for variant in group):
            score += NAME_WORD
        elif any(word.startswith(variant) for variant in group for word in words):
            score += NAME_START
    return score
