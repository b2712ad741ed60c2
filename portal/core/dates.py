"""Dates as Saudi readers expect them: Gregorian beside the Umm al-Qura Hijri date."""

import datetime as dt
from dataclasses import dataclass

from hijridate import Gregorian, Hijri

from django.utils.translation import get_language

ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII, everything else unchanged."""
    return text.translate(ARABIC_INDIC_DIGITS)


@dataclass(frozen=True)
class HijriDate:
    year: int
    month: int
    day: int

    @classmethod
    def from_gregorian(cls, value: dt.date) -> "HijriDate":
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
        return cls(hijri.year, hijri.month, hijri.day)

    def to_gregorian(self) -> dt.date:
        return Hijri(self.year, self.month, self.day).to_gregorian()

    def numeric(self) -> str:
        return f"{self.day}/{self.month}/{self.year}"

    def month_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "ar")[:2]
        return Hijri(self.year, self.month, self.day).month_name("ar" if language == "ar" else "en")


def gregorian_numeric(value: dt.date) -> str:
    return f"{value.day}/{value.month}/{value.year}"


def parse_day_month_year(value: str) -> dt.date:
    """A date typed as day/month/year, Gregorian or Hijri (a year from 1300 to 1500 is Hijri),
    with Latin or Arabic-Indic digits; ISO 2024-05-21 also works. Raises ValidationError."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _

    text = to_ascii_digits(value or "").strip().replace(" ", "")
    text = text.removesuffix("م").removesuffix("هـ").removesuffix("ه")
    parts = [p for p in text.replace("-", "/").replace(".", "/").split("/") if p]
    error = ValidationError(
        _("Enter a date as day/month/year, e.g. 21/5/2024."), code="date_format"
    )
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise error
    numbers = [int(p) for p in parts]
    day, month, year = (numbers[2], numbers[1], numbers[0]) if numbers[0] > 31 else numbers
    try:
        if 1300 <= year <= 1500:
            return HijriDate(year, month, day).to_gregorian()
        return dt.date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise error from exc
