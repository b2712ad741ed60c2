"""Validation of what applicants type: Saudi national ID/iqama, mobile numbers, dates."""

import datetime as dt

import phonenumbers

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import parse_day_month_year, to_ascii_digits


def normalise_national_id(value: str) -> str:
    """Digits only, Arabic-Indic digits accepted; raises ValidationError unless it is a valid
    10-digit national ID (starts with 1) or iqama (starts with 2) with a correct check digit."""
    digits = "".join(ch for ch in to_ascii_digits(value or "") if not ch.isspace() and ch != "-")
    if len(digits) != 10 or not digits.isdigit() or digits[0] not in "12":
        raise ValidationError(
            _("Enter the 10-digit national ID or iqama number; it starts with 1 or 2."),
            code="national_id_format",
        )
    total = 0
    for index, char in enumerate(digits):
        number = int(char)
        if index % 2 == 0:
            number *= 2
            number = number // 10 + number % 10
        total += number
    if total % 10:
        raise ValidationError(
            _("This national ID or iqama number is not valid. Check the digits."),
            code="national_id_checksum",
        )
    return digits


def normalise_mobile(value: str) -> str:
    """A Saudi mobile number in E.164 (+9665XXXXXXXX) from 05…, 9665…, +9665… or Arabic-Indic digits."""
    text = to_ascii_digits(value or "").strip()
    try:
        number = phonenumbers.parse(text, "SA")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a mobile number such as 0551234567."), code="mobile_format"
        ) from exc
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("Enter a valid mobile number such as 0551234567."), code="mobile_invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_date_input(value: str) -> dt.date:
    """See portal.dates.parse_day_month_year: Gregorian or Hijri, any digits."""
    return parse_day_month_year(value)


def validate_birth_date(value: dt.date) -> dt.date:
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="birth_future")
    if value.year < today.year - 120:
        raise ValidationError(_("Check the year of the date of birth."), code="birth_too_old")
    return value
