"""The board's approval as a policy document states it: meeting, term, dates, members, clauses.

Pure reading, no writes. `read_approval` takes the lines of the approval block (wherever it
stood) and says what each line gave: the statement, a date, a member and role, a table header,
a signature or stamp, or nothing it understood.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cms.importer.text import fold, strip_markup
from portal.dates import HijriDate, to_ascii_digits


def _folded(words: list[str]) -> list[str]:
    return [fold(word) for word in words]


ORDINALS = {
    fold(word): number
    for number, words in {
        1: ["الأول", "الأولى", "اول", "أولى", "الاولي"],
        2: ["الثاني", "الثانية", "ثاني", "ثانية"],
        3: ["الثالث", "الثالثة", "ثالث", "ثالثة"],
        4: ["الرابع", "الرابعة", "رابع", "رابعة"],
        5: ["الخامس", "الخامسة", "خامس", "خامسة"],
        6: ["السادس", "السادسة", "سادس", "سادسة"],
        7: ["السابع", "السابعة", "سابع", "سابعة"],
        8: ["الثامن", "الثامنة", "ثامن", "ثامنة"],
        9: ["التاسع", "التاسعة", "تاسع", "تاسعة"],
        10: ["العاشر", "العاشرة", "عاشر", "عاشرة"],
        11: ["الحادي عشر", "الحادية عشرة", "الحادي عشرة"],
        12: ["الثاني عشر", "الثانية عشرة", "الثانية عشر"],
    }.items()
    for word in words
}
ORDINAL_PATTERN = "|".join(sorted((re.escape(w) for w in ORDINALS), key=len, reverse=True))
NUMBER = rf"(?:\d+(?:\s*/\s*\d+)?|{ORDINAL_PATTERN})"
MEETING = re.compile(
    r"(?:الاجتماع|اجتماعه|اجتماعها|اجتماع|الجلسه|جلسته|جلستها|جلسه|المحضر|محضر)"
    r"\s*(?:العادي|الاعتيادي|غير العادي|الدوري)?\s*(?:رقم|ذي الرقم|ذو الرقم|بالرقم)?\s*[:(\[]?\s*"
    rf"(?P<number>{NUMBER})\s*[)\]]?"
)
MEETING_BY_NUMBER = re.compile(r"\bرقم\s*[:(\[]?\s*(?P<number>\d+(?:\s*/\s*\d+)?)\s*[)\]]?")
TERM = re.compile(
    r"(?:دورته|دورتها|الدوره|للدوره|دوره)\s*(?:رقم)?\s*[:(\[]?\s*"
    rf"(?P<number>\d+|{ORDINAL_PATTERN})\s*[)\]]?"
)
NUMERIC_DATE = re.compile(
    r"(?<![\d/])(\d{1,4})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{1,4})(?![\d/])\s*(هـ|ه\b|م\b)?"
)
GREGORIAN_MONTHS = {
    fold(name): number
    for number, names in enumerate(
        [
            ["يناير", "كانون الثاني"],
            ["فبراير", "شباط"],
            ["مارس", "آذار"],
            ["أبريل", "إبريل", "نيسان"],
            ["مايو", "أيار"],
            ["يونيو", "حزيران"],
            ["يوليو", "تموز"],
            ["أغسطس", "آب"],
            ["سبتمبر", "أيلول"],
            ["أكتوبر", "تشرين الأول"],
            ["نوفمبر", "تشرين الثاني"],
            ["ديسمبر", "كانون الأول"],
        ],
        start=1,
    )
    for name in names
}
HIJRI_MONTHS = {
    fold(name): number
    for number, names in enumerate(
        [
            ["محرم"],
            ["صفر"],
            ["ربيع الأول"],
            ["ربيع الثاني", "ربيع الآخر"],
            ["جمادى الأولى"],
            ["جمادى الآخرة", "جمادى الثانية"],
            ["رجب"],
            ["شعبان"],
            ["رمضان"],
            ["شوال"],
            ["ذو القعدة", "ذي القعدة"],
            ["ذو الحجة", "ذي الحجة"],
        ],
        start=1,
    )
    for name in names
}
MONTH_NAMES = "|".join(
    sorted((re.escape(m) for m in [*GREGORIAN_MONTHS, *HIJRI_MONTHS]), key=len, reverse=True)
)
WORDED_DATE = re.compile(
    rf"(\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?({MONTH_NAMES})\s*(?:لعام|عام|سنه)?\s*(\d{{4}})"
)

ROLE_PHRASES = [
    ("vice_chair", _folded(["نائب رئيس مجلس الإدارة", "نائب رئيس المجلس", "نائب الرئيس"])),
    (
        "chair",
        _folded(["رئيس مجلس الإدارة", "رئيس المجلس", "رئيس مجلس", "الرئيس", "رئيساً", "رئيس"]),
    ),
    (
        "financial_supervisor",
        _folded(["المشرف المالي", "مشرف مالي", "أمين الصندوق", "المسؤول المالي", "أمين المال"]),
    ),
    (
        "secretary",
        _folded(
            ["أمين سر المجلس", "أمين سر مجلس الإدارة", "أمين السر", "أمين سر", "سكرتير المجلس"]
        ),
    ),
    (
        "member",
        _folded(["عضو مجلس الإدارة", "عضو المجلس", "عضو مجلس", "عضواً", "عضوة", "عضو"]),
    ),
]
_ALL_PHRASES = frozenset(phrase for _role, phrases in ROLE_PHRASES for phrase in phrases)
HEADER_CELLS = frozenset(
    _folded(
        ["الاسم", "اسم العضو", "الأسماء", "الصفة", "المنصب", "الدور", "المسمى", "المسمى الوظيفي"]
        + ["التوقيع", "م", "#", "الرقم", "ر", "العضو", "الأعضاء", "صفته", "المنصب في المجلس"]
    )
)
SIGNATURE = re.compile(r"^(?:التوقيع|الختم|ختم الجمعيه|التاريخ)?\s*[:：]?\s*[._…\-]*$")
APPROVAL_VERBS = re.compile(r"(?:^|\s)(?:اعتمد|واعتمد|تم اعتماد|اعتماد|وافق|اقر|قرر|صادق)\b")
BOARD_WORDS = re.compile(r"مجلس|المجلس|الجمعيه العموميه")
SUPERSEDES = re.compile(
    r"تحل\s+(?:هذه\s+\S+\s+)?محل|محل\s+جميع|تلغي\s+(?:هذه\s+\S+\s+)?(?:كل|جميع|ما)"
    r"|يلغي\s+(?:كل|جميع|ما)|ويلغي|الغاء\s+(?:كل|جميع)\s+(?:ما|السياسات|اللواءح)"
)
LICENCE = re.compile(
    r"(?:تصريح|ترخيص|الترخيص|التصريح|التسجيل|مسجله|المسجله|الرقم الموحد)"
    r"(?:[^\d]{0,70}?(?:رقم|برقم|بالرقم|الرقم|ذات الرقم))?\s*[:(\[]?\s*(?P<number>\d{2,10})"
)
CELL_SPLIT = re.compile(r"\s*(?:\||\t|\s{3,})\s*")
PAIR_SPLIT = re.compile(r"\s*(?:[:：]|\s[-–—/]\s|[()])\s*")


@dataclass
class Approval:
    meeting_number: str
    term_number: int | None
    meeting_date: dt.date | None
    hijri_date: str
    members: list[dict]
    decision_text: str
    supersedes_previous: bool
    warnings: list[str] = field(default_factory=list)


def _number(text: str) -> str:
    value = fold(text).strip()
    if value in ORDINALS:
        return str(ORDINALS[value])
    return re.sub(r"\s+", "", value)


def ascii_fold(text: str) -> str:
    return fold(to_ascii_digits(strip_markup(text)))


def meeting_number(text: str) -> str:
    folded = ascii_fold(text)
    match = MEETING.search(folded) or MEETING_BY_NUMBER.search(folded)
    return _number(match.group("number")) if match else ""


def term_number(text: str) -> int | None:
    match = TERM.search(ascii_fold(text))
    if not match:
        return None
    value = _number(match.group("number"))
    return int(value) if value.isdigit() else None


def licence_number(text: str) -> str:
    match = LICENCE.search(ascii_fold(text))
    return match.group("number") if match else ""


def find_dates(text: str) -> list[tuple[str, dt.date | HijriDate]]:
    """Every date in the text as ("gregorian", date) or ("hijri", HijriDate), in order."""
    folded = ascii_fold(text)
    found: list[tuple[int, str, dt.date | HijriDate]] = []
    for match in NUMERIC_DATE.finditer(folded):
        numbers = [int(match.group(1)), int(match.group(3)), int(match.group(4))]
        day, month, year = (numbers[2], numbers[1], numbers[0]) if numbers[0] > 31 else numbers
        marker = match.group(5) or ""
        value = _make_date(day, month, year, hijri=marker.startswith("ه"))
        if value:
            found.append((match.start(), *value))
    for match in WORDED_DATE.finditer(folded):
        day, month_name, year = int(match.group(1)), match.group(2), int(match.group(3))
        hijri = month_name in HIJRI_MONTHS and month_name not in GREGORIAN_MONTHS
        month = (HIJRI_MONTHS if hijri else GREGORIAN_MONTHS)[month_name]
        value = _make_date(day, month, year, hijri=hijri)
        if value:
            found.append((match.start(), *value))
    return [(kind, value) for _position, kind, value in sorted(found, key=lambda f: f[0])]


def _make_date(day: int, month: int, year: int, *, hijri: bool):
    try:
        if hijri or 1300 <= year <= 1500:
            value = HijriDate(year, month, day)
            value.to_gregorian()  # raises for a day that does not exist
            return "hijri", value
        if 1900 <= year <= 2100:
            return "gregorian", dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None
    return None


def role_of(cell: str) -> str | None:
    """The board role a short cell or phrase names, or None."""
    folded = re.sub(r"[^\w\s]", " ", fold(strip_markup(cell)))
    folded = " ".join(folded.split())
    if not folded or len(folded.split()) > 6:
        return None
    for role, phrases in ROLE_PHRASES:
        for phrase in phrases:
            if folded == phrase or folded.startswith(phrase + " ") and role != "member":
                return role
            if role == "member" and folded.startswith(phrase) and len(folded.split()) <= 4:
                return role
    return None


def _is_name(cell: str) -> bool:
    text = strip_markup(cell).strip(" .:-–")
    folded = fold(text)
    if not folded or folded in HEADER_CELLS or role_of(text) or SIGNATURE.match(folded):
        return False
    words = folded.split()
    letters = re.sub(r"[^\w]", "", folded)
    return 1 <= len(words) <= 7 and not letters.isdigit() and len(letters) >= 3


def is_header_row(line: str) -> bool:
    cells = [c for c in CELL_SPLIT.split(strip_markup_keep_cells(line)) if c.strip()]
    folded = [fold(c).strip(" :.") for c in cells]
    return len(cells) >= 2 and sum(c in HEADER_CELLS for c in folded) >= max(2, len(cells) - 1)


def strip_markup_keep_cells(line: str) -> str:
    return re.sub(r"\*\*|__", "", line).strip().strip("|").strip()


def members_in(line: str) -> list[dict]:
    """Members named on one line: table cells (| or tabs) or `role: name` / `name - role`."""
    text = strip_markup_keep_cells(line)
    cells = [c.strip() for c in CELL_SPLIT.split(text) if c.strip()]
    if len(cells) < 2:
        cells = [c.strip() for c in PAIR_SPLIT.split(text) if c.strip()]
    if len(cells) < 2:
        return _member_in_flat_row(text)
    members, index = [], 0
    while index < len(cells) - 1:
        first, second = cells[index], cells[index + 1]
        if role_of(first) and _is_name(second):
            members.append({"name": _clean_name(second), "role": role_of(first)})
            index += 2
        elif _is_name(first) and role_of(second):
            members.append({"name": _clean_name(first), "role": role_of(second)})
            index += 2
        else:
            index += 1
    return members


def _member_in_flat_row(text: str) -> list[dict]:
    """A table row the extraction flattened: `١ name role ....` or `role name`."""
    text = re.sub(r"^\s*[\d٠-٩]{1,2}\s*[-.)]?\s+", "", text)
    text = re.sub(r"[\s.…_]+$", "", text).strip()
    words = text.split()
    if not 2 <= len(words) <= 11:
        return []
    for size in range(min(5, len(words) - 1), 0, -1):
        for head, rest in ((words[-size:], words[:-size]), (words[:size], words[size:])):
            role = role_of(" ".join(head))
            name = " ".join(rest)
            if role and fold(" ".join(head)) in _ALL_PHRASES and 2 <= len(rest) <= 6:
                if not _is_name(name):
                    continue
                return [{"name": _clean_name(name), "role": role}]
    return []


def _clean_name(cell: str) -> str:
    return " ".join(strip_markup(cell).strip(" .:-–|").split())


def is_statement(line: str) -> bool:
    folded = ascii_fold(line)
    return bool(APPROVAL_VERBS.search(folded) and BOARD_WORDS.search(folded)) or bool(
        SUPERSEDES.search(folded)
    )


def read_approval(lines: list[str]) -> tuple[Approval | None, list[str | None]]:
    """The approval the lines state, and for each line what it gave (None: nothing)."""
    fields: list[str | None] = [None] * len(lines)
    members: list[dict] = []
    statement: list[str] = []
    in_statement = False
    for index, line in enumerate(lines):
        folded = ascii_fold(line)
        if not folded:
            continue
        found = members_in(line)
        if found and not is_statement(line):
            members.extend(found)
            fields[index] = "member"
            in_statement = False
            continue
        if is_header_row(line):
            fields[index] = "members-header"
            continue
        if SIGNATURE.match(folded) or folded.strip(" :") in {"الختم", "التوقيع", "ختم الجمعيه"}:
            fields[index] = "signature"
            continue
        if is_statement(line) or find_dates(line) or meeting_number(line) and "اجتماع" in folded:
            statement.append(strip_markup(line))
            fields[index] = "statement"
            in_statement = not re.search(r"[.。]\s*$", line.strip())
            continue
        if in_statement and not role_of(line):
            statement.append(strip_markup(line))
            fields[index] = "statement"
            in_statement = not re.search(r"[.。]\s*$", line.strip())
            continue
        role = role_of(line)
        if role and index + 1 < len(lines) and _is_name(lines[index + 1]):
            # A role on its line and the name under it.
            members.append({"name": _clean_name(lines[index + 1]), "role": role})
            fields[index] = fields[index + 1] = "member"
            continue
        in_statement = False
    text = " ".join(statement)
    dates = find_dates(text)
    if not dates and not members:
        return None, fields
    approval = Approval(
        meeting_number=meeting_number(text),
        term_number=term_number(text),
        meeting_date=None,
        hijri_date="",
        members=members,
        decision_text=text,
        supersedes_previous=bool(SUPERSEDES.search(ascii_fold(text))),
    )
    gregorian = next((v for kind, v in dates if kind == "gregorian"), None)
    hijri = next((v for kind, v in dates if kind == "hijri"), None)
    if gregorian is None and hijri is not None:
        gregorian = hijri.to_gregorian()
    if gregorian is not None:
        derived = HijriDate.from_gregorian(gregorian)
        if hijri is not None and abs((hijri.to_gregorian() - gregorian).days) > 1:
            approval.warnings.append(
                _("The Hijri date %(hijri)s does not match the Gregorian date %(gregorian)s.")
                % {"hijri": hijri.numeric(), "gregorian": gregorian.isoformat()}
            )
        approval.meeting_date = gregorian
        approval.hijri_date = (hijri or derived).numeric()
    else:
        approval.warnings.append(_("The approval in the document has no date."))
    if not approval.meeting_number:
        approval.warnings.append(_("The approval does not name the meeting."))
    return approval, fields
