"""The Arabic normaliser and light stemmer, with properties checked by hypothesis."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.text.arabic import TASHKEEL, index_text, normalise, search_terms, stem

arabic_text = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=60
)
any_text = st.one_of(arabic_text, st.text(max_size=60))


@given(any_text)
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


@given(any_text)
def test_normalised_text_has_no_tashkeel_tatweel_or_folded_letters(text):
    result = normalise(text)
    assert not TASHKEEL.search(result)
    assert "\u0640" not in result
    assert not set(result) & set("أإآٱةىؤئ")
    assert not set(result) & set("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=20))
def test_latin_is_lower_cased(text):
    assert normalise(text) == text.lower()


@given(arabic_text)
def test_diacritics_never_change_the_terms(text):
    with_marks = "".join(char + "\u064e" for char in text)  # a fatha on every letter
    assert search_terms(with_marks) == search_terms(text)


@given(any_text)
def test_stems_are_never_longer_than_their_words(text):
    for word in normalise(text).split():
        assert len(stem(word)) <= len(word)


@pytest.mark.parametrize(
    ("variants", "same"),
    [
        (["مساعده", "المساعدة", "مُساعَدة", "المســاعدة"], True),
        (["الاستفسارات", "استفسار"], True),
        (["المستفيد", "المستفيدين", "للمستفيدين", "والمستفيدون"], True),
        (["أسئلة", "اسئله"], True),
        (["إجراءات", "الإجراءات", "اجراءات"], True),
        (["مسؤول", "مسئول"], True),
        (["التطوع", "تطوع"], True),
        (["policies", "policy"], True),
        (["volunteering", "volunteer", "volunteers"], True),
    ],
)
def test_variants_people_type_share_one_term(variants, same):
    terms = {tuple(search_terms(v)) for v in variants}
    assert (len(terms) == 1) is same, terms


def test_digits_fold_to_ascii():
    assert search_terms("٠٥٥١٢٣٤٥٦٧") == ["0551234567"]
    assert normalise("۱۴۴۵") == "1445"


def test_stop_words_are_left_out():
    assert search_terms("كيف أتطوع في الجمعية") == [stem("اتطوع"), stem("الجمعيه")]


def test_index_text_joins_the_terms_of_every_text():
    assert index_text("المساعدة المالية", "", "Financial help") == " ".join(
        search_terms("المساعدة المالية") + ["financial", "help"]
    )
