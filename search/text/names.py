"""Names and phone numbers as staff type them: عبد الله and عبدالله are one word, الحربي is
حربي, and a Saudi mobile is its nine local digits however it is written."""

from portal.core.dates import to_ascii_digits
from search.text import arabic


def local_phone(value: str) -> str:
    """Digits of a Saudi mobile however written (+966 55…, 0096655…, 055…, Arabic-Indic
    digits) as the nine local digits 5XXXXXXXX; other numbers are returned as digits."""
    digits = "".join(ch for ch in to_ascii_digits(value or "") if ch.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("966"):
        digits = digits[3:]
    return digits.lstrip("0") if digits.startswith("05") or digits.startswith("0") else digits


def joined_words(words: list[str]) -> list[str]:
    """عبد, ابو and ام joined to the word after them, as names are indexed."""
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in ("عبد", "ابو", "ام"):
            joined[-1] = joined[-1] + word
        else:
            joined.append(word)
    return joined


def name_words(name: str) -> list[str]:
    """A name's normalised words with عبد / ابو joined to the word after them (عبد الله and
    عبدالله are one word) and the article dropped from family names (الحربي = حربي)."""
    joined = joined_words(arabic.tokens(name))
    return [
        word[2:] if word.startswith("ال") and len(word) > 4 else word
        for word in joined
        if word not in ("بن", "بنت")
    ]
