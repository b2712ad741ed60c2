"""Arabic and English analysis for site search: stems, roots, stop words (pure, no database)."""

import pytest

from search.text.analysis import field_terms, sequence, words


def terms(word: str) -> set[str]:
    (analysed,) = words(word)
    return set(analysed.stems) | {analysed.root}


@pytest.mark.parametrize(
    ("plural", "singular"),
    [("الشكاوى", "شكوى"), ("تساؤلات", "سؤال"), ("المجالس", "مجلس")],
)
def test_a_broken_plural_meets_its_singular_through_the_root(plural, singular):
    assert terms(plural) & terms(singular)


@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("زكاتي", "الزكاة"),  # ة written ت before a pronoun
        ("الرد", "رد"),  # the article on a two-letter word
        ("يردون", "الرد"),  # a verb's plural
        ("رضى", "رضا"),  # a defective root written both ways
        ("مساعده", "المساعدات"),
        ("مسئول", "المسؤولين"),
    ],
)
def test_everyday_forms_share_a_stem(typed, indexed):
    (a,) = words(typed)
    (b,) = words(indexed)
    assert set(a.stems) & set(b.stems) or (a.root and a.root == b.root)


def test_english_words_are_stemmed_by_snowball():
    assert terms("approval") & terms("approved") & terms("approve")
    assert terms("complaints") & terms("complaint")


@pytest.mark.parametrize("question", ["كم", "متى", "كيف", "هل", "وش", "وين", "what", "how", "when"])
def test_question_words_are_stop_words(question):
    assert words(question) == []


def test_stems_and_roots_are_kept_apart():
    stems, roots = field_terms("الشكاوى والمقترحات")
    assert stems and roots and all(root.startswith("~") for root in roots)
    assert not any(stem.startswith("~") for stem in stems)
    assert sequence("كيف أقدم الشكاوى") == " ".join(word.stems[0] for word in words("أقدم الشكاوى"))
