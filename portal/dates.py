"""Dates as Saudi readers expect them: Gregorian beside the Umm al-Qura Hijri date."""

import datetime as dt
from dataclasses import dataclass

from hijridate import Gregorian, Hijri

from django.utils.translation import get_language, pgettext

HIJRI_MARKER = "هـ"
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


def dual_date(value: dt.date) -> str:
    """'21/5/2024 م الموافق 13/11/1445 هـ' in Arabic; '21/5/2024 (13/11/1445 AH)' in English."""
    hijri = HijriDate.from_gregorian(value)
    return pgettext("gregorian and hijri date", "%(gregorian)s corresponding to %(hijri)s AH") % {
        "gregorian": gregorian_numeric(value),
        "hijri": hijri.numeric(),
    }
