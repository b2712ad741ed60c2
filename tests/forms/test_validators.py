"""National ID/iqama, mobile numbers and dates as applicants type them."""

import datetime as dt

import pytest

from django.core.exceptions import ValidationError

from forms.validators import normalise_mobile, normalise_national_id, parse_date_input
from tests.forms.helpers import saudi_id


def test_valid_ids_with_latin_or_arabic_indic_digits():
    valid = saudi_id()
    arabic = valid.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert normalise_national_id(valid) == valid
    assert normalise_national_id(arabic) == valid
    assert normalise_national_id(f" {valid[:4]} {valid[4:]} ") == valid
    assert normalise_national_id(saudi_id("2")).startswith("2")


@pytest.mark.parametrize("bad", ["123", "3123456789", "abcdefghij", "", "12345678901"])
def test_badly_formed_ids_are_refused(bad):
    with pytest.raises(ValidationError) as error:
        normalise_national_id(bad)
    assert error.value.code == "national_id_format"


def test_a_wrong_check_digit_is_refused():
    valid = saudi_id()
    wrong = valid[:9] + str((int(valid[9]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        normalise_national_id(wrong)
    assert error.value.code == "national_id_checksum"


@pytest.mark.parametrize(
    "typed", ["0551234567", "+966551234567", "966551234567", "٠٥٥١٢٣٤٥٦٧", "055 123 4567"]
)
def test_mobile_numbers_become_e164(typed):
    assert normalise_mobile(typed) == "+966551234567"


@pytest.mark.parametrize("bad", ["0123", "0112345678", "hello", "+4420"])
def test_bad_mobile_numbers_are_refused(bad):
    with pytest.raises(ValidationError):
        normalise_mobile(bad)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/3/1990", dt.date(1990, 3, 15)),
        ("١٥/٣/١٩٩٠", dt.date(1990, 3, 15)),
        ("1990-03-15", dt.date(1990, 3, 15)),
        ("13/11/1445", dt.date(2024, 5, 21)),
        ("١٣/١١/١٤٤٥ هـ", dt.date(2024, 5, 21)),
    ],
)
def test_dates_in_both_calendars_and_digit_sets(typed, expected):
    assert parse_date_input(typed) == expected


@pytest.mark.parametrize("bad", ["31/2/2020", "2020", "x/y/z", "40/40/1445"])
def test_impossible_dates_are_refused(bad):
    with pytest.raises(ValidationError):
        parse_date_input(bad)
