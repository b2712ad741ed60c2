"""What site search indexes and asks for: each word's stems and root, without question words.

Every word is normalised (search.text.arabic) and then analysed by maintained stemmers:
- Arabic: the project's light stems (prefixes and suffixes), Snowball's Arabic stem, and the
  root from NLTK's ISRI stemmer, so that a broken plural or a derived form (الشكاوى, تساؤلات,
  مجالس) meets its singular (شكوى, سؤال, مجلس) through the root. Roots are weaker evidence
  than stems (many words share a root), so they are kept apart and weigh less in ranking.
  A broken plural found in Arramooz's noun dictionary also stands for its singular's stems
  (الشكاوى is indexed and asked as شكوى too), which is stronger evidence than the root.
- English: Snowball's English (Porter 2) stem (approval, approved, approve → approv).

`Analyser` names which parts are used, so the benchmark can compare them on the judged set.
"""

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import arramooz
import snowballstemmer

from search.text.arabic import TASHKEEL, TATWEEL, WORD, normalise, variants

# Question words and the commonest function words, in both languages and in the Gulf dialect:
# how people ask, not what they ask about.
STOPWORDS = frozenset(
    {
        # Arabic (normalised: ا for أ إ آ, ي for ى, ه for ة)
        "في", "من", "علي", "الي", "عن", "ما", "ماذا", "لماذا", "هل", "كيف", "متي", "كم", "اين",
        "او", "و", "ان", "ام", "هذا", "هذه", "ذلك", "تلك", "التي", "الذي", "الذين", "هو", "هي",
        "مع", "به", "بها", "له", "لها", "لي", "انا", "نحن", "كان", "يكون", "اي", "ايش", "وش",
        "شو", "ليش", "وين", "متى", "قد", "لا", "لم", "لن", "ثم", "بعد", "قبل", "عند", "كل",
        "ابي", "ابغي", "ابغا", "بغيت", "ودي", "يعني", "يا", "عشان", "علشان",
        # English
        "the", "a", "an", "of", "to", "in", "on", "at", "for", "and", "or", "is", "are", "was",
        "be", "how", "what", "when", "where", "why", "who", "which", "do", "does", "did", "can",
        "could", "i", "me", "my", "you", "your", "we", "our", "it", "its", "this", "that",
        "with", "by", "from", "there", "any", "should", "would", "will", "if", "get", "about",
    }
)  # fmt: skip

ROOT_MARK = "~"  # roots are stored beside stems; the mark keeps the two from meeting
_WEAK_FINAL = re.compile("[اويء]$")


@dataclass(frozen=True)
class Analyser:
    light: bool = True
    snowball: bool = True
    roots: bool = True
    plurals: bool = True


DEFAULT = Analyser()
_active = [DEFAULT]


def use(analyser: Analyser) -> None:
    """Make `analyser` the one indexes and queries use (the benchmark compares them)."""
    _active[0] = analyser


@dataclass(frozen=True)
class Word:
    """One word worth searching for: its normalised form, stems and root (may be empty)."""

    text: str
    stems: tuple[str, ...]
    root: str


_ARABIC_SNOWBALL = snowballstemmer.stemmer("arabic")
_ENGLISH_SNOWBALL = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def _isri():
    """NLTK's ISRI stemmer, imported on first use (NLTK takes a while to import)."""
    from nltk.stem.isri import ISRIStemmer

    return ISRIStemmer()


@lru_cache(maxsize=200_000)
def analyse_word(word: str, analyser: Analyser = DEFAULT) -> Word:
    """Stems and root of one normalised word."""
    if word.isascii():
        if word.isdigit() or len(word) <= 2:
            return Word(word, (word,), "")
        stems = [_ENGLISH_SNOWBALL.stemWord(word)] if analyser.snowball else []
        if analyser.light or not stems:
            stems.extend(variants(word))
        return Word(word, tuple(dict.fromkeys(stems)), "")
    stems = list(variants(word)) if analyser.light else []
    if analyser.light:
        stems.extend(_more_readings(word))
    if analyser.plurals:
        for singular in _singulars_of(word):
            stems.extend(variants(singular))
    if analyser.snowball or not stems:
        stems.append(_ARABIC_SNOWBALL.stemWord(word))
    root = _root(word) if analyser.roots else ""
    return Word(word, tuple(dict.fromkeys(stem for stem in stems if stem)), root)


_ARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال")
_PROCLITICS = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")


_LETTERS = re.compile("[\u0621-\u064a]{3,}")


@lru_cache(maxsize=1)
def broken_plurals() -> dict[str, tuple[str, ...]]:
    """Each broken plural (normalised) -> its singulars, from the noun dictionary of Arramooz
    (arramooz-pysqlite, the dictionary Qalsadi lemmatises with): الشكاوى → شكوى, وثائق →
    وثيقة, مجالس → مجلس."""
    path = Path(arramooz.__file__).parent / "data" / "arabicdictionary.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT unvocalized, broken_plural FROM nouns WHERE broken_plural <> ''"
        ).fetchall()
    out: dict[str, tuple[str, ...]] = {}
    for singular, plurals in rows:
        single = normalise(singular)
        for plural in re.split(r"[;،,\s]+", plurals or ""):
            form = normalise(plural)
            known = out.get(form, ())
            words_only = _LETTERS.fullmatch(form) and _LETTERS.fullmatch(single)
            if words_only and form != single and single not in known:
                out[form] = (*known, single)
    return out


def _singulars_of(word: str) -> list[str]:
    """The singulars of a broken plural, with or without a proclitic (والشكاوى)."""
    table = broken_plurals()
    forms = [word] + [
        word[len(prefix) :]
        for prefix in _PROCLITICS
        if word.startswith(prefix) and len(word) - len(prefix) >= 3
    ]
    out: list[str] = []
    for form in forms:
        out.extend(table.get(form, ()))
    return out


# ة is written ت before a pronoun (زكاتي، حالتها): the bare noun is the same word.
_TA_BEFORE_PRONOUN = re.compile("^(.{2,}?)ت(ي|ك|ه|ها|هم|هن|نا|كم|كن)$")
# A present-tense verb with its plural ending (يردون، تتابعين): the letters between.
_PRESENT_PLURAL = re.compile("^[يتن](.{2,}?)(ون|ين|وا|ان)$")


def _more_readings(word: str) -> list[str]:
    """Readings the light stemmer leaves out, for words people type every day: an article on
    a two-letter word (الرد), ة before a pronoun (زكاتي), a verb's plural (يردون)."""
    out = []
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) == 2:
            out.append(word[len(article) :])
            break
    match = _TA_BEFORE_PRONOUN.match(word)
    if match:
        out.extend(variants(match.group(1) + "ه"))
    match = _PRESENT_PLURAL.match(word)
    if match:
        out.append(match.group(1))
    return out


def _root(word: str) -> str:
    """ISRI's root, with a final weak letter folded (شكو, شكي → شكي; رضا, رضي → رضي): people
    write defective roots both ways. Roots shorter than three letters say too little."""
    root = _isri().stem(word)
    if len(root) < 3:
        return ""
    return ROOT_MARK + _WEAK_FINAL.sub("ي", root)


def words(text: str, analyser: Analyser | None = None) -> list[Word]:
    """The words of `text` worth searching for, in order."""
    analyser = analyser or _active[0]
    return [
        analyse_word(token, analyser)
        for token in WORD.findall(normalise(text or ""))
        if token not in STOPWORDS and len(token) < 40
    ]


def field_terms(text: str, analyser: Analyser | None = None) -> tuple[list[str], list[str]]:
    """What one field of a document is indexed as: (stems, roots), one entry per occurrence."""
    stems: list[str] = []
    roots: list[str] = []
    for word in words(text, analyser):
        stems.extend(word.stems)
        if word.root:
            roots.append(word.root)
    return stems, roots


def sequence(text: str, analyser: Analyser | None = None) -> str:
    """The first stem of each word, in order, space separated: for phrase and proximity."""
    return " ".join(word.stems[0] for word in words(text, analyser) if word.stems)


_WRITTEN = re.compile("[0-9A-Za-z\u0621-\u064a\u0660-\u0669]+")


def written_words(text: str) -> list[tuple[str, str]]:
    """(as written, normalised) for each word of `text`: the written form without tashkeel or
    tatweel (ة and أ kept), to show a reader a word the way it is spelt."""
    cleaned = TASHKEEL.sub("", unicodedata.normalize("NFKC", text or "")).replace(TATWEEL, "")
    return [(raw, normalise(raw)) for raw in _WRITTEN.findall(cleaned)]
